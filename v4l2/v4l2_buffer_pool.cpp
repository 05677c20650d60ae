/* SPDX-License-Identifier: MIT */
#include "v4l2_buffer_pool.h"

#include <cerrno>
#include <utility>

namespace v4l2dmabuf {

V4l2BufferPool::V4l2BufferPool(V4l2Device &device) : device_(device), queue_(device) {}

V4l2BufferPool::~V4l2BufferPool()
{
	releaseBuffers();
}

int V4l2BufferPool::request(uint32_t count, V4l2Memory memory)
{
	int ret = queue_.requestBuffers(count, memory);
	if (ret < 0)
		return ret;
	if (static_cast<uint32_t>(ret) < count) {
		device_.log(LogLevel::Error, "the driver granted " + std::to_string(ret) + " of " +
						     std::to_string(count) + " " + memoryName(memory) +
						     " buffers: " + errnoString(-ENOMEM));
		queue_.requestBuffers(0, memory);
		return -ENOMEM;
	}
	buffers_.clear();
	buffers_.resize(count);
	ready_.assign(count, kNone);
	readyHead_ = readyCount_ = queued_ = 0;
	return 0;
}

int V4l2BufferPool::exportBuffers(uint32_t count)
{
	releaseBuffers();
	std::vector<V4l2ExportedBuffer> exported;
	int ret = queue_.exportBuffers(count, &exported);
	if (ret < 0)
		return ret;
	if (exported.size() < count) {
		device_.log(LogLevel::Error, "the driver granted " + std::to_string(exported.size()) +
						     " of " + std::to_string(count) + " buffers: " +
						     errnoString(-ENOMEM));
		exported.clear();
		queue_.requestBuffers(0, V4l2Memory::Mmap);
		return -ENOMEM;
	}
	buffers_.clear();
	buffers_.resize(count);
	ready_.assign(count, kNone);
	readyHead_ = readyCount_ = queued_ = 0;
	for (uint32_t i = 0; i < count; i++) {
		for (V4l2ExportedPlane &e : exported[i].planes) {
			V4l2PoolPlane p;
			p.length = e.length;
			p.exported = std::move(e.fd);
			buffers_[i].planes.push_back(std::move(p));
		}
	}
	return 0;
}

int V4l2BufferPool::allocateBuffers(uint32_t count)
{
	releaseBuffers();
	int ret = request(count, V4l2Memory::Mmap);
	if (ret < 0)
		return ret;
	for (uint32_t i = 0; i < count; i++) {
		std::vector<MemoryMap> maps;
		ret = queue_.mapBuffer(i, &maps);
		if (ret < 0) {
			releaseBuffers();
			return ret;
		}
		for (MemoryMap &m : maps) {
			V4l2PoolPlane p;
			p.length = static_cast<uint32_t>(m.length());
			p.map = std::move(m);
			buffers_[i].planes.push_back(std::move(p));
		}
	}
	return 0;
}

int V4l2BufferPool::importBuffers(V4l2Memory memory, std::vector<std::vector<V4l2PoolPlane>> buffers)
{
	releaseBuffers();
	if (memory == V4l2Memory::Mmap || buffers.empty())
		return -EINVAL;
	int ret = request(static_cast<uint32_t>(buffers.size()), memory);
	if (ret < 0)
		return ret;
	for (uint32_t i = 0; i < buffers.size(); i++) {
		if (buffers[i].size() != queue_.numPlanes()) {
			device_.log(LogLevel::Error, "import: buffer " + std::to_string(i) + " has " +
							     std::to_string(buffers[i].size()) +
							     " plane(s), the format " +
							     std::to_string(queue_.numPlanes()) + ": " +
							     errnoString(-EINVAL));
			releaseBuffers();
			return -EINVAL;
		}
		buffers_[i].planes = std::move(buffers[i]);
		for (const V4l2PoolPlane &p : buffers_[i].planes)
			buffers_[i].import.push_back(p.import);
	}
	return 0;
}

void V4l2BufferPool::releaseBuffers()
{
	if (queue_.streaming())
		queue_.streamOff();
	/* MMAP planes are unmapped before REQBUFS(0): libv4l2 refuses to free
	 * buffers it still sees mapped (EBUSY). */
	if (queue_.memory() == V4l2Memory::Mmap)
		for (Buffer &b : buffers_)
			for (V4l2PoolPlane &p : b.planes)
				p.map.reset();
	if (queue_.count() > 0)
		queue_.requestBuffers(0, queue_.memory());
	/* After REQBUFS(0) the driver holds no imported plane: closing the fds
	 * and unmapping now frees them; exported fds drop videobuf2's last
	 * reference once no consumer holds them either. */
	buffers_.clear();
	ready_.clear();
	readyHead_ = readyCount_ = queued_ = 0;
}

int V4l2BufferPool::queue(uint32_t index)
{
	Buffer &b = buffers_[index];
	int ret = queue_.memory() == V4l2Memory::Mmap ? queue_.queueBuffer(index)
						       : queue_.queueBuffer(index, b.import);
	if (ret < 0)
		return ret;
	b.state = State::Queued;
	queued_++;
	return 0;
}

int V4l2BufferPool::start()
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

void V4l2BufferPool::stop()
{
	if (queue_.streaming())
		queue_.streamOff();
	for (Buffer &b : buffers_)
		if (b.state == State::Queued || b.state == State::Ready)
			b.state = State::Free;
	readyHead_ = readyCount_ = queued_ = 0;
}

int V4l2BufferPool::dequeue(V4l2DequeuedBuffer *frame)
{
	int ret = queue_.dequeueBuffer(frame);
	if (ret < 0)
		return ret;
	if (frame->index >= buffers_.size() || buffers_[frame->index].state != State::Queued ||
	    readyCount_ >= ready_.size()) {
		device_.log(LogLevel::Error, "DQBUF returned buffer " + std::to_string(frame->index) +
						     ", which is not queued: " + errnoString(-EIO));
		return -EIO;
	}
	queued_--;
	if (haveSequence_ && frame->sequence > lastSequence_ + 1) {
		uint32_t lost = frame->sequence - lastSequence_ - 1;
		lostFrames_ += lost;
		device_.log(LogLevel::Info, std::to_string(lost) + " frame(s) lost before sequence " +
						    std::to_string(frame->sequence) + ", " +
						    std::to_string(queued_) + " buffer(s) left queued");
	}
	haveSequence_ = true;
	lastSequence_ = frame->sequence;

	buffers_[frame->index].state = State::Ready;
	ready_[(readyHead_ + readyCount_) % ready_.size()] = frame->index;
	readyCount_++;
	return 0;
}

uint32_t V4l2BufferPool::popReady()
{
	if (readyCount_ == 0)
		return kNone;
	uint32_t index = ready_[readyHead_];
	readyHead_ = (readyHead_ + 1) % ready_.size();
	readyCount_--;
	buffers_[index].state = State::Outstanding;
	return index;
}

int V4l2BufferPool::recycle(uint32_t index)
{
	if (index >= buffers_.size() || buffers_[index].state != State::Outstanding)
		return -EINVAL;
	if (!queue_.streaming()) {
		buffers_[index].state = State::Free;
		return 0;
	}
	return queue(index);
}

} /* namespace v4l2dmabuf */
