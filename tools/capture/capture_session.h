/* SPDX-License-Identifier: MIT */
#pragma once

#include <memory>

#include "capture_options.h"
#include "capture_result.h"

namespace v4l2dmabuf::capture {

/**
 * One capture from a PipeWire video node, as a consumer pw_stream.
 *
 * run() connects to the PipeWire daemon, waits for the target node to
 * appear, connects an autoconnecting input stream that offers the requested
 * format without a modifier (the V4L2 case of doc/dma-buf.dox), answers the
 * Format with Buffers (dataType: the requested SPA_DATA_* flags) and Meta
 * (header) params, maps every buffer once, and records @ref
 * CaptureOptions::frames frames before returning. It needs a session manager
 * (or pw-link) to link the stream to its target.
 *
 * Usage: `CaptureResult r = CaptureSession(options).run();`
 */
class CaptureSession
{
public:
	explicit CaptureSession(CaptureOptions options);
	~CaptureSession();
	CaptureSession(const CaptureSession &) = delete;
	CaptureSession &operator=(const CaptureSession &) = delete;

	/**
	 * Captures; blocks until the frames arrived, the timeout passed, or the
	 * stream failed. Call once.
	 *
	 * @return the result; ok is false with a one-line error when: an option
	 * is invalid, the daemon is unreachable, the target node never appeared,
	 * no format was negotiated, the stream went to the error state (its
	 * error string is quoted) or disconnected, or too few frames arrived
	 * before the timeout.
	 */
	CaptureResult run();

private:
	struct Impl;
	std::unique_ptr<Impl> impl_;
};

} /* namespace v4l2dmabuf::capture */
