/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <vector>

#include "memory_map.h"
#include "unique_fd.h"
#include "v4l2_buffer_queue.h"
#include "v4l2_device.h"

namespace v4l2dmabuf {

/**
 * The memory behind one plane of a pool buffer, whichever way it came:
 * - export:   @ref exported is the EXPBUF DMA-BUF of the driver's MMAP plane;
 * - allocate: @ref map is the driver's MMAP plane mapped into this process;
 * - import:   @ref import is what QBUF passes (a DMA-BUF fd or a user
 *   pointer, not owned), @ref owned a DMA-BUF the pool keeps alive for it
 *   (from an allocator), @ref map a mapping made for it (a MemFd mapped to
 *   get a user pointer).
 * Everything owned is released with the pool's buffers, after REQBUFS(0).
 */
struct V4l2PoolPlane {
	UniqueFd exported;
	MemoryMap map;
	UniqueFd owned;
	V4l2ImportPlane import;
	uint32_t length = 0; /**< bytes of memory behind the plane */
};

/**
 * The buffers of one capture queue and what happens to them while
 * streaming: the V4L2 side of the node's port, with no SPA in it. Verbs as
 * libcamera's V4L2VideoDevice names them:
 * - exportBuffers():   REQBUFS(MMAP) + VIDIOC_EXPBUF of every plane;
 * - allocateBuffers(): REQBUFS(MMAP) + mmap() of every plane;
 * - importBuffers():   REQBUFS(DMABUF or USERPTR) for planes from elsewhere;
 * - releaseBuffers():  STREAMOFF, unmap, REQBUFS(0), then close the fds;
 * - start()/stop(), dequeue() (DQBUF), popReady(), recycle() (QBUF).
 *
 * Buffer states: Free (the pool's, not queued), Queued (in the driver),
 * Ready (dequeued, not yet taken), Outstanding (taken by the consumer).
 * Ready buffers wait in a ring, oldest first. Sequence gaps are counted as
 * lost frames and logged with the queue depth at that moment (0 left
 * means the consumer starved the queue; more means the driver ran late).
 *
 * Threads: allocation, release, start and stop on one thread (the node's
 * main loop), dequeue/popReady/recycle on one other (its data loop), never
 * at the same time: the owner stops the data loop's use first.
 * All int-returning calls return 0 or a negative errno, logged through the
 * device with its path.
 */
class V4l2BufferPool
{
public:
	enum class State { Free, Queued, Ready, Outstanding };
	/** popReady()'s answer when no buffer is Ready. */
	static constexpr uint32_t kNone = UINT32_MAX;

	/** The pool of @p device's capture queue; @p device must outlive it. */
	explicit V4l2BufferPool(V4l2Device &device);
	~V4l2BufferPool();
	V4l2BufferPool(const V4l2BufferPool &) = delete;
	V4l2BufferPool &operator=(const V4l2BufferPool &) = delete;

	/** Buffer counts and V4L2_BUF_CAP_* for the current format (V4l2BufferQueue::probeCounts). */
	int probeCounts(V4l2BufferCounts *counts) { return queue_.probeCounts(counts); }

	/**
	 * @p count MMAP buffers, every plane exported as a DMA-BUF.
	 * @return 0; -ENOMEM when the driver grants fewer; -ENOTSUP through
	 * libv4l2; -errno of REQBUFS/QUERYBUF/EXPBUF. Nothing stays allocated
	 * after a failure.
	 */
	int exportBuffers(uint32_t count);
	/** @p count MMAP buffers, every plane mapped read/write. Errors as exportBuffers(). */
	int allocateBuffers(uint32_t count);
	/**
	 * One buffer per entry of @p buffers, queued with @p memory (DmaBuf or
	 * UserPtr), each entry holding one V4l2PoolPlane per format plane (the
	 * pool takes over what they own). @return 0; -EINVAL for a plane count
	 * other than the format's or Mmap; -ENOMEM when fewer are granted.
	 */
	int importBuffers(V4l2Memory memory, std::vector<std::vector<V4l2PoolPlane>> buffers);
	/** Stops streaming and releases every buffer; safe to call twice. */
	void releaseBuffers();

	/** Queues every Free buffer and starts streaming; resets the lost-frame count. */
	int start();
	/** Stops streaming; Queued and Ready buffers become Free (Outstanding stay so). */
	void stop();

	/**
	 * DQBUF: @p frame is the next filled buffer, now Ready and at the end
	 * of the ring. @return 0; -EAGAIN none is filled yet; -EPIPE nothing
	 * more until restarted; -ENODEV the device is gone; -EIO a buffer the
	 * pool does not know or did not queue.
	 */
	int dequeue(V4l2DequeuedBuffer *frame);
	/** The oldest Ready buffer, now Outstanding; kNone when there is none. */
	uint32_t popReady();
	/**
	 * Outstanding buffer @p index comes back: queued again while
	 * streaming, else Free. -EINVAL when it is not Outstanding.
	 */
	int recycle(uint32_t index);

	uint32_t count() const { return static_cast<uint32_t>(buffers_.size()); }
	/** Memory planes per buffer (the format's), 0 with no buffers. */
	uint32_t numPlanes() const { return buffers_.empty() ? 0 : queue_.numPlanes(); }
	V4l2Memory memory() const { return queue_.memory(); }
	bool streaming() const { return queue_.streaming(); }
	State state(uint32_t index) const { return buffers_[index].state; }
	/** Plane @p plane of buffer @p index (both below count()/numPlanes()). */
	const V4l2PoolPlane &plane(uint32_t index, uint32_t plane) const
	{
		return buffers_[index].planes[plane];
	}
	/** Buffers in the driver now. */
	uint32_t queued() const { return queued_; }
	/** Frames the driver skipped since start(), counted from sequence gaps. */
	uint64_t lostFrames() const { return lostFrames_; }

private:
	struct Buffer {
		State state = State::Free;
		std::vector<V4l2PoolPlane> planes;
		std::vector<V4l2ImportPlane> import; /* QBUF's plane list (import only) */
	};

	int request(uint32_t count, V4l2Memory memory);
	int queue(uint32_t index);

	V4l2Device &device_;
	V4l2BufferQueue queue_;
	std::vector<Buffer> buffers_;
	std::vector<uint32_t> ready_; /* ring of Ready indices, sized with the buffers */
	uint32_t readyHead_ = 0;
	uint32_t readyCount_ = 0;
	uint32_t queued_ = 0;
	bool haveSequence_ = false;
	uint32_t lastSequence_ = 0;
	uint64_t lostFrames_ = 0;
};

} /* namespace v4l2dmabuf */
