/* SPDX-License-Identifier: MIT */
/* CaptureBuffers: planes that come from elsewhere (DMABUF and USERPTR). */
#include "capture_buffers.h"

#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <climits>
#include <cstring>

#include "dmabuf.h"
#include "spa_log_sink.h"

namespace v4l2dmabuf {

int CaptureBuffers::allocateImported(struct spa_buffer **buffers, uint32_t n,
				     const V4l2Format &fmt, const PlaneAllocator &allocator)
{
	std::vector<std::vector<V4l2PoolPlane>> planes(n);
	for (uint32_t i = 0; i < n; i++) {
		for (uint32_t p = 0; p < fmt.planes.size(); p++) {
			V4l2PoolPlane plane;
			int ret = allocator(fmt.planes[p].bytesperline, fmt.planes[p].sizeimage,
					    &plane.owned, &plane.length);
			if (ret < 0) {
				spa_log_error(log_, "%s: the allocator failed for buffer %u plane %u: %s",
					      device_.path().c_str(), i, p, strerror(-ret));
				return ret;
			}
			plane.import.fd = plane.owned.get();
			plane.import.length = plane.length;

			struct spa_data &d = buffers[i]->datas[p];
			d.type = SPA_DATA_DmaBuf;
			d.flags = kMappableDataFlags;
			d.fd = plane.owned.get();
			d.mapoffset = 0;
			d.maxsize = plane.length;
			d.data = nullptr;
			planes[i].push_back(std::move(plane));
		}
	}
	int ret = pool_.importBuffers(V4l2Memory::DmaBuf, std::move(planes));
	if (ret < 0)
		return ret;
	dataType_ = SPA_DATA_DmaBuf;
	return 0;
}

/* Checks one given plane and says how it reaches the driver. */
int CaptureBuffers::importPlane(uint32_t index, uint32_t plane, const struct spa_data &d,
				const V4l2PlaneFormat &fmt, V4l2Memory *memory, V4l2PoolPlane *out)
{
	const char *path = device_.path().c_str();
	V4l2ImportPlane &imp = out->import;

	/* spa_data.fd is 64 bits: a value beyond int would name another fd. */
	if ((d.type == SPA_DATA_DmaBuf || (d.type == SPA_DATA_MemFd && d.data == nullptr)) &&
	    (d.fd < 0 || d.fd > INT_MAX)) {
		spa_log_error(log_, "%s: buffer %u plane %u: fd %" PRId64 " is not a file descriptor",
			      path, index, plane, d.fd);
		return -EINVAL;
	}

	if (d.type == SPA_DATA_DmaBuf) {
		DmabufInfo info;
		int ret = dmabufInfo(int(d.fd), &info);
		if (ret < 0) {
			spa_log_error(log_, "%s: buffer %u plane %u: fd %" PRId64 " is not a DMA-BUF",
				      path, index, plane, d.fd);
			return -EINVAL;
		}
		/* A capture queue writes from the start of the buffer: V4L2 takes
		 * no offset from userspace there (data_offset is the driver's). */
		if (d.mapoffset != 0) {
			spa_log_error(log_, "%s: buffer %u plane %u: DMA-BUF at offset %u; "
				      "V4L2 capture writes at offset 0", path, index, plane, d.mapoffset);
			return -EINVAL;
		}
		if (info.size < fmt.sizeimage) {
			spa_log_error(log_, "%s: buffer %u plane %u: DMA-BUF of %" PRIu64
				      " bytes, the plane needs %u", path, index, plane, info.size,
				      fmt.sizeimage);
			return -EINVAL;
		}
		imp.fd = int(d.fd);
		imp.length = uint32_t(SPA_MIN(info.size, uint64_t(UINT32_MAX)));
		*memory = V4l2Memory::DmaBuf;
	} else if (d.type == SPA_DATA_MemPtr || d.type == SPA_DATA_MemFd) {
		void *data = d.data;
		if (data == nullptr && d.type == SPA_DATA_MemFd) {
			/* Map it ourselves; mmap wants a page-aligned offset. */
			long page = sysconf(_SC_PAGESIZE);
			uint32_t skew = d.mapoffset % page;
			MemoryMap map;
			int ret = map.map(int(d.fd), size_t(d.maxsize) + skew, d.mapoffset - skew,
					  PROT_READ | PROT_WRITE);
			if (ret < 0) {
				spa_log_error(log_, "%s: buffer %u plane %u: cannot map MemFd %" PRId64
					      ": %s", path, index, plane, d.fd, strerror(-ret));
				return -EINVAL;
			}
			data = map.data() + skew;
			out->map = std::move(map);
		}
		if (data == nullptr) {
			spa_log_error(log_, "%s: buffer %u plane %u: no memory", path, index, plane);
			return -EINVAL;
		}
		if (d.maxsize < fmt.sizeimage) {
			spa_log_error(log_, "%s: buffer %u plane %u: %u bytes, the plane needs %u",
				      path, index, plane, d.maxsize, fmt.sizeimage);
			return -EINVAL;
		}
		imp.userptr = data;
		imp.length = d.maxsize;
		*memory = V4l2Memory::UserPtr;
	} else {
		spa_log_error(log_, "%s: buffer %u plane %u: data type %u cannot be imported",
			      path, index, plane, d.type);
		return -EINVAL;
	}
	out->length = imp.length;
	return 0;
}

int CaptureBuffers::importGiven(struct spa_buffer **buffers, uint32_t n, const V4l2Format &fmt,
				const IoPlan &plan)
{
	const char *path = device_.path().c_str();
	V4l2Memory memory = V4l2Memory::Mmap;
	std::vector<std::vector<V4l2PoolPlane>> planes(n);
	for (uint32_t i = 0; i < n; i++) {
		for (uint32_t p = 0; p < fmt.planes.size(); p++) {
			V4l2Memory m;
			V4l2PoolPlane plane;
			int ret = importPlane(i, p, buffers[i]->datas[p], fmt.planes[p], &m, &plane);
			if (ret < 0)
				return ret;
			if (i + p > 0 && m != memory) {
				spa_log_error(log_, "%s: buffers mix DMA-BUF and memory planes", path);
				return -EINVAL;
			}
			memory = m;
			planes[i].push_back(std::move(plane));
		}
	}
	bool supported = memory == V4l2Memory::DmaBuf ? plan.importDmaBuf : plan.importUserPtr;
	if (!supported) {
		spa_log_error(log_, "%s: the driver cannot import %s buffers", path,
			      memoryName(memory));
		return -ENOTSUP;
	}
	int ret = pool_.importBuffers(memory, std::move(planes));
	if (ret < 0)
		return ret;
	/* The host's datas stay as they are: the driver writes into them. */
	dataType_ = buffers[0]->datas[0].type;
	return 0;
}

} /* namespace v4l2dmabuf */
