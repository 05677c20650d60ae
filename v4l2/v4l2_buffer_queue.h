/* SPDX-License-Identifier: MIT */
#pragma once

#include <linux/videodev2.h>

#include <array>
#include <cstdint>
#include <vector>

#include "memory_map.h"
#include "unique_fd.h"
#include "v4l2_device.h"

namespace v4l2dmabuf {

/** How buffer memory reaches the driver (enum v4l2_memory). */
enum class V4l2Memory : uint32_t {
	Mmap = V4L2_MEMORY_MMAP,       /**< driver allocates; export with EXPBUF or mmap */
	UserPtr = V4L2_MEMORY_USERPTR, /**< process memory, by address */
	DmaBuf = V4L2_MEMORY_DMABUF,   /**< imported DMA-BUF fds */
};

/** "MMAP", "USERPTR", "DMABUF": enum v4l2_memory's names, for logs. */
const char *memoryName(V4l2Memory memory);

/** Buffer counts the driver really accepts, probed with REQBUFS. */
struct V4l2BufferCounts {
	uint32_t min = 0; /**< the fewest buffers the driver will stream with */
	uint32_t max = 0; /**< the most it grants */
	uint32_t capabilities = 0; /**< V4L2_BUF_CAP_* reported by REQBUFS */

	/**
	 * Whether the queue takes @p memory (V4L2_BUF_CAP_SUPPORTS_MMAP,
	 * _USERPTR, _DMABUF). A driver older than the capability bits (no bit
	 * set at all, before Linux 4.20) is taken to support MMAP only.
	 */
	bool supports(V4l2Memory memory) const;
	/**
	 * V4L2_BUF_CAP_SUPPORTS_ORPHANED_BUFS: REQBUFS(0) succeeds while
	 * exported or mapped buffers are still held, which then outlive the
	 * queue (videobuf2, Linux 5.0).
	 */
	bool orphanedBuffers() const { return capabilities & V4L2_BUF_CAP_SUPPORTS_ORPHANED_BUFS; }
};

/** One memory plane of an MMAP buffer, exported as a DMA-BUF. */
struct V4l2ExportedPlane {
	UniqueFd fd;           /**< DMA-BUF from VIDIOC_EXPBUF (O_RDWR | O_CLOEXEC) */
	uint32_t length = 0;   /**< bytes of the plane's memory */
	uint32_t mmapOffset = 0; /**< offset to mmap() the plane on the device fd */
};

/** One MMAP buffer with its planes exported. */
struct V4l2ExportedBuffer {
	uint32_t index = 0;
	std::vector<V4l2ExportedPlane> planes;
};

/** One memory plane handed to the driver for DMABUF or USERPTR queuing. */
struct V4l2ImportPlane {
	int fd = -1;              /**< DMABUF: the DMA-BUF (not owned) */
	void *userptr = nullptr;  /**< USERPTR: the address */
	uint32_t length = 0;      /**< bytes available from fd/userptr */
	/**
	 * bytes before the image data (MPLANE only). Passed to QBUF, but vb2
	 * only takes it from userspace on output queues: on a capture queue
	 * the driver sets data_offset, reported at dequeue.
	 */
	uint32_t dataOffset = 0;
};

/** What VIDIOC_DQBUF reported for one buffer. */
struct V4l2DequeuedBuffer {
	struct Plane {
		uint32_t bytesused = 0;  /**< bytes written, counted from the plane start */
		uint32_t dataOffset = 0; /**< bytes before the image data */
	};
	uint32_t index = 0;
	uint32_t sequence = 0;
	uint64_t timestampNs = 0; /**< the buffer timestamp in nanoseconds (CLOCK_MONOTONIC for V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC) */
	uint32_t flags = 0;       /**< V4L2_BUF_FLAG_* */
	uint32_t numPlanes = 0;
	std::array<Plane, VIDEO_MAX_PLANES> planes{};

	/** True when the driver flagged the data as corrupted (V4L2_BUF_FLAG_ERROR). */
	bool corrupted() const { return flags & V4L2_BUF_FLAG_ERROR; }
};

/**
 * The capture queue of one V4l2Device: REQBUFS, QUERYBUF, EXPBUF, QBUF,
 * DQBUF, STREAMON and STREAMOFF, one per-plane code path for single- and
 * multi-planar devices (a single-planar buffer is a buffer with one plane).
 * Follows the videobuf2 uAPI (Documentation/userspace-api/media/v4l/).
 *
 * The queue owns its buffers: the destructor stops streaming and releases
 * them (REQBUFS 0). Exported DMA-BUF fds stay valid after release: their
 * memory lives until the last fd is closed (videobuf2 keeps it referenced).
 *
 * All int-returning calls return 0 (or a count) or a negative errno,
 * logged through the device with its path.
 */
class V4l2BufferQueue
{
public:
	/**
	 * The queue of @p device (of its buffer type), which must outlive it.
	 * No ioctl is issued; the destructor issues none if the device was
	 * closed first (closing the fd already freed the vb2 queue).
	 */
	explicit V4l2BufferQueue(V4l2Device &device);
	~V4l2BufferQueue();
	V4l2BufferQueue(const V4l2BufferQueue &) = delete;
	V4l2BufferQueue &operator=(const V4l2BufferQueue &) = delete;

	/**
	 * Probes how many buffers the driver grants for the current format:
	 * REQBUFS(1) gives the minimum, REQBUFS(VIDEO_MAX_FRAME) the maximum,
	 * then REQBUFS(0). Tries DMABUF first (no memory is allocated for it),
	 * then MMAP (when REQBUFS answers EINVAL for DMABUF). Must be called with
	 * no buffers allocated (-EBUSY otherwise). Leaves no buffer allocated.
	 */
	int probeCounts(V4l2BufferCounts *counts);

	/**
	 * VIDIOC_REQBUFS. @p count 0 releases all buffers (streaming stops first).
	 * For @p count > 0, numPlanes() is taken from the current format (G_FMT).
	 * @return the number of buffers granted (may differ from @p count), or -errno.
	 */
	int requestBuffers(uint32_t count, V4l2Memory memory);

	/**
	 * REQBUFS(MMAP, @p count), then VIDIOC_EXPBUF for every plane of every
	 * buffer. On success @p buffers holds the granted buffers with their
	 * fds; on failure nothing stays allocated, no fd is left open and
	 * @p buffers is emptied. -ENOMEM when REQBUFS grants no buffer;
	 * -ENOTSUP through libv4l2 (its frames are not the driver's).
	 */
	int exportBuffers(uint32_t count, std::vector<V4l2ExportedBuffer> *buffers);

	/**
	 * mmap() every plane of MMAP buffer @p index on the device fd, read and
	 * write, into @p maps (one per plane), with V4l2Device::mapPlane(). -EINVAL when @p index is not an
	 * allocated MMAP buffer.
	 */
	int mapBuffer(uint32_t index, std::vector<MemoryMap> *maps);

	/** Queues MMAP buffer @p index. -EINVAL when it is not an allocated MMAP buffer. */
	int queueBuffer(uint32_t index);
	/**
	 * Queues DMABUF or USERPTR buffer @p index with @p planes (one per memory
	 * plane, as many as the format has). -EINVAL on a plane count mismatch.
	 */
	int queueBuffer(uint32_t index, const std::vector<V4l2ImportPlane> &planes);
	/**
	 * VIDIOC_DQBUF. @return 0; -EAGAIN when no buffer is ready; -ENODEV when
	 * the device is gone; -EPIPE when nothing more will come until the queue
	 * is restarted: vb2 answers EIO after an unrecoverable driver error and
	 * EPIPE after the last buffer (V4L2_BUF_FLAG_LAST), both reported as
	 * -EPIPE. A buffer with V4L2_BUF_FLAG_ERROR is returned (0), see
	 * V4l2DequeuedBuffer::corrupted(). -EAGAIN is not logged.
	 */
	int dequeueBuffer(V4l2DequeuedBuffer *buffer);

	/** VIDIOC_STREAMON. */
	int streamOn();
	/**
	 * STREAMOFF: every queued buffer returns to userspace, dequeued or not.
	 * streaming() is false afterwards even if the ioctl failed (e.g. -ENODEV).
	 */
	int streamOff();

	bool streaming() const { return streaming_; }
	/** Buffers currently allocated by the last REQBUFS. */
	uint32_t count() const { return count_; }
	V4l2Memory memory() const { return memory_; }
	/** Memory planes per buffer in the current format (1 on single-planar). */
	uint32_t numPlanes() const { return numPlanes_; }
	/** V4L2_BUF_CAP_* from the last REQBUFS. */
	uint32_t capabilities() const { return capabilities_; }

private:
	/* REQBUFS without logging or state change: the granted count or -errno. */
	int reqbufs(uint32_t count, V4l2Memory memory, uint32_t *capabilities);
	/* Where an MMAP plane lives: bytes, and the offset to mmap() it at. */
	struct PlaneLocation {
		uint32_t length;
		uint32_t offset;
	};
	/* QUERYBUF of MMAP buffer @p index: one location per plane, as many as
	 * numPlanes() (-EIO when the driver reports another count). */
	int queryBuffer(uint32_t index, std::vector<PlaneLocation> *where);
	/* QBUF of a prepared buffer, logged on failure. */
	int qbuf(struct v4l2_buffer *buf);

	V4l2Device &device_;
	bool streaming_ = false;
	uint32_t count_ = 0;
	V4l2Memory memory_ = V4l2Memory::Mmap;
	uint32_t numPlanes_ = 1;
	uint32_t capabilities_ = 0;
};

} /* namespace v4l2dmabuf */
