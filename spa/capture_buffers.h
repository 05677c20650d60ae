/* SPDX-License-Identifier: MIT */
#pragma once

#include <spa/buffer/buffer.h>
#include <spa/buffer/meta.h>
#include <spa/support/log.h>

#include <cstdint>
#include <functional>
#include <vector>

#include "memory_map.h"
#include "v4l2_buffer_queue.h"
#include "v4l2_device.h"

namespace v4l2dmabuf {

/**
 * Makes one linear DMA-BUF for a plane of @p sizeimage bytes with rows of
 * @p bytesperline bytes (the DRM allocator behind api.v4l2-dmabuf.allocator).
 * @return 0 with @p fd and @p size (bytes) set, or a negative errno.
 */
using PlaneAllocator = std::function<int(uint32_t bytesperline, uint32_t sizeimage, UniqueFd *fd,
					 uint32_t *size)>;

/** How use() fills the buffers it is given with SPA_NODE_BUFFERS_FLAG_ALLOC. */
struct AllocConfig {
	uint32_t offeredTypes = 0;  /**< 1 << SPA_DATA_* the node advertised */
	PlaneAllocator allocator;   /**< set: DMABUF import of allocated planes */
	uint32_t driverCaps = 0;    /**< V4L2_BUF_CAP_* probed from the driver */
	/**
	 * io-mode convert: the device is reached through libv4l2 and its MMAP
	 * buffers hold converted frames; given buffers get a copy of each.
	 */
	bool convert = false;
};

/**
 * The buffers of the node's output port, and the V4L2 queue behind them.
 *
 * port_use_buffers hands over PipeWire's spa_buffers, one spa_data per V4L2
 * memory plane. With SPA_NODE_BUFFERS_FLAG_ALLOC the node fills the datas:
 * - DmaBuf: REQBUFS(MMAP) + VIDIOC_EXPBUF per plane (zero copy);
 * - MemFd: the same exported, mmapable fd, for consumers that only accept
 *   MemFd (PipeWire's doc/dma-buf.dox: v4l2 buffers are linear and mmapable);
 * - MemPtr: the MMAP planes mapped into this process;
 * - with an allocator: DMA-BUFs from it, imported with REQBUFS(DMABUF).
 * Without the flag, the host's buffers are imported: DmaBuf datas with
 * V4L2_MEMORY_DMABUF, MemFd/MemPtr datas with V4L2_MEMORY_USERPTR; they are
 * validated (plane count, DMA-BUF-ness, sizes, offsets) before any QBUF.
 * In io-mode convert (AllocConfig::convert) libv4l2's converted MMAP frames
 * are copied into the given (mapped) MemFd/MemPtr datas, or handed out as
 * MemPtr with the flag: the one path that copies.
 *
 * Buffer states: Free (ours, not queued), Queued (in the driver),
 * Ready (dequeued, waiting for the graph), Outstanding (with the consumer).
 * Everything but use/clear/start/stop runs on the data loop.
 */
class CaptureBuffers
{
public:
	CaptureBuffers(V4l2Device &device, struct spa_log *log);
	~CaptureBuffers();

	/** Probes the driver's buffer counts for the current format (see V4l2BufferQueue). */
	int probeCounts(V4l2BufferCounts *counts);

	/**
	 * Takes @p n spa_buffers from port_use_buffers (@p flags are
	 * SPA_NODE_BUFFERS_FLAG_*) for format @p fmt. Releases any previous
	 * buffers first; @p n == 0 only releases.
	 * @return 0; -EINVAL when a buffer's data count is not the format's
	 * memory plane count, or a given plane is not a DMA-BUF, too small, at
	 * an offset, or of mixed types (in convert: not mapped MemFd/MemPtr of
	 * at least sizeimage bytes); -ENOTSUP for no usable data type or
	 * USERPTR/DMABUF the driver lacks; -ENOMEM when the driver grants
	 * fewer buffers than asked; -errno from the driver or the allocator.
	 * Nothing stays allocated after a failure.
	 */
	int use(struct spa_buffer **buffers, uint32_t n, uint32_t flags, const V4l2Format &fmt,
		const AllocConfig &config);
	/** Stops streaming and releases every buffer (REQBUFS 0, fds closed, planes unmapped). */
	void clear();

	/** Queues every Free buffer and starts streaming. */
	int start();
	/** Stops streaming; Queued and Ready buffers become Free. */
	void stop();

	/**
	 * Dequeues one filled buffer, fills its chunks (offset = data_offset,
	 * size = bytesused - data_offset, stride = the plane's bytesperline;
	 * in convert with given buffers the frame is copied to offset 0)
	 * and header meta (pts in nanoseconds, seq, CORRUPTED on
	 * V4L2_BUF_FLAG_ERROR), and appends it to the ready list.
	 * @return 0; -EAGAIN when none is ready; other -errno from the driver
	 * (-ENODEV: the device is gone).
	 */
	int dequeue(V4l2DequeuedBuffer *frame);
	/** Takes the oldest Ready buffer and marks it Outstanding; SPA_ID_INVALID if none. */
	uint32_t popReady();
	/** A buffer comes back from the consumer: queued again while streaming, else Free. */
	int recycle(uint32_t id);

	uint32_t count() const { return buffers_.size(); }
	bool streaming() const { return queue_.streaming(); }
	/** The SPA_DATA_* handed out by the last use(); SPA_DATA_Invalid when none. */
	uint32_t dataType() const { return dataType_; }
	/** Frames the driver skipped since start(), counted from sequence gaps. */
	uint64_t lostFrames() const { return lostFrames_; }

private:
	enum class State { Free, Queued, Ready, Outstanding };
	struct Buffer {
		struct spa_buffer *buffer = nullptr;
		struct spa_meta_header *header = nullptr;
		State state = State::Free;
		std::vector<V4l2ExportedPlane> exported; /* DmaBuf/MemFd: owns the fds */
		std::vector<MemoryMap> maps;             /* MemPtr/USERPTR: owns the mappings */
		std::vector<UniqueFd> allocated;         /* allocator: owns the DMA-BUFs */
		std::vector<V4l2ImportPlane> import;     /* DMABUF/USERPTR: what QBUF passes */
	};

	int allocate(uint32_t n, uint32_t type);
	int useDriverBuffers(struct spa_buffer **buffers, uint32_t n, uint32_t offeredTypes);
	int allocateImported(struct spa_buffer **buffers, uint32_t n, const V4l2Format &fmt,
			     const PlaneAllocator &allocator);
	int importGiven(struct spa_buffer **buffers, uint32_t n, const V4l2Format &fmt,
			uint32_t driverCaps);
	int useCopied(struct spa_buffer **buffers, uint32_t n, const V4l2Format &fmt);
	void copyFrame(Buffer &b, const V4l2DequeuedBuffer &frame);
	void markReady(Buffer &b, const V4l2DequeuedBuffer &frame, bool corrupted);
	int importPlane(uint32_t index, uint32_t plane, const struct spa_data &d,
			const V4l2PlaneFormat &fmt, V4l2Memory *memory);
	int requestImported(uint32_t n, V4l2Memory memory);
	int queue(uint32_t id);

	V4l2Device &device_;
	struct spa_log *log_;
	V4l2BufferQueue queue_;
	std::vector<Buffer> buffers_;
	std::vector<uint32_t> bytesperline_;
	uint32_t dataType_ = SPA_DATA_Invalid;
	bool copy_ = false;            /* convert: maps are copied into the datas */
	std::vector<uint32_t> ready_; /* ring of Ready ids, sized once in use() */
	uint32_t readyHead_ = 0;
	uint32_t readyCount_ = 0;
	uint32_t queued_ = 0;          /* buffers in the driver */
	bool haveSequence_ = false;
	uint32_t lastSequence_ = 0;
	uint64_t lostFrames_ = 0;
};

} /* namespace v4l2dmabuf */
