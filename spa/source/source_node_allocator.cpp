/* SPDX-License-Identifier: MIT */
/* SourceNode: v4l2-dmabuf.allocator, planes from a DRM device or a DMA heap. */
#include "source_node.h"

#include <memory>

#include "drm_allocator.h"
#include "heap_allocator.h"

namespace v4l2dmabuf {

int SourceNode::openAllocator(const std::string &path, PlaneAllocator *allocator)
{
	/* /dev/dma_heap/NAME: a DMA heap (the consumer sees exporter NAME). */
	if (DmaHeapAllocator::isHeapPath(path)) {
		auto heap = std::make_shared<DmaHeapAllocator>();
		heap->setLogSink(device_.logSink());
		int ret = heap->open(path);
		if (ret < 0)
			return ret;
		*allocator = [heap](uint32_t, uint32_t sizeimage, UniqueFd *fd, uint32_t *size) {
			return heap->allocatePlane(sizeimage, fd, size);
		};
		return 0;
	}
	auto drm = std::make_shared<DrmAllocator>();
	drm->setLogSink(device_.logSink());
	int ret = drm->open(path);
	if (ret < 0)
		return ret;
	/* Buffers hold their own DMA-BUF fds: the allocator may go before them. */
	*allocator = [drm](uint32_t bytesperline, uint32_t sizeimage, UniqueFd *fd, uint32_t *size) {
		DrmBuffer buffer;
		int r = drm->allocatePlane(bytesperline, sizeimage, &buffer);
		if (r < 0)
			return r;
		*fd = std::move(buffer.fd);
		*size = buffer.size;
		return 0;
	};
	return 0;
}

} /* namespace v4l2dmabuf */
