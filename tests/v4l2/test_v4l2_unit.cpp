/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the V4L2 layer that need no V4L2 device: fourcc text and
 * open() failures (with no fd leaked).
 */

#include <cerrno>
#include <string>
#include <vector>

#include "catch.h"
#include "fd_helpers.h"
#include "fixtures.h"
#include "v4l2_buffer_queue.h"
#include "v4l2_device.h"

using fdcheck::countOpenFds;
using testenv::LayerFixture;

using namespace v4l2dmabuf;

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

TEST_CASE("captureBufferType: which nodes are captured from, and with which API", "[v4l2][unit]")
{
	const char *why = nullptr;
	/* uvcvideo: single-planar capture. */
	CHECK(captureBufferType(V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_STREAMING, &why) ==
	      V4L2_BUF_TYPE_VIDEO_CAPTURE);
	CHECK(why == nullptr);
	/* Both APIs: _MPLANE, the superset. MPLANE only: _MPLANE. */
	CHECK(captureBufferType(V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_VIDEO_CAPTURE_MPLANE |
				V4L2_CAP_STREAMING) == V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE);
	CHECK(captureBufferType(V4L2_CAP_VIDEO_CAPTURE_MPLANE | V4L2_CAP_STREAMING) ==
	      V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE);
	/* A decoder says CAPTURE_MPLANE too, but is mem2mem. */
	CHECK(captureBufferType(V4L2_CAP_VIDEO_M2M_MPLANE | V4L2_CAP_VIDEO_CAPTURE_MPLANE |
				V4L2_CAP_STREAMING, &why) == 0);
	CHECK(std::string(why).find("mem2mem") != std::string::npos);
	CHECK(captureBufferType(V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_READWRITE, &why) == 0);
	CHECK(std::string(why) == "no streaming I/O");
	CHECK(captureBufferType(V4L2_CAP_VIDEO_OUTPUT | V4L2_CAP_STREAMING, &why) == 0);
	CHECK(captureBufferType(V4L2_CAP_META_CAPTURE | V4L2_CAP_STREAMING, &why) == 0);
	CHECK(std::string(why) == "no video capture");
}

TEST_CASE_METHOD(LayerFixture, "open() of a missing node is -ENOENT and logs the path", "[v4l2][unit]")
{
	{
		V4l2Device dev;
		dev.setLogSink(log.sink());
		CHECK(dev.open("/dev/does-not-exist-v4l2dmabuf") == -ENOENT);
		CHECK_FALSE(dev.isOpen());
		CHECK(dev.fd() == -1);
	}
	const std::vector<std::string> errors = log.errors();
	REQUIRE(errors.size() == 1);
	CHECK(errors[0].find("/dev/does-not-exist-v4l2dmabuf") == 0);
}

TEST_CASE_METHOD(LayerFixture, "open() of /dev/null is -ENOTTY with no fd leaked", "[v4l2][unit]")
{
	V4l2Device dev;
	CHECK(dev.open("/dev/null") == -ENOTTY);
	CHECK_FALSE(dev.isOpen());
	/* A failed open leaves no queue state either. */
	V4l2BufferQueue queue(dev);
	V4l2BufferCounts counts;
	CHECK(queue.probeCounts(&counts) < 0);
	CHECK(countOpenFds() == fdsAtSetUp());
}

TEST_CASE("open() opens nothing outside /dev and no terminal", "[v4l2][unit]")
{
	int before = countOpenFds();
	{
		V4l2Device dev;
		std::vector<std::string> errors;
		dev.setLogSink([&](LogLevel level, const std::string &m) {
			if (level == LogLevel::Error)
				errors.push_back(m);
		});
		/* A path a client chose: never opened when it is not a device node path. */
		CHECK(dev.open("/proc/self/status") == -ENOENT);
		CHECK(dev.open("/dev/../proc/self/status") == -ENOENT);
		CHECK(dev.open("relative/video0") == -ENOENT);
		REQUIRE(errors.size() == 3);
		CHECK(errors[0].find("/proc/self/status") != std::string::npos);
		/* A terminal is a character device, but not video4linux's (major 81). */
		CHECK(dev.open("/dev/tty") <= -1);
		CHECK_FALSE(dev.isOpen());
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
