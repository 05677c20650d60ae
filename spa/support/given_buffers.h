/* SPDX-License-Identifier: MIT */
#pragma once

#include <spa/buffer/buffer.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "v4l2_device.h"

namespace v4l2dmabuf {

/** What an fd of a given spa_data is, as far as importing it goes. */
struct GivenFdInfo {
	enum class Kind { Closed, DmaBuf, Other };
	Kind kind = Kind::Closed;
	uint64_t size = 0; /**< bytes: a DMA-BUF's size, a memfd's or file's st_size */
};

/** Tells what @p fd is; the default (probeGivenFd) asks the kernel. */
using GivenFdProbe = std::function<GivenFdInfo(int fd)>;

/** fcntl(F_GETFD), dmabufInfo(), fstat(): no side effect on the fd. */
GivenFdInfo probeGivenFd(int fd);

/** How the buffers handed to port_use_buffers are to be used. */
struct GivenBuffersUse {
	bool alloc = false;    /**< SPA_NODE_BUFFERS_FLAG_ALLOC: the node fills the datas */
	bool convert = false;  /**< io-mode convert: frames are copied into mapped memory */
};

/** How the checked datas reach V4L2 (without ALLOC, not in convert). */
enum class GivenMemory { None, DmaBuf, UserPtr };

/**
 * The checks CaptureBuffers::use() makes before touching the @p n buffers
 * given to port_use_buffers for a format of @p planes memory planes, with
 * the holes of use()/importPlane() closed, as one pure function (the only
 * system calls are @p probe's):
 * - @p buffers and each buffer non-null, n_datas == planes (at least 1),
 *   datas and every chunk non-null (use() writes the chunks);
 * - with @p use.alloc: nothing more (the node fills the datas);
 * - in convert: every data MemFd or MemPtr like the first, mapped (data
 *   non-null), maxsize >= the plane's sizeimage;
 * - else each data DmaBuf: fd in [0, INT_MAX] (spa_data.fd is 64-bit,
 *   V4L2 takes an int), a DMA-BUF, mapoffset 0, its size >= sizeimage;
 *   or MemPtr / MemFd with data: maxsize >= sizeimage; or MemFd without
 *   data: fd in [0, INT_MAX], open and not a DMA-BUF, maxsize >= sizeimage,
 *   mapoffset + maxsize (64-bit, no wrap) within the file; and all datas of
 *   all buffers the same V4L2 memory (DMABUF or USERPTR).
 * @param memory  set to the V4L2 memory of the datas (may be null)
 * @param why     the reason of a refusal, naming buffer and plane (may be null)
 * @return 0; -EINVAL with @p why set. Driver capabilities (-ENOTSUP) are
 * CaptureBuffers' to check.
 */
int validateGivenBuffers(struct spa_buffer *const *buffers, uint32_t n,
			 const std::vector<V4l2PlaneFormat> &planes, const GivenBuffersUse &use,
			 const GivenFdProbe &probe, GivenMemory *memory, std::string *why);

} /* namespace v4l2dmabuf */
