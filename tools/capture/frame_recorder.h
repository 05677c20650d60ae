/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <spa/buffer/buffer.h>

#include "buffer_mapping.h"
#include "capture_result.h"
#include "format_params.h"
#include "frame_stats.h"

namespace v4l2dmabuf::capture {

/**
 * Everything learnt from the frames of one stream: counts, sequence gaps,
 * latency, the planes' layout, and a copy of the last frame's image bytes
 * (one vector per memory plane, from each chunk's offset for its size).
 * Knows nothing of pw_stream; fed one spa_buffer at a time.
 */
class FrameRecorder
{
public:
	/** The format the frames are in (changes the layout of the saved frame). */
	void setFormat(const NegotiatedFormat &format) { format_ = format; }
	const NegotiatedFormat &format() const { return format_; }

	/** CLOCK_MONOTONIC time of pw_stream_connect(), nanoseconds. */
	void setConnectTime(int64_t ns) { connectNs_ = ns; }

	/** Counts a buffer the stream added. */
	void bufferAdded() { buffers_++; }

	/**
	 * Records one frame: @p buffer as dequeued, @p mapped its mapping from
	 * mapBuffer(), @p nowNs its CLOCK_MONOTONIC arrival time (nanoseconds).
	 * With @p readPixels, reads every plane (under DMA_BUF_IOCTL_SYNC for
	 * DmaBuf) into the last-frame copy; the session asks for it on the
	 * last frame only, so that the consumer's per-frame CPU cost stays
	 * that of a consumer that hands frames on without touching them.
	 */
	void addFrame(const spa_buffer &buffer, const MappedBuffer &mapped, int64_t nowNs,
		      bool readPixels = true);

	/** Frames recorded so far. */
	uint64_t frames() const { return frames_; }

	/**
	 * Fills the frame, timing, plane and last-frame fields of @p result;
	 * converts the last frame and writes it to @p pngPath when not empty.
	 * Leaves @p result's ok/error alone, except that a failed PNG write
	 * sets pngNote.
	 */
	void finish(const std::string &pngPath, CaptureResult *result) const;

private:
	/* The last frame as a converter input; false if it cannot be one. */
	bool lastFrameView(FrameView *view, std::string *why) const;

	NegotiatedFormat format_;
	int64_t connectNs_ = 0;
	int64_t firstFrameNs_ = -1;
	uint32_t buffers_ = 0;
	uint64_t frames_ = 0, bytes_ = 0, corrupted_ = 0, syncErrors_ = 0, badChunks_ = 0;
	SequenceTracker sequence_;
	std::vector<int64_t> latenciesNs_;
	std::vector<std::string> dataTypes_;
	std::vector<uint32_t> datasPerBuffer_;
	std::vector<PlaneReport> lastPlanes_;
	std::vector<std::vector<uint8_t>> lastBytes_; /* per memory plane, from chunk offset */
	bool lastComplete_ = false; /* every plane of the last frame was read */
};

} /* namespace v4l2dmabuf::capture */
