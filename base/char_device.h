/* SPDX-License-Identifier: MIT */
#pragma once

#include <sys/types.h>

#include <string>

#include "unique_fd.h"

namespace v4l2dmabuf {

/**
 * Where a device node that a client or a config names may be, and what it
 * must be: every layer that opens such a path (V4L2 video nodes in /dev/, DRM
 * nodes in /dev/dri/, DMA heaps in /dev/dma_heap/) goes through openCharDevice().
 */
struct CharDeviceRule {
	/** The path must start with this directory, with its trailing '/'. */
	const char *directory;
	/** The node must be directly in @c directory (no further '/'). */
	bool directChild = false;
	/** The character device's major number (devices.txt), or -1 for any. */
	int major = -1;
	/** Access mode and extra open(2) flags (O_RDWR, O_NONBLOCK, ...). */
	int openFlags = 0;
};

/** Why openCharDevice() refused a path. */
enum class CharDeviceRefusal {
	None,      /**< opened */
	Path,      /**< outside the directory, "..", or not a direct child */
	Open,      /**< open(2) or stat(2) failed: errno is the result */
	NotChar,   /**< not a character device */
	Major,     /**< a character device of another major number */
	Replaced,  /**< the node changed between stat(2) and open(2) */
};

/**
 * Opens @p path as the character device @p rule describes, without side
 * effects on anything else: the path is checked first (no open of a file
 * elsewhere, such as a terminal or a hung network mount), stat(2) before
 * open(2) (opening a FIFO would block, a tty would become the caller's
 * controlling terminal: O_NOCTTY too), fstat(2) after (the same device
 * number). Always O_CLOEXEC | O_NOCTTY.
 *
 * @return 0 with @p fd owning the node; a negative errno otherwise: the
 * open(2)/stat(2) errno, -ENODEV for the other refusals; @p why (may be
 * null) says which check refused. Nothing is logged: the caller names the
 * device kind in its own message.
 */
int openCharDevice(const std::string &path, const CharDeviceRule &rule, UniqueFd *fd,
		   CharDeviceRefusal *why = nullptr);

} /* namespace v4l2dmabuf */
