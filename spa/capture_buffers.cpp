/* SPDX-License-Identifier: MIT */
#include "capture_buffers.h"

#include <cerrno>
#include <cstring>

#include <spa/node/node.h>
#include <spa/utils/defs.h>

#include "buffer_params.h"

namespace v4l2dmabuf {

CaptureBuffers::CaptureBuffers(V4l2Device &device, struct spa_log *log)
	: device_(device), log_(log), queue_(device)
{
}

CaptureBuffers::~CaptureBuffers()
{
	clear();
}

int CaptureBuffers::probeCounts(V4l2BufferCounts *counts)
{
	return queue_.probeCounts(counts);
}

void CaptureBuffers::clear()
{
	if (queue_.streaming())
		queue_.streamOff();
	/* MMAP planes are unmapped before REQBUFS(0): libv4l2 refuses to free
	 * buffers it still sees mapped (EBUSY). */
	if (queue_.memory() == V4l2Memory::Mmap)
		for (Buffer &b : buffers_)
			b.maps.clear();
	if (queue_.count() > 0)
		queue_.requestBuffers(0, queue_.memory());
	/* After REQBUFS(0) the driver holds no imported plane: closing our
	 * fds and unmapping now frees them; exported fds drop videobuf2's
	 * last reference. */
	buffers_.clear();
	ready_.clear();
	readyHead_ = readyCount_ = 0;
	dataType_ = SPA_DATA_Invalid;
	copy_ = false;
}

int CaptureBuffers::allocate(uint32_t n, uint32_t type)
{
	int ret;

	if (type == SPA_DATA_DmaBuf || type == SPA_DATA_MemFd) {
		std::vector<V4l2ExportedBuffer> exported;
		ret = queue_.exportBuffers(n, &exported);
		if (ret < 0)
			return ret;
		if (exported.size() < n) {
			spa_log_error(log_, "%s: driver granted %zu of %u buffers",
				      device_.path().c_str(), exported.size(), n);
			return -ENOMEM;
		}
		for (uint32_t i = 0; i < n; i++)
			buffers_[i].exported = std::move(exported[i].planes);
		return 0;
	}

	ret = queue_.requestBuffers(n, V4l2Memory::Mmap);
	if (ret < 0)
		return ret;
	if (static_cast<uint32_t>(ret) < n) {
		spa_log_error(log_, "%s: driver granted %d of %u buffers",
			      device_.path().c_str(), ret, n);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < n; i++) {
		ret = queue_.mapBuffer(i, &buffers_[i].maps);
		if (ret < 0)
			return ret;
	}
	return 0;
}

int CaptureBuffers::use(struct spa_buffer **buffers, uint32_t n, uint32_t flags,
			const V4l2Format &fmt, const AllocConfig &config)
{
	clear();
	if (n == 0)
		return 0;

	const char *path = device_.path().c_str();
	uint32_t planes = fmt.planes.size();
	for (uint32_t i = 0; i < n; i++) {
		if (buffers[i]->n_datas != planes) {
			spa_log_error(log_, "%s: buffer %u has %u datas, the format has %u planes",
				      path, i, buffers[i]->n_datas, planes);
			return -EINVAL;
		}
	}
	bytesperline_.clear();
	for (const V4l2PlaneFormat &p : fmt.planes)
		bytesperline_.push_back(p.bytesperline);
	buffers_.resize(n);
	for (uint32_t i = 0; i < n; i++) {
		buffers_[i].buffer = buffers[i];
		buffers_[i].header = static_cast<struct spa_meta_header *>(spa_buffer_find_meta_data(
			buffers[i], SPA_META_Header, sizeof(struct spa_meta_header)));
	}

	int ret;
	if (config.convert && !(flags & SPA_NODE_BUFFERS_FLAG_ALLOC))
		ret = useCopied(buffers, n, fmt);
	else if (config.convert)
		ret = useDriverBuffers(buffers, n, 1u << SPA_DATA_MemPtr);
	else if (!(flags & SPA_NODE_BUFFERS_FLAG_ALLOC))
		ret = importGiven(buffers, n, fmt, config.driverCaps);
	else if (config.allocator)
		ret = allocateImported(buffers, n, fmt, config.allocator);
	else
		ret = useDriverBuffers(buffers, n, config.offeredTypes);
	if (ret < 0) {
		clear();
		return ret;
	}
	for (Buffer &b : buffers_) {
		for (uint32_t p = 0; p < planes; p++) {
			struct spa_chunk *chunk = b.buffer->datas[p].chunk;
			chunk->offset = 0;
			chunk->size = 0;
			chunk->stride = bytesperline_[p];
			chunk->flags = SPA_CHUNK_FLAG_NONE;
		}
	}
	ready_.assign(n, SPA_ID_INVALID);
	spa_log_info(log_, "%s: %u buffers, %u %s plane(s) each, V4L2 memory %s", path, n, planes,
		     dataTypeName(dataType_), memoryName(queue_.memory()));
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

	int ret = allocate(n, type);
	if (ret < 0 && type != SPA_DATA_MemPtr && (mask & offeredTypes & (1u << SPA_DATA_MemPtr))) {
		spa_log_warn(log_, "%s: EXPBUF failed (%s), falling back to MemPtr", path,
			     strerror(-ret));
		for (Buffer &b : buffers_)
			b.exported.clear();
		queue_.requestBuffers(0, V4l2Memory::Mmap);
		type = SPA_DATA_MemPtr;
		ret = allocate(n, type);
	}
	if (ret < 0)
		return ret;

	for (Buffer &b : buffers_) {
		for (uint32_t p = 0; p < b.buffer->n_datas; p++) {
			struct spa_data &d = b.buffer->datas[p];
			d.type = type;
			d.flags = SPA_DATA_FLAG_READABLE;
			d.mapoffset = 0;
			if (type == SPA_DATA_MemPtr) {
				d.fd = -1;
				d.maxsize = b.maps[p].length();
				d.data = b.maps[p].data();
			} else {
				d.fd = b.exported[p].fd.get();
				d.maxsize = b.exported[p].length;
				d.data = nullptr;
			}
		}
	}
	dataType_ = type;
	return 0;
}

int CaptureBuffers::queue(uint32_t id)
{
	int ret = queue_.memory() == V4l2Memory::Mmap ? queue_.queueBuffer(id)
						       : queue_.queueBuffer(id, buffers_[id].import);
	if (ret < 0)
		return ret;
	buffers_[id].state = State::Queued;
	queued_++;
	return 0;
}

int CaptureBuffers::start()
{
	if (buffers_.empty())
		return -EIO;
	haveSequence_ = false;
	lostFrames_ = 0;
	for (uint32_t i = 0; i < buffers_.size(); i++) {
		if (buffers_[i].state != State::Free)
			continue;
		int ret = queue(i);
		if (ret < 0)
			return ret;
	}
	return queue_.streamOn();
}

void CaptureBuffers::stop()
{
	if (queue_.streaming())
		queue_.streamOff();
	for (Buffer &b : buffers_)
		if (b.state == State::Queued || b.state == State::Ready)
			b.state = State::Free;
	readyHead_ = readyCount_ = 0;
	queued_ = 0;
}

int CaptureBuffers::dequeue(V4l2DequeuedBuffer *frame)
{
	int ret = queue_.dequeueBuffer(frame);
	if (ret < 0)
		return ret;
	if (frame->index >= buffers_.size())
		return -EIO;

	Buffer &b = buffers_[frame->index];
	queued_--;
	/* Lost frames, as V4L2 counts them; with the queue depth at that moment
	 * a starved queue (0 left) is told apart from a driver that ran late. */
	if (haveSequence_ && frame->sequence > lastSequence_ + 1) {
		uint32_t lost = frame->sequence - lastSequence_ - 1;
		lostFrames_ += lost;
		spa_log_info(log_, "%s: %u frame(s) lost before sequence %u, %u buffer(s) left queued",
			     device_.path().c_str(), lost, frame->sequence, queued_);
	}
	haveSequence_ = true;
	lastSequence_ = frame->sequence;
	bool corrupted = frame->corrupted();
	if (copy_) {
		copyFrame(b, *frame);
		return 0;
	}
	for (uint32_t p = 0; p < b.buffer->n_datas && p < frame->numPlanes; p++) {
		const V4l2DequeuedBuffer::Plane &plane = frame->planes[p];
		struct spa_chunk *chunk = b.buffer->datas[p].chunk;
		uint32_t offset = SPA_MIN(plane.dataOffset, plane.bytesused);
		chunk->offset = offset;
		chunk->size = plane.bytesused - offset;
		chunk->stride = bytesperline_[p];
		chunk->flags = corrupted ? SPA_CHUNK_FLAG_CORRUPTED : SPA_CHUNK_FLAG_NONE;
	}
	markReady(b, *frame, corrupted);
	return 0;
}

void CaptureBuffers::markReady(Buffer &b, const V4l2DequeuedBuffer &frame, bool corrupted)
{
	if (b.header) {
		b.header->flags = corrupted ? SPA_META_HEADER_FLAG_CORRUPTED : 0;
		b.header->offset = 0;
		b.header->pts = frame.timestampNs;
		b.header->dts_offset = 0;
		b.header->seq = frame.sequence;
	}
	b.state = State::Ready;
	ready_[(readyHead_ + readyCount_) % ready_.size()] = frame.index;
	readyCount_++;
}

uint32_t CaptureBuffers::popReady()
{
	if (readyCount_ == 0)
		return SPA_ID_INVALID;
	uint32_t id = ready_[readyHead_];
	readyHead_ = (readyHead_ + 1) % ready_.size();
	readyCount_--;
	buffers_[id].state = State::Outstanding;
	return id;
}

int CaptureBuffers::recycle(uint32_t id)
{
	if (id >= buffers_.size() || buffers_[id].state != State::Outstanding)
		return -EINVAL;
	if (!queue_.streaming()) {
		buffers_[id].state = State::Free;
		return 0;
	}
	return queue(id);
}

} /* namespace v4l2dmabuf */
