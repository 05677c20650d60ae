/* SPDX-License-Identifier: MIT */
/*
 * CaptureBuffers: io-mode convert. libv4l2 converts each frame into its own
 * memory (v4l2_mmap'ed "fake" MMAP buffers, see v4l-utils
 * lib/libv4l2/libv4l2.c); the frame is copied from there into the buffer
 * PipeWire gave, whose memory the consumer shares. The only copying path.
 */
#include "capture_buffers.h"

#include <cerrno>
#include <cstring>

#include <spa/utils/defs.h>

#include "spa_log_sink.h"

namespace v4l2dmabuf {

int CaptureBuffers::useCopied(struct spa_buffer **buffers, uint32_t n, const V4l2Format &fmt)
{
	const char *path = device_.path().c_str();
	uint32_t type = buffers[0]->datas[0].type;
	for (uint32_t i = 0; i < n; i++) {
		for (uint32_t p = 0; p < fmt.planes.size(); p++) {
			const struct spa_data &d = buffers[i]->datas[p];
			if ((d.type != SPA_DATA_MemFd && d.type != SPA_DATA_MemPtr) || d.type != type ||
			    d.data == nullptr) {
				spa_log_error(log_, "%s: convert: buffer %u plane %u is not mapped MemFd "
					      "or MemPtr memory like the others (type %u)", path, i, p,
					      d.type);
				return -EINVAL;
			}
			if (d.maxsize < fmt.planes[p].sizeimage) {
				spa_log_error(log_, "%s: convert: buffer %u plane %u has %u bytes, the "
					      "converted frame needs %u", path, i, p, d.maxsize,
					      fmt.planes[p].sizeimage);
				return -EINVAL;
			}
		}
	}
	int ret = pool_.allocateBuffers(n);
	if (ret < 0)
		return ret;
	copy_ = true;
	dataType_ = type;
	return 0;
}

void CaptureBuffers::copyFrame(Slot &s, uint32_t index, const V4l2DequeuedBuffer &frame)
{
	bool corrupted = frame.corrupted();
	for (uint32_t p = 0; p < s.buffer->n_datas && p < frame.numPlanes && p < pool_.numPlanes(); p++) {
		const V4l2DequeuedBuffer::Plane &plane = frame.planes[p];
		const MemoryMap &map = pool_.plane(index, p).map;
		struct spa_data &d = s.buffer->datas[p];
		size_t length = map.length();
		size_t offset = SPA_MIN(size_t(SPA_MIN(plane.dataOffset, plane.bytesused)), length);
		size_t size = SPA_MIN(size_t(plane.bytesused) - offset, length - offset);
		if (size > d.maxsize) {
			spa_log_warn(log_, "%s: convert: frame of %zu bytes cut to %u",
				     device_.path().c_str(), size, d.maxsize);
			size = d.maxsize;
			corrupted = true;
		}
		memcpy(d.data, map.data() + offset, size);
		d.chunk->offset = 0;
		d.chunk->size = size;
		d.chunk->stride = bytesperline_[p];
		d.chunk->flags = corrupted ? SPA_CHUNK_FLAG_CORRUPTED : SPA_CHUNK_FLAG_NONE;
	}
	fillHeader(s, frame, corrupted);
}

} /* namespace v4l2dmabuf */
