/* SPDX-License-Identifier: MIT */
/*
 * Test fixture: a libv4l2 plugin (libv4l-plugin.h) that makes one vivid
 * capture node look like a raw sensor camera. The node named by
 * $V4L2_DMABUF_TEST_RAW_SENSOR lists only V4L2_PIX_FMT_SRGGB8 (8-bit Bayer,
 * a format vivid really produces) and is switched to it; every other ioctl
 * reaches the driver unchanged. So libv4lconvert, when asked, really
 * demosaics vivid's real frames into the formats it emulates (RGB24,
 * BGR24, YUV420, YVU420): the case of a camera whose formats applications
 * cannot use. Claims no other fd, and none when the variable is unset.
 * Loaded only where tests/common/with-raw-sensor puts it.
 */
#include <libv4l-plugin.h>
#include <linux/videodev2.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>

namespace {

constexpr uint32_t kSensorFormat = V4L2_PIX_FMT_SRGGB8;

int sysIoctl(int fd, unsigned long request, void *arg)
{
	return static_cast<int>(syscall(SYS_ioctl, fd, request, arg));
}

/* The real ENUM_FMT entry of the sensor format, as index 0. */
int enumSensorFormat(int fd, struct v4l2_fmtdesc *desc)
{
	if (desc->index != 0) {
		errno = EINVAL;
		return -1;
	}
	for (uint32_t i = 0;; i++) {
		struct v4l2_fmtdesc d = {};
		d.index = i;
		d.type = desc->type;
		if (sysIoctl(fd, VIDIOC_ENUM_FMT, &d) < 0)
			return -1; /* the driver lacks it: EINVAL, nothing listed */
		if (d.pixelformat == kSensorFormat) {
			d.index = 0;
			*desc = d;
			return 0;
		}
	}
}

void *init(int fd)
{
	const char *path = getenv("V4L2_DMABUF_TEST_RAW_SENSOR");
	struct stat want, have;
	if (!path || stat(path, &want) < 0 || fstat(fd, &have) < 0 || have.st_rdev != want.st_rdev)
		return nullptr;
	struct v4l2_format fmt = {};
	fmt.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	if (sysIoctl(fd, VIDIOC_G_FMT, &fmt) < 0)
		return nullptr;
	fmt.fmt.pix.pixelformat = kSensorFormat;
	fmt.fmt.pix.bytesperline = 0;
	sysIoctl(fd, VIDIOC_S_FMT, &fmt);
	static int claimed;
	return &claimed;
}

void close(void *) {}

int ioctl(void *, int fd, unsigned long request, void *arg)
{
	switch (request) {
	case VIDIOC_ENUM_FMT: {
		auto *desc = static_cast<struct v4l2_fmtdesc *>(arg);
		if (desc->type == V4L2_BUF_TYPE_VIDEO_CAPTURE)
			return enumSensorFormat(fd, desc);
		break;
	}
	case VIDIOC_TRY_FMT:
	case VIDIOC_S_FMT: {
		auto *fmt = static_cast<struct v4l2_format *>(arg);
		if (fmt->type == V4L2_BUF_TYPE_VIDEO_CAPTURE)
			fmt->fmt.pix.pixelformat = kSensorFormat; /* as drivers do: the one they have */
		break;
	}
	case VIDIOC_ENUM_FRAMESIZES:
		if (static_cast<struct v4l2_frmsizeenum *>(arg)->pixel_format != kSensorFormat) {
			errno = EINVAL;
			return -1;
		}
		break;
	case VIDIOC_ENUM_FRAMEINTERVALS:
		if (static_cast<struct v4l2_frmivalenum *>(arg)->pixel_format != kSensorFormat) {
			errno = EINVAL;
			return -1;
		}
		break;
	default:
		break;
	}
	return sysIoctl(fd, request, arg);
}

ssize_t read(void *, int fd, void *buffer, size_t n)
{
	return ::read(fd, buffer, n);
}

ssize_t write(void *, int fd, const void *buffer, size_t n)
{
	return ::write(fd, buffer, n);
}

} /* namespace */

extern "C" __attribute__((visibility("default"))) const struct libv4l_dev_ops libv4l2_plugin = {
	init, close, ioctl, read, write,
	nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr,
};
