/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <string>

#include "log.h"
#include "unique_fd.h"

namespace v4l2dmabuf {

/**
 * Allocates DMA-BUFs from a Linux DMA heap (/dev/dma_heap/NAME, e.g.
 * "system": Documentation/userspace-api/dma-buf-heaps.rst, uapi
 * linux/dma-heap.h), the allocator GStreamer and libcamera use, for V4L2
 * DMABUF import. Includes no SPA header and nothing of V4L2.
 *
 * Paths come from clients: only a character device directly under
 * /dev/dma_heap/ is opened (no "..", no subdirectory), checked with stat()
 * before open() so that nothing else (a FIFO, a terminal) is ever opened,
 * and opened O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK (what the ioctl needs).
 *
 * All int-returning calls return 0 or a negative errno; every failure is
 * logged through the sink, prefixed with the path. The heap's fd is owned
 * by a UniqueFd; a DMA-BUF, once allocated, lives on its own.
 * allocatePlane() may be called from any thread once open() returned.
 */
class DmaHeapAllocator
{
public:
	DmaHeapAllocator() = default;
	DmaHeapAllocator(const DmaHeapAllocator &) = delete;
	DmaHeapAllocator &operator=(const DmaHeapAllocator &) = delete;
	DmaHeapAllocator(DmaHeapAllocator &&) noexcept = default;
	DmaHeapAllocator &operator=(DmaHeapAllocator &&) noexcept = default;

	/** True when @p path names a DMA heap (starts with /dev/dma_heap/). */
	static bool isHeapPath(const std::string &path);

	void setLogSink(LogSink sink) { sink_ = std::move(sink); }

	/**
	 * Opens heap @p path. Reopening closes first.
	 * @return 0; -ENODEV not a heap path (outside /dev/dma_heap/, "..",
	 * a subdirectory) or not a character device; -ENOENT no such heap;
	 * -EACCES not permitted; other -errno from open().
	 */
	int open(const std::string &path);
	void close() { fd_.reset(); }
	bool isOpen() const { return fd_.isValid(); }
	const std::string &path() const { return path_; }

	/**
	 * Allocates one DMA-BUF of at least @p sizeimage bytes (rounded up to
	 * whole pages), O_RDWR | O_CLOEXEC, with DMA_HEAP_IOCTL_ALLOC. Heaps
	 * know no rows: the image layout is the writer's (V4L2's bytesperline).
	 * @param out its fd; @param size the bytes allocated
	 * @return 0; -EBADF not open; -EINVAL a zero size; -EOVERFLOW 4 GiB or
	 * more; -ENOMEM the heap is out of memory; other -errno from the ioctl.
	 */
	int allocatePlane(uint32_t sizeimage, UniqueFd *out, uint32_t *size) const;

private:
	void log(LogLevel level, const std::string &message) const;

	std::string path_;
	UniqueFd fd_;
	LogSink sink_;
};

} /* namespace v4l2dmabuf */
