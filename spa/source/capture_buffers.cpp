/* SPDX-License-Identifier: MIT */
#include "capture_buffers.h"

#include <cerrno>
#include <cstring>

#include <spa/node/node.h>
#include <spa/utils/defs.h>

#include "buffer_params.h"
#include "given_buffers.h"
#include "spa_log_sink.h"
#include "spa_names.h"

namespace v4l2dmabuf {

CaptureBuffers::CaptureBuffers(V4l2Device &device, struct spa_log *log)
	: device_(device), log_(log), pool_(device)
{
}

CaptureBuffers::~CaptureBuffers()
{
	clear();
}

void CaptureBuffers::clear()
{
	pool_.releaseBuffers();
	slots_.clear();
	dataType_ = SPA_DATA_Invalid;
	copy_ = false;
}

/*
 * Between set_param(Format) and use_buffers the queue holds no buffer, so
 * another program (or a second node on the same device) may have changed
 * the format: buffers sized for the new one would not match the spa_datas.
 */
int CaptureBuffers::checkFormat(const V4l2Format &fmt)
{
	V4l2Format now;
	int ret = device_.getFormat(&now);
	if (ret < 0)
		return ret;
	bool same = now.fourcc == fmt.fourcc && now.width == fmt.width && now.height == fmt.height &&
		    now.planes.size() == fmt.planes.size();
	for (size_t p = 0; same && p < fmt.planes.size(); p++)
		same = now.planes[p].bytesperline == fmt.planes[p].bytesperline &&
		       now.planes[p].sizeimage == fmt.planes[p].sizeimage;
	if (!same) {
		spa_log_error(log_, "%s: the device's format changed underneath (now %s %ux%u, %zu "
			      "plane(s)); the format must be negotiated again", device_.path().c_str(),
			      fourccToString(now.fourcc).c_str(), now.width, now.height,
			      now.planes.size());
		return -EIO;
	}
	return 0;
}

int CaptureBuffers::use(struct spa_buffer **buffers, uint32_t n, uint32_t flags,
			const V4l2Format &fmt, const IoPlan &plan, const PlaneAllocator &allocator)
{
	clear();
	if (n == 0)
		return 0;

	const char *path = device_.path().c_str();
	uint32_t planes = fmt.planes.size();
	/* What the host hands over is checked whole before anything reads it:
	 * buffers, datas and chunks present, plane counts, types, fds, sizes. */
	bool alloc = flags & SPA_NODE_BUFFERS_FLAG_ALLOC;
	std::string why;
	if (validateGivenBuffers(buffers, n, fmt.planes, {alloc, plan.convert}, probeGivenFd, nullptr,
				 &why) < 0) {
		spa_log_error(log_, "%s: invalid buffers: %s", path, why.c_str());
		return -EINVAL;
	}
	int ret = checkFormat(fmt);
	if (ret < 0)
		return ret;
	bytesperline_.clear();
	for (const V4l2PlaneFormat &p : fmt.planes)
		bytesperline_.push_back(p.bytesperline);
	slots_.resize(n);
	for (uint32_t i = 0; i < n; i++) {
		slots_[i].buffer = buffers[i];
		slots_[i].header = static_cast<struct spa_meta_header *>(spa_buffer_find_meta_data(
			buffers[i], SPA_META_Header, sizeof(struct spa_meta_header)));
	}

	if (plan.convert && !alloc)
		ret = useCopied(buffers, n, fmt);
	else if (plan.convert)
		ret = useDriverBuffers(buffers, n, 1u << SPA_DATA_MemPtr);
	else if (!alloc)
		ret = importGiven(buffers, n, fmt, plan);
	else if (plan.useAllocator && allocator)
		ret = allocateImported(buffers, n, fmt, allocator);
	else
		ret = useDriverBuffers(buffers, n, plan.dataTypes);
	if (ret == 0 && pool_.numPlanes() != planes) {
		spa_log_error(log_, "%s: the queue has %u plane(s) per buffer, the format %u", path,
			      pool_.numPlanes(), planes);
		ret = -EIO;
	}
	if (ret < 0) {
		clear();
		return ret;
	}
	for (Slot &s : slots_) {
		for (uint32_t p = 0; p < planes; p++) {
			struct spa_chunk *chunk = s.buffer->datas[p].chunk;
			chunk->offset = 0;
			chunk->size = 0;
			chunk->stride = bytesperline_[p];
			chunk->flags = SPA_CHUNK_FLAG_NONE;
		}
	}
	spa_log_info(log_, "%s: %u buffers, %u %s plane(s) each, V4L2 memory %s", path, n, planes,
		     dataTypeName(dataType_).c_str(), memoryName(pool_.memory()));
	return 0;
}

int CaptureBuffers::useDriverBuffers(struct spa_buffer **buffers, uint32_t n,
				     uint32_t offeredTypes)
{
	const char *path = device_.path().c_str();
	/* With ALLOC, PipeWire puts the negotiated SPA_DATA_* mask in type. */
	uint32_t mask = buffers[0]->datas[0].type;
	uint32_t type = chooseDataType(mask, offeredTypes);
	if (type == SPA_DATA_Invalid) {
		spa_log_error(log_, "%s: no usable data type in mask 0x%x (offered 0x%x)",
			      path, mask, offeredTypes);
		return -ENOTSUP;
	}

	int ret = type == SPA_DATA_MemPtr ? pool_.allocateBuffers(n) : pool_.exportBuffers(n);
	if (ret < 0 && type != SPA_DATA_MemPtr && (mask & offeredTypes & (1u << SPA_DATA_MemPtr))) {
		spa_log_warn(log_, "%s: EXPBUF failed (%s), falling back to MemPtr", path,
			     strerror(-ret));
		type = SPA_DATA_MemPtr;
		ret = pool_.allocateBuffers(n);
	}
	if (ret < 0)
		return ret;

	for (uint32_t i = 0; i < n; i++) {
		struct spa_buffer *b = buffers[i];
		for (uint32_t p = 0; p < b->n_datas && p < pool_.numPlanes(); p++) {
			const V4l2PoolPlane &plane = pool_.plane(i, p);
			struct spa_data &d = b->datas[p];
			d.type = type;
			/* MemPtr is mapped already: nothing for a consumer to map. */
			d.flags = type == SPA_DATA_MemPtr ? SPA_DATA_FLAG_READABLE : kMappableDataFlags;
			d.mapoffset = 0;
			d.maxsize = plane.length;
			if (type == SPA_DATA_MemPtr) {
				d.fd = -1;
				d.data = plane.map.data();
			} else {
				d.fd = plane.exported.get();
				d.data = nullptr;
			}
		}
	}
	dataType_ = type;
	return 0;
}

int CaptureBuffers::dequeue(V4l2DequeuedBuffer *frame)
{
	int ret = pool_.dequeue(frame);
	if (ret < 0)
		return ret;

	Slot &s = slots_[frame->index];
	bool corrupted = frame->corrupted();
	if (copy_) {
		copyFrame(s, frame->index, *frame);
		return 0;
	}
	for (uint32_t p = 0; p < s.buffer->n_datas && p < frame->numPlanes; p++) {
		const V4l2DequeuedBuffer::Plane &plane = frame->planes[p];
		struct spa_data &d = s.buffer->datas[p];
		/* The driver's numbers are believed within the plane only. */
		uint32_t end = SPA_MIN(plane.bytesused, d.maxsize);
		uint32_t offset = SPA_MIN(plane.dataOffset, end);
		d.chunk->offset = offset;
		d.chunk->size = end - offset;
		d.chunk->stride = bytesperline_[p];
		d.chunk->flags = corrupted ? SPA_CHUNK_FLAG_CORRUPTED : SPA_CHUNK_FLAG_NONE;
	}
	fillHeader(s, *frame, corrupted);
	return 0;
}

void CaptureBuffers::fillHeader(Slot &s, const V4l2DequeuedBuffer &frame, bool corrupted)
{
	if (!s.header)
		return;
	s.header->flags = corrupted ? SPA_META_HEADER_FLAG_CORRUPTED : 0;
	s.header->offset = 0;
	s.header->pts = frame.timestampNs;
	s.header->dts_offset = 0;
	s.header->seq = frame.sequence;
}

uint32_t CaptureBuffers::popReady()
{
	uint32_t index = pool_.popReady();
	return index == V4l2BufferPool::kNone ? SPA_ID_INVALID : index;
}

} /* namespace v4l2dmabuf */
