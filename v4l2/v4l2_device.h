/* SPDX-License-Identifier: MIT */
#pragma once

#include <linux/videodev2.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "log.h"
#include "memory_map.h"
#include "unique_fd.h"

namespace v4l2dmabuf {


/** VIDIOC_QUERYCAP, with strings made safe. */
struct V4l2Capability {
	std::string driver;
	std::string card;
	std::string busInfo;
	uint32_t version = 0;      /**< KERNEL_VERSION() encoded */
	uint32_t capabilities = 0; /**< of the whole physical device */
	uint32_t deviceCaps = 0;   /**< of this node: what open() checks */
};

/** A ratio; frame intervals are in seconds (numerator/denominator). */
struct V4l2Fraction {
	uint32_t numerator = 0;
	uint32_t denominator = 0;
};

/** One VIDIOC_ENUM_FMT answer. */
struct V4l2FormatDesc {
	uint32_t fourcc = 0;  /**< V4L2_PIX_FMT_* */
	uint32_t flags = 0;   /**< V4L2_FMT_FLAG_* (COMPRESSED, EMULATED, ...) */
	std::string description;
};

/** One VIDIOC_ENUM_FRAMESIZES answer, in pixels. Discrete: min == max, step 0. */
struct V4l2FrameSize {
	enum class Type { Discrete, Stepwise, Continuous };
	Type type = Type::Discrete;
	uint32_t minWidth = 0, maxWidth = 0, stepWidth = 0;
	uint32_t minHeight = 0, maxHeight = 0, stepHeight = 0;
};

/** VIDIOC_ENUM_FRAMEINTERVALS for one format and size; intervals in seconds. */
struct V4l2FrameIntervals {
	enum class Type { None, Discrete, Stepwise, Continuous };
	Type type = Type::None; /**< None: the driver does not enumerate intervals */
	std::vector<V4l2Fraction> discrete;
	V4l2Fraction min, max, step; /**< Stepwise/Continuous only */
};

/** Layout of one memory plane as the driver reports it, in bytes. */
struct V4l2PlaneFormat {
	uint32_t bytesperline = 0;
	uint32_t sizeimage = 0;
};

/**
 * A capture format, the same for single- and multi-planar queues:
 * @ref planes has one entry per memory plane (always 1 on a single-planar
 * queue, whatever the number of colour planes inside it).
 */
struct V4l2Format {
	uint32_t fourcc = 0;   /**< V4L2_PIX_FMT_* */
	uint32_t width = 0;    /**< pixels */
	uint32_t height = 0;   /**< pixels */
	uint32_t field = V4L2_FIELD_NONE;
	uint32_t colorspace = 0;
	std::vector<V4l2PlaneFormat> planes;
};

/**
 * How a V4l2Device reaches the driver.
 * - Direct: ioctl() and mmap() on the node; every path of this project.
 * - Libv4l2: through libv4l2 (v4l2_fd_open, v4l2_ioctl, v4l2_mmap): its
 *   libv4lconvert adds emulated formats (V4L2_FMT_FLAG_EMULATED: RGB24,
 *   BGR24, YUV420, YVU420 converted in software from Bayer, MJPEG, vendor
 *   formats...) and its plugins apply (libv4l-mplane presents a
 *   multi-planar-only node as single-planar). Single-planar queue, MMAP
 *   memory only, and an emulated format's buffers are libv4l2's own
 *   memory: never exported (no EXPBUF), never zero copy.
 */
enum class V4l2Access { Direct, Libv4l2 };

/**
 * A V4L2 video capture node. open() checks the node can capture and stream
 * and picks the buffer type (V4L2_BUF_TYPE_VIDEO_CAPTURE or
 * V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE) once, from device_caps; every other
 * call works the same on both. Follows linux/videodev2.h and the V4L2 uAPI
 * documentation; libcamera's V4L2VideoDevice has the same shape.
 *
 * All int-returning calls return 0 (or a count) on success and a negative
 * errno on failure; failures are logged with the device path.
 */
class V4l2Device
{
public:
	V4l2Device();
	~V4l2Device();
	V4l2Device(const V4l2Device &) = delete;
	V4l2Device &operator=(const V4l2Device &) = delete;

	/** Sets where messages go (may be empty to drop them). */
	void setLogSink(LogSink sink);
	/** The sink set with setLogSink(), to share with related objects. */
	const LogSink &logSink() const { return sink_; }
	/** Sends one message to the sink, prefixed with the device path. */
	void log(LogLevel level, const std::string &message) const;

	/**
	 * Opens @p path (O_RDWR | O_NONBLOCK | O_CLOEXEC) and queries it.
	 * @return 0; -ENOENT no such node; -EACCES not permitted; -ENOTTY not a
	 * V4L2 node; -ENODEV a V4L2 node that cannot capture video or stream
	 * (an output, metadata or mem2mem node); other -errno from open/ioctl.
	 * A node whose device_caps has both VIDEO_CAPTURE and
	 * VIDEO_CAPTURE_MPLANE gets the _MPLANE type (the superset API, as in
	 * libcamera). A QUERYCAP answered with EINVAL (old drivers' answer to
	 * unknown ioctls) is reported as -ENOTTY. Reopening closes first.
	 * With V4l2Access::Libv4l2 the node is handed to v4l2_fd_open() after
	 * those checks and queried again through it; -ENODEV when libv4l2
	 * refuses it or sees no single-planar capture queue (a multi-planar
	 * node without the libv4l-mplane plugin).
	 */
	int open(const std::string &path, V4l2Access access = V4l2Access::Direct);
	/** Closes the node; safe to call twice. */
	void close();
	bool isOpen() const { return fd_.isValid(); }
	/** How the open node is reached (Direct when closed). */
	V4l2Access access() const { return access_; }
	int fd() const { return fd_.get(); }
	const std::string &path() const { return path_; }
	const V4l2Capability &capability() const { return caps_; }
	/** True when the node uses the _MPLANE API. */
	bool isMultiplanar() const { return bufType_ == V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE; }
	/** V4L2_BUF_TYPE_VIDEO_CAPTURE or V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE. */
	uint32_t bufferType() const { return bufType_; }

	/** VIDIOC_ENUM_FMT over the capture queue, in driver order. */
	std::vector<V4l2FormatDesc> enumFormats() const;
	/** VIDIOC_ENUM_FRAMESIZES for @p fourcc (empty when not enumerable). */
	std::vector<V4l2FrameSize> enumFrameSizes(uint32_t fourcc) const;
	/** VIDIOC_ENUM_FRAMEINTERVALS for @p fourcc at @p width x @p height pixels. */
	V4l2FrameIntervals enumFrameIntervals(uint32_t fourcc, uint32_t width, uint32_t height) const;

	/** VIDIOC_G_FMT into @p fmt. */
	int getFormat(V4l2Format *fmt) const;
	/**
	 * VIDIOC_TRY_FMT: @p fmt is adjusted to what the driver would give.
	 * On input, @p fmt->planes holds requested bytesperline/sizeimage per
	 * memory plane: leave it empty (or 0) to let the driver choose; a
	 * larger bytesperline is a stride request drivers may honour, so do not
	 * pass stale planes from an earlier format. Only plane[0] is used on a
	 * single-planar node. On output it has one entry per memory plane.
	 */
	int tryFormat(V4l2Format *fmt) const;
	/**
	 * VIDIOC_S_FMT: @p fmt is updated with what the driver chose, including
	 * per-plane bytesperline and sizeimage. -EBUSY while buffers are allocated.
	 * @p fmt->planes on input as for tryFormat().
	 */
	int setFormat(V4l2Format *fmt);

	/**
	 * VIDIOC_S_PARM with @p interval (seconds per frame); updated with what
	 * the driver chose. -ENOTTY when the driver has no frame-rate control
	 * (G_PARM unsupported or no V4L2_CAP_TIMEPERFRAME; checked before
	 * S_PARM); -EINVAL for a zero numerator or denominator.
	 */
	int setFrameInterval(V4l2Fraction *interval);
	/**
	 * VIDIOC_G_PARM: the current frame interval in seconds. -ENOTTY as for
	 * setFrameInterval().
	 */
	int getFrameInterval(V4l2Fraction *interval) const;

	/**
	 * ioctl() on the node (v4l2_ioctl() through libv4l2), retried on EINTR.
	 * @return the ioctl's non-negative result, or -errno.
	 */
	int ioctl(unsigned long request, void *arg) const;

	/**
	 * Maps @p length bytes of an MMAP buffer plane at @p offset (the
	 * QUERYBUF m.offset / mem_offset), read and write, into @p map; through
	 * v4l2_mmap() with libv4l2, whose answer to QUERYBUF for an emulated
	 * format names its converted frame, not the driver's.
	 * @return 0 or a negative errno from mmap.
	 */
	int mapPlane(uint32_t length, uint32_t offset, MemoryMap *map) const;

private:
	int query();
	int attachLibv4l2();
	int formatIoctl(unsigned long request, V4l2Format *fmt) const;
	int getParm(struct v4l2_streamparm *parm) const;
	int parmIoctl(unsigned long request, struct v4l2_streamparm *parm) const;

	std::string path_;
	UniqueFd fd_;
	V4l2Capability caps_;
	uint32_t bufType_ = 0;
	V4l2Access access_ = V4l2Access::Direct;
	LogSink sink_;
};

/**
 * The capture queue a node with @p deviceCaps (QUERYCAP device_caps, or
 * capabilities for drivers without them) gets, the decision of
 * V4l2Device::open(): V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE when it has
 * VIDEO_CAPTURE_MPLANE (also next to VIDEO_CAPTURE: the superset API, as in
 * libcamera), else V4L2_BUF_TYPE_VIDEO_CAPTURE; 0 for a node this project
 * does not capture from: mem2mem (M2M, M2M_MPLANE), no STREAMING, or no
 * video capture at all (output, metadata, radio, touch...).
 * @p why (may be null) is set to the reason when 0 is returned.
 */
uint32_t captureBufferType(uint32_t deviceCaps, const char **why = nullptr);

/**
 * "YUYV"-style text for a V4L2 or DRM fourcc (for logs and tools): the four
 * characters in memory order, unprintable ones as '.', trailing spaces
 * kept ("Y16 "); bit 31 (V4L2_PIX_FMT_FLAG_BE, DRM_FORMAT_BIG_ENDIAN) is
 * shown as a "-BE" suffix, as v4l2-ctl does.
 */
std::string fourccToString(uint32_t fourcc);

} /* namespace v4l2dmabuf */
