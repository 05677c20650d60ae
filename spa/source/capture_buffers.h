/* SPDX-License-Identifier: MIT */
#pragma once

#include <spa/buffer/buffer.h>
#include <spa/buffer/meta.h>
#include <spa/support/log.h>

#include <cstdint>
#include <functional>
#include <vector>

#include "io_plan.h"
#include "v4l2_buffer_pool.h"
#include "v4l2_device.h"

namespace v4l2dmabuf {

/**
 * Makes one linear DMA-BUF for a plane of @p sizeimage bytes with rows of
 * @p bytesperline bytes (the DRM allocator behind v4l2-dmabuf.allocator).
 * @return 0 with @p fd and @p size (bytes) set, or a negative errno.
 */
using PlaneAllocator = std::function<int(uint32_t bytesperline, uint32_t sizeimage, UniqueFd *fd,
					 uint32_t *size)>;

/**
 * spa_data.flags of a plane whose fd the consumer may mmap (a videobuf2
 * export, a MemFd, a dumb buffer): READABLE, and MAPPABLE where the
 * headers have it (PipeWire >= 1.0: pw_stream's MAP_BUFFERS maps only datas
 * with this flag, src/pipewire/stream.c).
 */
#ifdef SPA_DATA_FLAG_MAPPABLE
inline constexpr uint32_t kMappableDataFlags = SPA_DATA_FLAG_READABLE | SPA_DATA_FLAG_MAPPABLE;
#else
inline constexpr uint32_t kMappableDataFlags = SPA_DATA_FLAG_READABLE;
#endif

/**
 * The node's output port buffers: PipeWire's spa_buffers on one side, the
 * V4L2 buffer pool (v4l2/v4l2_buffer_pool.h) on the other. This class only
 * maps one to the other: which pool verb the IoPlan calls for, which
 * pool plane each spa_data describes, and, per frame, the chunks and
 * header meta. Buffer states, the ready ring and lost frames are the pool's.
 *
 * port_use_buffers hands over spa_buffers, one spa_data per V4L2 memory
 * plane. With SPA_NODE_BUFFERS_FLAG_ALLOC the node fills the datas:
 * - DmaBuf: exportBuffers() (REQBUFS(MMAP) + VIDIOC_EXPBUF per plane);
 * - MemFd: the same exported, mmapable fd, for consumers that only accept
 *   MemFd (PipeWire's doc/dma-buf.dox: v4l2 buffers are linear and mmapable);
 * - MemPtr: allocateBuffers(), the MMAP planes mapped into this process;
 * - with an allocator (IoPlan::useAllocator): DMA-BUFs from it, imported.
 * Without the flag, the host's buffers are imported: DmaBuf datas with
 * V4L2_MEMORY_DMABUF, MemFd/MemPtr datas with V4L2_MEMORY_USERPTR; they are
 * validated (plane count, DMA-BUF-ness, sizes, offsets) before any QBUF.
 * In io-mode convert (IoPlan::convert) libv4l2's converted MMAP frames are
 * copied into the given (mapped) MemFd/MemPtr datas, or handed out as
 * MemPtr with the flag: the one path that copies.
 *
 * use/clear/start/stop run on the main loop, dequeue/popReady/recycle on
 * the data loop, never at the same time (the node stops the data loop's
 * use first).
 */
class CaptureBuffers
{
public:
	CaptureBuffers(V4l2Device &device, struct spa_log *log);
	~CaptureBuffers();

	/** Probes the driver's buffer counts for the current format (see V4l2BufferQueue). */
	int probeCounts(V4l2BufferCounts *counts) { return pool_.probeCounts(counts); }

	/**
	 * Takes @p n spa_buffers from port_use_buffers (@p flags are
	 * SPA_NODE_BUFFERS_FLAG_*) for format @p fmt, as @p plan says, with
	 * @p allocator when plan.useAllocator. Releases any previous buffers
	 * first; @p n == 0 only releases.
	 * @return 0; -EINVAL when a buffer's data count is not the format's
	 * memory plane count, or a given plane is not a DMA-BUF, too small, at
	 * an offset, or of mixed types (in convert: not mapped MemFd/MemPtr of
	 * at least sizeimage bytes); -EIO when the device's format is no longer
	 * @p fmt (another program changed it); -ENOTSUP for no usable data
	 * type or USERPTR/DMABUF the driver lacks; -ENOMEM when the driver
	 * grants fewer buffers than asked; -errno from the driver or the
	 * allocator. Nothing stays allocated after a failure.
	 */
	int use(struct spa_buffer **buffers, uint32_t n, uint32_t flags, const V4l2Format &fmt,
		const IoPlan &plan, const PlaneAllocator &allocator);
	/** Stops streaming and releases every buffer (REQBUFS 0, fds closed, planes unmapped). */
	void clear();

	/** Queues every Free buffer and starts streaming. */
	int start() { return pool_.start(); }
	/** Stops streaming; Queued and Ready buffers become Free. */
	void stop() { pool_.stop(); }

	/**
	 * Dequeues one filled buffer, fills its chunks (offset = data_offset,
	 * size = bytesused - data_offset, both clamped to the plane's maxsize,
	 * stride = the plane's bytesperline; in convert with given buffers the
	 * frame is copied to offset 0) and header meta (pts in nanoseconds,
	 * seq, CORRUPTED on V4L2_BUF_FLAG_ERROR), and leaves it Ready.
	 * @return 0; -EAGAIN when none is ready; other -errno from the driver
	 * (-ENODEV: the device is gone).
	 */
	int dequeue(V4l2DequeuedBuffer *frame);
	/** Takes the oldest Ready buffer and marks it Outstanding; SPA_ID_INVALID if none. */
	uint32_t popReady();
	/** A buffer comes back from the consumer: queued again while streaming, else Free. */
	int recycle(uint32_t id) { return pool_.recycle(id); }

	uint32_t count() const { return pool_.count(); }
	bool streaming() const { return pool_.streaming(); }
	/** The SPA_DATA_* handed out by the last use(); SPA_DATA_Invalid when none. */
	uint32_t dataType() const { return dataType_; }
	/** Frames the driver skipped since start(), counted from sequence gaps. */
	uint64_t lostFrames() const { return pool_.lostFrames(); }

private:
	/* The SPA side of one pool buffer. */
	struct Slot {
		struct spa_buffer *buffer = nullptr;
		struct spa_meta_header *header = nullptr;
	};

	int checkFormat(const V4l2Format &fmt);
	int useDriverBuffers(struct spa_buffer **buffers, uint32_t n, uint32_t offeredTypes);
	int allocateImported(struct spa_buffer **buffers, uint32_t n, const V4l2Format &fmt,
			     const PlaneAllocator &allocator);
	int importGiven(struct spa_buffer **buffers, uint32_t n, const V4l2Format &fmt,
			const IoPlan &plan);
	int importPlane(uint32_t index, uint32_t plane, const struct spa_data &d,
			const V4l2PlaneFormat &fmt, V4l2Memory *memory, V4l2PoolPlane *out);
	int useCopied(struct spa_buffer **buffers, uint32_t n, const V4l2Format &fmt);
	void copyFrame(Slot &s, uint32_t index, const V4l2DequeuedBuffer &frame);
	void fillHeader(Slot &s, const V4l2DequeuedBuffer &frame, bool corrupted);

	V4l2Device &device_;
	struct spa_log *log_;
	V4l2BufferPool pool_;
	std::vector<Slot> slots_;
	std::vector<uint32_t> bytesperline_;
	uint32_t dataType_ = SPA_DATA_Invalid;
	bool copy_ = false;            /* convert: maps are copied into the datas */
};

} /* namespace v4l2dmabuf */
