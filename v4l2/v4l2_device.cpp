/* SPDX-License-Identifier: MIT */
/*
 * V4l2Device: one V4L2 video capture node. Follows linux/videodev2.h and
 * Documentation/userspace-api/media/v4l/ (vidioc-querycap, vidioc-enum-fmt,
 * vidioc-enum-framesizes, vidioc-enum-frameintervals, vidioc-g-fmt,
 * vidioc-g-parm).
 */

#include "v4l2_device.h"
#include "char_device.h"

#include <fcntl.h>
#include <libv4l2.h>
#include <sys/ioctl.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

namespace v4l2dmabuf {

namespace {

/* The character major of every video4linux node. */
constexpr int kV4l2Major = 81;

} /* namespace */

V4l2Device::V4l2Device() = default;

V4l2Device::~V4l2Device()
{
	close();
}

void V4l2Device::setLogSink(LogSink sink)
{
	sink_ = std::move(sink);
}

void V4l2Device::log(LogLevel level, const std::string &message) const
{
	if (!sink_)
		return;
	sink_(level, (path_.empty() ? std::string("(no device)") : path_) + ": " + message);
}

int V4l2Device::ioctl(unsigned long request, void *arg) const
{
	if (!fd_.isValid())
		return -EBADF;

	int ret;
	do {
		ret = access_ == V4l2Access::Libv4l2 ? v4l2_ioctl(fd_.get(), request, arg)
						     : ::ioctl(fd_.get(), request, arg);
	} while (ret < 0 && errno == EINTR);

	return ret < 0 ? -errno : ret;
}

int V4l2Device::mapPlane(uint32_t length, uint32_t offset, MemoryMap *map) const
{
	if (access_ == V4l2Access::Direct)
		return map->map(fd_.get(), length, offset, PROT_READ | PROT_WRITE);
	void *p = v4l2_mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd_.get(), offset);
	if (p == MAP_FAILED)
		return -errno;
	map->adopt(p, length, v4l2_munmap);
	return 0;
}

/*
 * Buffer type choice: a node whose device_caps has both
 * V4L2_CAP_VIDEO_CAPTURE and V4L2_CAP_VIDEO_CAPTURE_MPLANE gets the _MPLANE
 * type, as libcamera does: it is the superset API (every single-planar
 * format is a one-plane multi-planar format, and only it carries
 * data_offset and formats with several memory planes such as NV12M).
 */
int V4l2Device::open(const std::string &path, V4l2Access access)
{
	close();
	path_ = path;

	/* Paths come from clients and configs: only V4L2's character devices
	 * (major 81, Documentation/admin-guide/devices.txt) in /dev get an
	 * ioctl; nothing there can stall the caller the way a hung network mount
	 * would (base/char_device.h). */
	static const CharDeviceRule kRule{"/dev/", false, kV4l2Major, O_RDWR | O_NONBLOCK};
	CharDeviceRefusal why;
	int res = openCharDevice(path, kRule, &fd_, &why);
	switch (why) {
	case CharDeviceRefusal::None:
		break;
	case CharDeviceRefusal::Path:
		log(LogLevel::Error, "not a device node path: " + errnoString(-ENOENT));
		return -ENOENT;
	case CharDeviceRefusal::Open:
		log(LogLevel::Error, "open failed: " + errnoString(res));
		return res;
	default:
		log(LogLevel::Error, "not a video4linux character device: " + errnoString(-ENOTTY));
		return -ENOTTY;
	}

	int ret = query();
	if (ret == 0 && access == V4l2Access::Libv4l2)
		ret = attachLibv4l2();
	if (ret < 0) {
		close();
		return ret;
	}
	log(LogLevel::Debug, "opened: driver '" + caps_.driver + "', card '" + caps_.card + "', bus '" +
				     caps_.busInfo + "', device_caps " + hex32(caps_.deviceCaps) + ", " +
				     (isMultiplanar() ? "multi-planar" : "single-planar") +
				     (access_ == V4l2Access::Libv4l2 ? ", through libv4l2" : ""));
	return 0;
}

/* QUERYCAP and the capture checks, on the node as it is reached now. */
int V4l2Device::query()
{
	struct v4l2_capability cap = {};
	int ret = ioctl(VIDIOC_QUERYCAP, &cap);
	if (ret < 0) {
		/*
		 * Every V4L2 node answers QUERYCAP; drivers older than the
		 * ENOTTY convention answer unknown ioctls with EINVAL.
		 */
		if (ret == -EINVAL)
			ret = -ENOTTY;
		log(LogLevel::Error, "VIDIOC_QUERYCAP failed, not a V4L2 node: " + errnoString(ret));
		return ret;
	}

	caps_.driver = fixedString(cap.driver);
	caps_.card = fixedString(cap.card);
	caps_.busInfo = fixedString(cap.bus_info);
	caps_.version = cap.version;
	caps_.capabilities = cap.capabilities;
	caps_.deviceCaps = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps
								       : cap.capabilities;

	const char *why = nullptr;
	bufType_ = captureBufferType(caps_.deviceCaps, &why);
	if (bufType_ == 0) {
		log(LogLevel::Error, std::string(why) + " (device_caps " + hex32(caps_.deviceCaps) + "): " +
					     errnoString(-ENODEV));
		return -ENODEV;
	}
	return 0;
}

uint32_t captureBufferType(uint32_t dc, const char **why)
{
	const char *reason = nullptr;
	uint32_t type = 0;
	if (dc & (V4L2_CAP_VIDEO_M2M | V4L2_CAP_VIDEO_M2M_MPLANE))
		reason = "mem2mem node, not a capture device";
	else if (!(dc & V4L2_CAP_STREAMING))
		reason = "no streaming I/O";
	else if (dc & V4L2_CAP_VIDEO_CAPTURE_MPLANE)
		type = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;
	else if (dc & V4L2_CAP_VIDEO_CAPTURE)
		type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	else
		reason = "no video capture";
	if (why)
		*why = reason;
	return type;
}

/*
 * libv4l2 (v4l-utils lib/libv4l2/libv4l2.c) converts on the single-planar
 * capture type only; its libv4l-mplane plugin, when installed, answers
 * QUERYCAP for a multi-planar-only node as single-planar.
 */
int V4l2Device::attachLibv4l2()
{
	if (v4l2_fd_open(fd_.get(), 0) < 0) {
		int ret = -errno;
		log(LogLevel::Error, "libv4l2 refuses the node: " + errnoString(ret) + ", as " +
					     errnoString(-ENODEV));
		return -ENODEV;
	}
	access_ = V4l2Access::Libv4l2;
	int ret = query();
	if (ret < 0)
		return ret;
	if (!(caps_.deviceCaps & V4L2_CAP_VIDEO_CAPTURE)) {
		log(LogLevel::Error, "libv4l2 sees no single-planar capture queue (device_caps " +
					     hex32(caps_.deviceCaps) + "; is libv4l-mplane installed?): " +
					     errnoString(-ENODEV));
		return -ENODEV;
	}
	bufType_ = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	return 0;
}

void V4l2Device::close()
{
	if (fd_.isValid())
		log(LogLevel::Debug, "closed");
	/* v4l2_close() frees libv4l2's state for the fd, then closes it. */
	if (access_ == V4l2Access::Libv4l2)
		v4l2_close(fd_.release());
	fd_.reset();
	caps_ = V4l2Capability();
	bufType_ = 0;
	access_ = V4l2Access::Direct;
}

std::vector<V4l2FormatDesc> V4l2Device::enumFormats() const
{
	std::vector<V4l2FormatDesc> formats;

	for (uint32_t index = 0;; index++) {
		struct v4l2_fmtdesc desc = {};
		desc.index = index;
		desc.type = bufType_;
		int ret = ioctl(VIDIOC_ENUM_FMT, &desc);
		if (ret < 0) {
			/* EINVAL past the last index ends the list. */
			if (ret != -EINVAL)
				log(LogLevel::Error, "VIDIOC_ENUM_FMT failed: " + errnoString(ret));
			break;
		}

		V4l2FormatDesc d;
		d.fourcc = desc.pixelformat;
		d.flags = desc.flags;
		d.description = fixedString(desc.description);
		formats.push_back(std::move(d));
	}

	return formats;
}

std::vector<V4l2FrameSize> V4l2Device::enumFrameSizes(uint32_t fourcc) const
{
	std::vector<V4l2FrameSize> sizes;

	for (uint32_t index = 0;; index++) {
		struct v4l2_frmsizeenum fs = {};
		fs.index = index;
		fs.pixel_format = fourcc;
		int ret = ioctl(VIDIOC_ENUM_FRAMESIZES, &fs);
		if (ret < 0) {
			if (ret != -EINVAL && ret != -ENOTTY)
				log(LogLevel::Error, "VIDIOC_ENUM_FRAMESIZES " + fourccToString(fourcc) +
							     " failed: " + errnoString(ret));
			break;
		}

		V4l2FrameSize s;
		switch (fs.type) {
		case V4L2_FRMSIZE_TYPE_DISCRETE:
			s.type = V4l2FrameSize::Type::Discrete;
			s.minWidth = s.maxWidth = fs.discrete.width;
			s.minHeight = s.maxHeight = fs.discrete.height;
			sizes.push_back(s);
			continue;
		case V4L2_FRMSIZE_TYPE_STEPWISE:
		case V4L2_FRMSIZE_TYPE_CONTINUOUS:
			s.type = fs.type == V4L2_FRMSIZE_TYPE_STEPWISE ? V4l2FrameSize::Type::Stepwise
								       : V4l2FrameSize::Type::Continuous;
			s.minWidth = fs.stepwise.min_width;
			s.maxWidth = fs.stepwise.max_width;
			s.stepWidth = fs.stepwise.step_width;
			s.minHeight = fs.stepwise.min_height;
			s.maxHeight = fs.stepwise.max_height;
			s.stepHeight = fs.stepwise.step_height;
			sizes.push_back(s);
			/* Stepwise and continuous have only index 0. */
			return sizes;
		default:
			log(LogLevel::Warn, "VIDIOC_ENUM_FRAMESIZES: unknown type " + std::to_string(fs.type));
			return sizes;
		}
	}

	return sizes;
}

V4l2FrameIntervals V4l2Device::enumFrameIntervals(uint32_t fourcc, uint32_t width,
						  uint32_t height) const
{
	V4l2FrameIntervals intervals;

	for (uint32_t index = 0;; index++) {
		struct v4l2_frmivalenum fi = {};
		fi.index = index;
		fi.pixel_format = fourcc;
		fi.width = width;
		fi.height = height;
		int ret = ioctl(VIDIOC_ENUM_FRAMEINTERVALS, &fi);
		if (ret < 0) {
			if (ret != -EINVAL && ret != -ENOTTY)
				log(LogLevel::Error, "VIDIOC_ENUM_FRAMEINTERVALS " + fourccToString(fourcc) +
							     " " + std::to_string(width) + "x" +
							     std::to_string(height) +
							     " failed: " + errnoString(ret));
			break;
		}

		switch (fi.type) {
		case V4L2_FRMIVAL_TYPE_DISCRETE:
			intervals.type = V4l2FrameIntervals::Type::Discrete;
			intervals.discrete.push_back({ fi.discrete.numerator, fi.discrete.denominator });
			continue;
		case V4L2_FRMIVAL_TYPE_STEPWISE:
		case V4L2_FRMIVAL_TYPE_CONTINUOUS:
			intervals.type = fi.type == V4L2_FRMIVAL_TYPE_STEPWISE
						 ? V4l2FrameIntervals::Type::Stepwise
						 : V4l2FrameIntervals::Type::Continuous;
			intervals.min = { fi.stepwise.min.numerator, fi.stepwise.min.denominator };
			intervals.max = { fi.stepwise.max.numerator, fi.stepwise.max.denominator };
			intervals.step = { fi.stepwise.step.numerator, fi.stepwise.step.denominator };
			return intervals;
		default:
			log(LogLevel::Warn, "VIDIOC_ENUM_FRAMEINTERVALS: unknown type " + std::to_string(fi.type));
			return intervals;
		}
	}

	return intervals;
}

/*
 * G/TRY/S_FMT on either API, converging on V4l2Format. On input
 * fmt->planes carries the requested bytesperline/sizeimage per memory
 * plane (0, or no entry, lets the driver choose).
 */
int V4l2Device::formatIoctl(unsigned long request, V4l2Format *fmt) const
{
	const char *name = request == VIDIOC_G_FMT ? "VIDIOC_G_FMT"
			   : request == VIDIOC_TRY_FMT ? "VIDIOC_TRY_FMT"
						       : "VIDIOC_S_FMT";
	if (!fmt)
		return -EINVAL;

	struct v4l2_format f = {};
	f.type = bufType_;

	if (request != VIDIOC_G_FMT) {
		if (isMultiplanar()) {
			struct v4l2_pix_format_mplane &mp = f.fmt.pix_mp;
			mp.width = fmt->width;
			mp.height = fmt->height;
			mp.pixelformat = fmt->fourcc;
			mp.field = fmt->field;
			mp.colorspace = fmt->colorspace;
			mp.num_planes = std::min<size_t>(fmt->planes.size(), VIDEO_MAX_PLANES);
			for (unsigned i = 0; i < mp.num_planes; i++) {
				mp.plane_fmt[i].bytesperline = fmt->planes[i].bytesperline;
				mp.plane_fmt[i].sizeimage = fmt->planes[i].sizeimage;
			}
		} else {
			struct v4l2_pix_format &pix = f.fmt.pix;
			pix.width = fmt->width;
			pix.height = fmt->height;
			pix.pixelformat = fmt->fourcc;
			pix.field = fmt->field;
			pix.colorspace = fmt->colorspace;
			if (!fmt->planes.empty()) {
				pix.bytesperline = fmt->planes[0].bytesperline;
				pix.sizeimage = fmt->planes[0].sizeimage;
			}
		}
	}

	int ret = ioctl(request, &f);
	if (ret < 0) {
		log(LogLevel::Error, std::string(name) + " " + fourccToString(fmt->fourcc) + " " +
					     std::to_string(fmt->width) + "x" + std::to_string(fmt->height) +
					     " failed: " + errnoString(ret));
		return ret;
	}

	fmt->planes.clear();
	if (isMultiplanar()) {
		const struct v4l2_pix_format_mplane &mp = f.fmt.pix_mp;
		fmt->fourcc = mp.pixelformat;
		fmt->width = mp.width;
		fmt->height = mp.height;
		fmt->field = mp.field;
		fmt->colorspace = mp.colorspace;
		unsigned n = std::min<unsigned>(mp.num_planes, VIDEO_MAX_PLANES);
		for (unsigned i = 0; i < n; i++)
			fmt->planes.push_back({ mp.plane_fmt[i].bytesperline, mp.plane_fmt[i].sizeimage });
	} else {
		const struct v4l2_pix_format &pix = f.fmt.pix;
		fmt->fourcc = pix.pixelformat;
		fmt->width = pix.width;
		fmt->height = pix.height;
		fmt->field = pix.field;
		fmt->colorspace = pix.colorspace;
		fmt->planes.push_back({ pix.bytesperline, pix.sizeimage });
	}

	std::string planes;
	for (const V4l2PlaneFormat &p : fmt->planes)
		planes += " [" + std::to_string(p.bytesperline) + "/" + std::to_string(p.sizeimage) + "]";
	log(LogLevel::Debug, std::string(name) + ": " + fourccToString(fmt->fourcc) + " " +
				     std::to_string(fmt->width) + "x" + std::to_string(fmt->height) +
				     " field " + std::to_string(fmt->field) + " planes (bpl/size)" + planes);
	return 0;
}

int V4l2Device::getFormat(V4l2Format *fmt) const
{
	return formatIoctl(VIDIOC_G_FMT, fmt);
}

int V4l2Device::tryFormat(V4l2Format *fmt) const
{
	return formatIoctl(VIDIOC_TRY_FMT, fmt);
}

int V4l2Device::setFormat(V4l2Format *fmt)
{
	return formatIoctl(VIDIOC_S_FMT, fmt);
}

/*
 * G_PARM with the node's buffer type. Some multi-planar drivers only
 * accept the single-planar type in G/S_PARM (the uAPI is not explicit),
 * so EINVAL on _MPLANE is retried once with V4L2_BUF_TYPE_VIDEO_CAPTURE.
 */
int V4l2Device::parmIoctl(unsigned long request, struct v4l2_streamparm *parm) const
{
	parm->type = bufType_;
	int ret = ioctl(request, parm);
	if (ret == -EINVAL && isMultiplanar()) {
		parm->type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
		ret = ioctl(request, parm);
	}
	return ret;
}

/*
 * VIDIOC_G_PARM into @p parm, -ENOTTY when the driver has no frame-rate
 * control (no G_PARM, or no V4L2_CAP_TIMEPERFRAME): common, so not an error.
 */
int V4l2Device::getParm(struct v4l2_streamparm *parm) const
{
	*parm = {};
	int ret = parmIoctl(VIDIOC_G_PARM, parm);
	if (ret == -EINVAL || ret == -ENOTTY ||
	    (ret >= 0 && !(parm->parm.capture.capability & V4L2_CAP_TIMEPERFRAME))) {
		log(LogLevel::Debug, "no frame interval control (V4L2_CAP_TIMEPERFRAME)");
		return -ENOTTY;
	}
	if (ret < 0)
		log(LogLevel::Error, "VIDIOC_G_PARM failed: " + errnoString(ret));
	return ret < 0 ? ret : 0;
}

int V4l2Device::getFrameInterval(V4l2Fraction *interval) const
{
	if (!interval)
		return -EINVAL;

	struct v4l2_streamparm parm;
	int ret = getParm(&parm);
	if (ret < 0)
		return ret;

	interval->numerator = parm.parm.capture.timeperframe.numerator;
	interval->denominator = parm.parm.capture.timeperframe.denominator;
	return 0;
}

int V4l2Device::setFrameInterval(V4l2Fraction *interval)
{
	if (!interval || !interval->numerator || !interval->denominator) {
		log(LogLevel::Error, "setFrameInterval: invalid interval: " + errnoString(-EINVAL));
		return -EINVAL;
	}

	/* G_PARM first: S_PARM must not be issued without TIMEPERFRAME. */
	struct v4l2_streamparm parm;
	int ret = getParm(&parm);
	if (ret < 0)
		return ret;

	uint32_t type = parm.type;
	parm = {};
	parm.type = type;
	parm.parm.capture.timeperframe.numerator = interval->numerator;
	parm.parm.capture.timeperframe.denominator = interval->denominator;
	ret = ioctl(VIDIOC_S_PARM, &parm);
	if (ret < 0) {
		log(LogLevel::Error, "VIDIOC_S_PARM " + std::to_string(interval->numerator) + "/" +
					     std::to_string(interval->denominator) +
					     " failed: " + errnoString(ret));
		return ret;
	}

	interval->numerator = parm.parm.capture.timeperframe.numerator;
	interval->denominator = parm.parm.capture.timeperframe.denominator;
	log(LogLevel::Debug, "frame interval " + std::to_string(interval->numerator) + "/" +
				     std::to_string(interval->denominator) + " s");
	return 0;
}

std::string fourccToString(uint32_t fourcc)
{
	std::string s;
	for (int i = 0; i < 4; i++) {
		unsigned c = (fourcc >> (8 * i)) & 0xff;
		if (i == 3)
			c &= 0x7f; /* bit 31 is the big-endian flag */
		s += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '.';
	}
	/* V4L2_PIX_FMT_FLAG_BE and DRM_FORMAT_BIG_ENDIAN are both bit 31. */
	if (fourcc & (1u << 31))
		s += "-BE";
	return s;
}

} /* namespace v4l2dmabuf */
