/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the V4L2 layer that need no V4L2 device: fourcc text and
 * open() failures (with no fd leaked).
 */

#include <catch2/catch.hpp>

#include <dirent.h>

#include <cerrno>
#include <string>
#include <vector>

#include "v4l2_buffer_queue.h"
#include "v4l2_device.h"

#include "../common/fd_helpers.h"

using fdcheck::countOpenFds;
using fdcheck::dmabufExporter;

using namespace v4l2dmabuf;

namespace {


} /* namespace */

TEST_CASE("fourccToString prints fourccs in memory order", "[v4l2][unit]")
{
	CHECK(fourccToString(V4L2_PIX_FMT_YUYV) == "YUYV");
	CHECK(fourccToString(V4L2_PIX_FMT_NV12M) == "NM12");
	CHECK(fourccToString(V4L2_PIX_FMT_YUV420M) == "YM12");
	CHECK(fourccToString(V4L2_PIX_FMT_Y16) == "Y16 ");
	CHECK(fourccToString(V4L2_PIX_FMT_Y16_BE) == "Y16 -BE");
	CHECK(fourccToString(0) == "....");
	CHECK(fourccToString(v4l2_fourcc('A', '\x01', 'B', '\x7f')) == "A.B.");
}

TEST_CASE("open() of a missing node is -ENOENT and logs the path", "[v4l2][unit]")
{
	int before = countOpenFds();
	std::vector<std::string> messages;
	{
		V4l2Device dev;
		dev.setLogSink([&](LogLevel level, const std::string &msg) {
			if (level == LogLevel::Error)
				messages.push_back(msg);
		});
		CHECK(dev.open("/dev/does-not-exist-v4l2dmabuf") == -ENOENT);
		CHECK_FALSE(dev.isOpen());
		CHECK(dev.fd() == -1);
	}
	CHECK(countOpenFds() == before);
	REQUIRE(messages.size() == 1);
	CHECK(messages[0].find("/dev/does-not-exist-v4l2dmabuf") == 0);
}

TEST_CASE("open() of /dev/null is -ENOTTY with no fd leaked", "[v4l2][unit]")
{
	int before = countOpenFds();
	REQUIRE(before > 0);
	{
		V4l2Device dev;
		CHECK(dev.open("/dev/null") == -ENOTTY);
		CHECK_FALSE(dev.isOpen());
		/* A failed open leaves no queue state either. */
		V4l2BufferQueue queue(dev);
		V4l2BufferCounts counts;
		CHECK(queue.probeCounts(&counts) < 0);
		CHECK(countOpenFds() == before);
	}
	CHECK(countOpenFds() == before);
}

TEST_CASE("ioctl() on a closed device is -EBADF", "[v4l2][unit]")
{
	V4l2Device dev;
	struct v4l2_capability cap = {};
	CHECK(dev.ioctl(VIDIOC_QUERYCAP, &cap) == -EBADF);
	dev.close();
	dev.close();
	V4l2Format fmt;
	CHECK(dev.getFormat(&fmt) == -EBADF);
	CHECK(dev.enumFormats().empty());
}
