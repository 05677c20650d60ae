/* SPDX-License-Identifier: MIT */
#pragma once

/* Helpers of the tests that drive the V4L2 layer directly against vivid. */

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>

#include "catch.h"
#include "v4l2_buffer_queue.h"
#include "v4l2_device.h"
#include "vivid.h"

namespace v4l2test {

/** A 640x480 format of @p fourcc, for setFormat(). */
inline v4l2dmabuf::V4l2Format vga(uint32_t fourcc)
{
	v4l2dmabuf::V4l2Format f;
	f.fourcc = fourcc;
	f.width = 640;
	f.height = 480;
	return f;
}

/** The smallest and largest sample seen. */
struct Range {
	int min = 255, max = 0;
	void add(int v)
	{
		min = std::min(min, v);
		max = std::max(max, v);
	}
};

/** Every @p step-th byte from @p first of @p bytes bytes in each of @p rows rows of @p stride bytes. */
inline void scan(const uint8_t *data, uint32_t bytes, uint32_t rows, uint32_t stride,
		 uint32_t first, uint32_t step, Range *r)
{
	for (uint32_t row = 0; row < rows; row++) {
		const uint8_t *line = data + size_t(row) * stride;
		for (uint32_t x = first; x < bytes; x += step)
			r->add(line[x]);
	}
}

/** Every luma sample in @p y and chroma sample in @p c (if given) is vivid's white. */
inline void checkWhite(const Range &y, const Range *c)
{
	CHECK(y.min >= vivid::kWhiteYSample - vivid::kTolerance);
	CHECK(y.max <= vivid::kWhiteYSample + vivid::kTolerance);
	if (!c)
		return;
	CHECK(c->min >= vivid::kWhiteC - vivid::kTolerance);
	CHECK(c->max <= vivid::kWhiteC + vivid::kTolerance);
}

/** Waits (up to 10 s) for a buffer and dequeues it; 0 or -errno (-ETIMEDOUT). */
inline int waitAndDequeue(v4l2dmabuf::V4l2Device &dev, v4l2dmabuf::V4l2BufferQueue &queue,
			  v4l2dmabuf::V4l2DequeuedBuffer *buf)
{
	for (;;) {
		int ret = queue.dequeueBuffer(buf);
		if (ret != -EAGAIN)
			return ret;
		struct pollfd pfd = {dev.fd(), POLLIN, 0};
		ret = poll(&pfd, 1, 10000);
		if (ret == 0)
			return -ETIMEDOUT;
		if (ret < 0 && errno != EINTR)
			return -errno;
	}
}

} /* namespace v4l2test */
