/* SPDX-License-Identifier: MIT */
#pragma once

/* Helpers of the tests that drive the V4L2 layer directly against vivid. */

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "v4l2_buffer_queue.h"
#include "v4l2_device.h"

namespace v4l2test {

/*
 * What vivid produces for 100% white, measured in the VM (6.1): limited-range
 * Y'CbCr, Y = 234 in every sample (one code under the nominal 235: the test
 * pattern generator's rounding), Cb = Cr = 128. Allow a few codes either way.
 */
constexpr int kWhiteY = 234;
constexpr int kWhiteC = 128;
constexpr int kTolerance = 3;

/** A LogSink for the tests: stderr, Debug only with V4L2_TEST_DEBUG set. */
inline void logToStderr(v4l2dmabuf::LogLevel level, const std::string &msg)
{
	static const bool debug = getenv("V4L2_TEST_DEBUG") != nullptr;
	if (level == v4l2dmabuf::LogLevel::Debug && !debug)
		return;
	fprintf(stderr, "[log] %s\n", msg.c_str());
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
