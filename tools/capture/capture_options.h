/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <string>

#include <spa/buffer/buffer.h>

namespace v4l2dmabuf::capture {

/** Every data type the tool can read: 1 << SPA_DATA_DmaBuf | MemFd | MemPtr. */
constexpr uint32_t kAllDataTypes =
	(1u << SPA_DATA_DmaBuf) | (1u << SPA_DATA_MemFd) | (1u << SPA_DATA_MemPtr);

/** What a CaptureSession captures, and from where. Zero fields mean "any". */
struct CaptureOptions {
	std::string target;        /**< node.name or object.serial; empty: session manager's choice */
	std::string format;        /**< a format table name ("NV12M", "YUYV", "MJPEG"); empty: any */
	uint32_t width = 0;        /**< pixels */
	uint32_t height = 0;       /**< lines */
	uint32_t framerateNum = 0; /**< frames per framerateDenom seconds */
	uint32_t framerateDenom = 0;
	uint32_t dataTypes = kAllDataTypes; /**< 1 << SPA_DATA_* bits accepted */
	uint64_t frames = 60;      /**< stop after this many frames */
	double timeoutSeconds = 30; /**< fail when the frames have not arrived by then */
	std::string pngPath;       /**< write the last frame as RGB PNG here; empty: no PNG */
	bool verbose = false;      /**< log negotiation and buffers to stderr */
	/**
	 * Set on the target node's Props before connecting (empty: leave as
	 * is): its v4l2-dmabuf.io-mode and v4l2-dmabuf.allocator.
	 * Needs a target; a node that refuses fails the session.
	 */
	std::string ioMode;
	std::string allocator;
	/** node.name of the capture stream (what pw-link calls it). */
	std::string nodeName = "v4l2-dmabuf-capture";
	/**
	 * A connected PipeWire socket to use instead of the default remote, e.g.
	 * the one the Camera portal's OpenPipeWireRemote returns; -1: connect
	 * as usual. run() hands it to pw_context_connect_fd(), which owns it
	 * from then on.
	 */
	int remoteFd = -1;
};

/** Parses "WxH" (e.g. "640x480") into pixels; false on anything else or a zero. */
bool parseSize(const std::string &s, uint32_t *width, uint32_t *height);

/** Parses "N" or "N/D" (e.g. "30", "30000/1001"); false on anything else or a zero. */
bool parseFramerate(const std::string &s, uint32_t *num, uint32_t *denom);

/**
 * Parses a comma-separated list of dmabuf, memfd, memptr (case-insensitive)
 * into 1 << SPA_DATA_* bits; false on an unknown or empty list.
 */
bool parseDataTypes(const std::string &s, uint32_t *mask);

} /* namespace v4l2dmabuf::capture */
