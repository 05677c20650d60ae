/* SPDX-License-Identifier: MIT */
/*
 * V4l2BufferQueue: the capture queue of one node. Follows the videobuf2
 * uAPI (Documentation/userspace-api/media/v4l/vidioc-reqbufs, -querybuf,
 * -expbuf, -qbuf, -streamon, buffer.html). Single- and multi-planar
 * buffers go through one path: a struct v4l2_buffer plus an array of
 * struct v4l2_plane, which describes the one plane of a single-planar
 * buffer too (copied to and from the v4l2_buffer fields around the ioctl).
 */

#include "v4l2_buffer_queue.h"

#include <fcntl.h>
#include <sys/mman.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

namespace v4l2dmabuf {

namespace {

/*
 * A v4l2_buffer for @p type/@p memory/@p index, with @p planes wired in
 * for the multi-planar API.
 */
void initBuffer(struct v4l2_buffer *buf, struct v4l2_plane *planes, uint32_t type,
		V4l2Memory memory, uint32_t index)
{
	memset(buf, 0, sizeof(*buf));
	memset(planes, 0, sizeof(*planes) * VIDEO_MAX_PLANES);
	buf->type = type;
	buf->memory = static_cast<uint32_t>(memory);
	buf->index = index;
	if (V4L2_TYPE_IS_MULTIPLANAR(type)) {
		buf->m.planes = planes;
		buf->length = VIDEO_MAX_PLANES;
	}
}

} /* namespace */

const char *memoryName(V4l2Memory memory)
{
	switch (memory) {
	case V4l2Memory::Mmap:
		return "MMAP";
	case V4l2Memory::UserPtr:
		return "USERPTR";
	case V4l2Memory::DmaBuf:
		return "DMABUF";
	}
	return "?";
}

bool V4l2BufferCounts::supports(V4l2Memory memory) const
{
	if (capabilities == 0)
		return memory == V4l2Memory::Mmap;
	switch (memory) {
	case V4l2Memory::Mmap:
		return capabilities & V4L2_BUF_CAP_SUPPORTS_MMAP;
	case V4l2Memory::UserPtr:
		return capabilities & V4L2_BUF_CAP_SUPPORTS_USERPTR;
	case V4l2Memory::DmaBuf:
		return capabilities & V4L2_BUF_CAP_SUPPORTS_DMABUF;
	}
	return false;
}

V4l2BufferQueue::V4l2BufferQueue(V4l2Device &device) : device_(device) {}

V4l2BufferQueue::~V4l2BufferQueue()
{
	if (!device_.isOpen())
		return;
	if (streaming_)
		streamOff();
	if (count_)
		requestBuffers(0, memory_);
}

int V4l2BufferQueue::reqbufs(uint32_t count, V4l2Memory memory, uint32_t *capabilities)
{
	struct v4l2_requestbuffers req = {};
	req.count = count;
	req.type = device_.bufferType();
	req.memory = static_cast<uint32_t>(memory);

	int ret = device_.ioctl(VIDIOC_REQBUFS, &req);
	if (ret < 0)
		return ret;
	if (capabilities)
		*capabilities = req.capabilities;
	return static_cast<int>(req.count);
}

int V4l2BufferQueue::requestBuffers(uint32_t count, V4l2Memory memory)
{
	if (count == 0 && streaming_)
		streamOff();

	/* The planes of the format the buffers are allocated for. */
	uint32_t planes = 1;
	if (count) {
		V4l2Format fmt;
		int ret = device_.getFormat(&fmt);
		if (ret < 0)
			return ret;
		planes = fmt.planes.empty() ? 1 : static_cast<uint32_t>(fmt.planes.size());
	}

	uint32_t caps = 0;
	int ret = reqbufs(count, memory, &caps);
	if (ret < 0) {
		device_.log(LogLevel::Error, std::string("VIDIOC_REQBUFS ") + std::to_string(count) + " " +
						     memoryName(memory) + " failed: " + errnoString(ret));
		return ret;
	}

	capabilities_ = caps;
	memory_ = memory;
	count_ = static_cast<uint32_t>(ret);
	if (count)
		numPlanes_ = planes;
	if (count_ == 0)
		streaming_ = false; /* REQBUFS 0 stops the queue in vb2 */

	device_.log(LogLevel::Debug, std::string("VIDIOC_REQBUFS ") + memoryName(memory) + ": asked " +
					     std::to_string(count) + ", granted " + std::to_string(count_) +
					     ", " + std::to_string(numPlanes_) + " plane(s), capabilities " + hex32(caps));
	return ret;
}

int V4l2BufferQueue::probeCounts(V4l2BufferCounts *counts)
{
	if (!counts)
		return -EINVAL;
	if (count_ || streaming_) {
		device_.log(LogLevel::Error, "probeCounts with buffers allocated: " + errnoString(-EBUSY));
		return -EBUSY;
	}

	/*
	 * DMABUF first: REQBUFS allocates no memory for it. A driver
	 * without DMABUF import answers EINVAL; fall back to MMAP, which
	 * does allocate (and frees again at REQBUFS 0).
	 */
	V4l2Memory memory = V4l2Memory::DmaBuf;
	uint32_t caps = 0;
	int min = reqbufs(1, memory, &caps);
	if (min == -EINVAL) {
		device_.log(LogLevel::Debug, "REQBUFS DMABUF not accepted (" + errnoString(min) +
						     "), probing with MMAP");
		memory = V4l2Memory::Mmap;
		min = reqbufs(1, memory, &caps);
	}
	if (min < 0) {
		device_.log(LogLevel::Error, "VIDIOC_REQBUFS 1 failed: " + errnoString(min));
		return min;
	}

	int max = reqbufs(VIDEO_MAX_FRAME, memory, nullptr);
	int ret = reqbufs(0, memory, nullptr);
	if (max < 0) {
		device_.log(LogLevel::Error, "VIDIOC_REQBUFS " + std::to_string(VIDEO_MAX_FRAME) +
						     " failed: " + errnoString(max));
		return max;
	}
	if (ret < 0) {
		device_.log(LogLevel::Error, "VIDIOC_REQBUFS 0 failed: " + errnoString(ret));
		return ret;
	}

	counts->min = static_cast<uint32_t>(min);
	counts->max = static_cast<uint32_t>(max);
	counts->capabilities = caps;
	capabilities_ = caps;
	count_ = 0;

	device_.log(LogLevel::Debug, std::string("buffer counts (") + memoryName(memory) + "): min " +
					     std::to_string(counts->min) + ", max " +
					     std::to_string(counts->max));
	return 0;
}

int V4l2BufferQueue::exportBuffers(uint32_t count, std::vector<V4l2ExportedBuffer> *buffers)
{
	if (!buffers)
		return -EINVAL;
	if (device_.access() == V4l2Access::Libv4l2) {
		/* EXPBUF would hand out the driver's unconverted frames. */
		device_.log(LogLevel::Error, "no EXPBUF through libv4l2: " + errnoString(-ENOTSUP));
		buffers->clear();
		return -ENOTSUP;
	}

	int ret = requestBuffers(count, V4l2Memory::Mmap);
	if (ret < 0) {
		buffers->clear();
		return ret;
	}
	if (ret == 0) {
		device_.log(LogLevel::Error, "VIDIOC_REQBUFS granted no buffer: " + errnoString(-ENOMEM));
		buffers->clear();
		return -ENOMEM;
	}

	/* Built aside: on failure its fds close when it goes out of scope. */
	std::vector<V4l2ExportedBuffer> exported;
	for (uint32_t index = 0; index < count_ && ret >= 0; index++) {
		std::vector<PlaneLocation> where;
		ret = queryBuffer(index, &where);
		if (ret < 0)
			break;

		V4l2ExportedBuffer eb;
		eb.index = index;
		for (uint32_t p = 0; p < where.size(); p++) {
			struct v4l2_exportbuffer exp = {};
			exp.type = device_.bufferType();
			exp.index = index;
			exp.plane = p;
			exp.flags = O_RDWR | O_CLOEXEC;
			ret = device_.ioctl(VIDIOC_EXPBUF, &exp);
			if (ret < 0) {
				device_.log(LogLevel::Error, "VIDIOC_EXPBUF buffer " + std::to_string(index) +
								     " plane " + std::to_string(p) +
								     " failed: " + errnoString(ret));
				break;
			}

			V4l2ExportedPlane ep;
			ep.fd = UniqueFd(exp.fd);
			ep.length = where[p].length;
			ep.mmapOffset = where[p].offset;
			eb.planes.push_back(std::move(ep));
		}
		if (ret >= 0)
			exported.push_back(std::move(eb));
	}

	if (ret < 0) {
		exported.clear();
		buffers->clear();
		requestBuffers(0, V4l2Memory::Mmap);
		return ret;
	}

	device_.log(LogLevel::Debug, "exported " + std::to_string(exported.size()) + " buffer(s) of " +
					     std::to_string(numPlanes_) + " plane(s)");
	*buffers = std::move(exported);
	return 0;
}

int V4l2BufferQueue::mapBuffer(uint32_t index, std::vector<MemoryMap> *maps)
{
	if (!maps)
		return -EINVAL;
	maps->clear();
	if (memory_ != V4l2Memory::Mmap || index >= count_) {
		device_.log(LogLevel::Error, "mapBuffer " + std::to_string(index) +
						     ": not an allocated MMAP buffer: " + errnoString(-EINVAL));
		return -EINVAL;
	}

	std::vector<PlaneLocation> where;
	int ret = queryBuffer(index, &where);
	if (ret < 0)
		return ret;

	std::vector<MemoryMap> mapped(where.size());
	for (uint32_t p = 0; p < where.size(); p++) {
		ret = device_.mapPlane(where[p].length, where[p].offset, &mapped[p]);
		if (ret < 0) {
			device_.log(LogLevel::Error, "mmap buffer " + std::to_string(index) + " plane " +
							     std::to_string(p) + " failed: " + errnoString(ret));
			return ret;
		}
	}

	*maps = std::move(mapped);
	return 0;
}

int V4l2BufferQueue::queryBuffer(uint32_t index, std::vector<PlaneLocation> *where)
{
	struct v4l2_buffer buf;
	struct v4l2_plane planes[VIDEO_MAX_PLANES];
	initBuffer(&buf, planes, device_.bufferType(), V4l2Memory::Mmap, index);
	int ret = device_.ioctl(VIDIOC_QUERYBUF, &buf);
	if (ret < 0) {
		device_.log(LogLevel::Error, "VIDIOC_QUERYBUF " + std::to_string(index) +
						     " failed: " + errnoString(ret));
		return ret;
	}
	/* The driver's plane count is believed only within the array it filled
	 * and the format the queue was set up for. */
	uint32_t n = device_.isMultiplanar() ? buf.length : 1;
	if (n == 0 || n > VIDEO_MAX_PLANES || n != numPlanes_) {
		device_.log(LogLevel::Error, "VIDIOC_QUERYBUF " + std::to_string(index) + ": " +
						     std::to_string(n) + " plane(s), the format has " +
						     std::to_string(numPlanes_) + ": " + errnoString(-EIO));
		return -EIO;
	}
	where->clear();
	for (uint32_t p = 0; p < n; p++) {
		if (device_.isMultiplanar())
			where->push_back({planes[p].length, planes[p].m.mem_offset});
		else
			where->push_back({buf.length, buf.m.offset});
	}
	return 0;
}

int V4l2BufferQueue::qbuf(struct v4l2_buffer *buf)
{
	int ret = device_.ioctl(VIDIOC_QBUF, buf);
	if (ret < 0) {
		device_.log(LogLevel::Error, std::string("VIDIOC_QBUF ") + std::to_string(buf->index) + " " +
						     memoryName(memory_) + " failed: " + errnoString(ret));
		return ret;
	}
	return 0;
}

int V4l2BufferQueue::queueBuffer(uint32_t index)
{
	if (memory_ != V4l2Memory::Mmap || index >= count_) {
		device_.log(LogLevel::Error, "queueBuffer " + std::to_string(index) +
						     ": not an allocated MMAP buffer: " + errnoString(-EINVAL));
		return -EINVAL;
	}

	struct v4l2_buffer buf;
	struct v4l2_plane planes[VIDEO_MAX_PLANES];
	initBuffer(&buf, planes, device_.bufferType(), memory_, index);
	if (device_.isMultiplanar())
		buf.length = numPlanes_;
	return qbuf(&buf);
}

int V4l2BufferQueue::queueBuffer(uint32_t index, const std::vector<V4l2ImportPlane> &planes)
{
	if (memory_ == V4l2Memory::Mmap || index >= count_) {
		device_.log(LogLevel::Error, "queueBuffer " + std::to_string(index) +
						     ": not an allocated DMABUF/USERPTR buffer: " +
						     errnoString(-EINVAL));
		return -EINVAL;
	}
	if (planes.size() != numPlanes_) {
		device_.log(LogLevel::Error, "queueBuffer " + std::to_string(index) + ": " +
						     std::to_string(planes.size()) + " plane(s) given, format has " +
						     std::to_string(numPlanes_) + ": " + errnoString(-EINVAL));
		return -EINVAL;
	}

	struct v4l2_buffer buf;
	struct v4l2_plane vplanes[VIDEO_MAX_PLANES];
	initBuffer(&buf, vplanes, device_.bufferType(), memory_, index);

	if (device_.isMultiplanar()) {
		buf.length = numPlanes_;
		for (uint32_t p = 0; p < numPlanes_; p++) {
			if (memory_ == V4l2Memory::DmaBuf)
				vplanes[p].m.fd = planes[p].fd;
			else
				vplanes[p].m.userptr = reinterpret_cast<unsigned long>(planes[p].userptr);
			vplanes[p].length = planes[p].length;
			vplanes[p].data_offset = planes[p].dataOffset;
		}
	} else {
		if (memory_ == V4l2Memory::DmaBuf)
			buf.m.fd = planes[0].fd;
		else
			buf.m.userptr = reinterpret_cast<unsigned long>(planes[0].userptr);
		buf.length = planes[0].length;
	}

	return qbuf(&buf);
}

int V4l2BufferQueue::dequeueBuffer(V4l2DequeuedBuffer *buffer)
{
	if (!buffer)
		return -EINVAL;

	struct v4l2_buffer buf;
	struct v4l2_plane planes[VIDEO_MAX_PLANES];
	initBuffer(&buf, planes, device_.bufferType(), memory_, 0);

	int ret = device_.ioctl(VIDIOC_DQBUF, &buf);
	if (ret < 0) {
		if (ret == -EAGAIN)
			return ret;
		device_.log(LogLevel::Error, "VIDIOC_DQBUF failed: " + errnoString(ret));
		/*
		 * vb2 answers EPIPE once the last buffer (V4L2_BUF_FLAG_LAST)
		 * was dequeued and EIO after a fatal driver error
		 * (vb2_queue_error): either way nothing more comes until the
		 * queue is restarted.
		 */
		if (ret == -EIO || ret == -EPIPE)
			return -EPIPE;
		return ret;
	}

	*buffer = V4l2DequeuedBuffer();
	buffer->index = buf.index;
	buffer->sequence = buf.sequence;
	buffer->flags = buf.flags;
	buffer->timestampNs = static_cast<uint64_t>(buf.timestamp.tv_sec) * 1000000000ull +
			      static_cast<uint64_t>(buf.timestamp.tv_usec) * 1000ull;
	if (device_.isMultiplanar()) {
		buffer->numPlanes = std::min<uint32_t>(buf.length, VIDEO_MAX_PLANES);
		for (uint32_t p = 0; p < buffer->numPlanes; p++) {
			buffer->planes[p].bytesused = planes[p].bytesused;
			buffer->planes[p].dataOffset = planes[p].data_offset;
		}
	} else {
		buffer->numPlanes = 1;
		buffer->planes[0].bytesused = buf.bytesused;
		buffer->planes[0].dataOffset = 0;
	}

	if (buffer->corrupted())
		device_.log(LogLevel::Warn, "buffer " + std::to_string(buf.index) + " sequence " +
						    std::to_string(buf.sequence) + " flagged V4L2_BUF_FLAG_ERROR");
	return 0;
}

int V4l2BufferQueue::streamOn()
{
	int type = static_cast<int>(device_.bufferType());
	int ret = device_.ioctl(VIDIOC_STREAMON, &type);
	if (ret < 0) {
		device_.log(LogLevel::Error, "VIDIOC_STREAMON failed: " + errnoString(ret));
		return ret;
	}
	streaming_ = true;
	device_.log(LogLevel::Debug, "streaming on");
	return 0;
}

int V4l2BufferQueue::streamOff()
{
	int type = static_cast<int>(device_.bufferType());
	int ret = device_.ioctl(VIDIOC_STREAMOFF, &type);
	/* Even when it fails (ENODEV after unplug), nothing streams any more. */
	streaming_ = false;
	if (ret < 0) {
		device_.log(LogLevel::Error, "VIDIOC_STREAMOFF failed: " + errnoString(ret));
		return ret;
	}
	device_.log(LogLevel::Debug, "streaming off");
	return 0;
}

} /* namespace v4l2dmabuf */
