/* SPDX-License-Identifier: MIT */
#include "given_buffers.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <climits>

#include "dmabuf.h"

namespace v4l2dmabuf {

namespace {

class Refusal
{
public:
	explicit Refusal(std::string *why) : why_(why) {}
	int operator()(uint32_t buffer, uint32_t plane, const std::string &reason)
	{
		if (why_)
			*why_ = "buffer " + std::to_string(buffer) + " plane " + std::to_string(plane) +
				": " + reason;
		return -EINVAL;
	}

private:
	std::string *why_;
};

bool fdInRange(int64_t fd)
{
	return fd >= 0 && fd <= INT_MAX;
}

} /* namespace */

GivenFdInfo probeGivenFd(int fd)
{
	GivenFdInfo info;
	if (fd < 0 || fcntl(fd, F_GETFD) < 0)
		return info;
	DmabufInfo dmabuf;
	if (dmabufInfo(fd, &dmabuf) == 0) {
		info.kind = GivenFdInfo::Kind::DmaBuf;
		info.size = dmabuf.size;
		return info;
	}
	struct stat st;
	info.kind = GivenFdInfo::Kind::Other;
	if (fstat(fd, &st) == 0 && st.st_size > 0)
		info.size = uint64_t(st.st_size);
	return info;
}

int validateGivenBuffers(struct spa_buffer *const *buffers, uint32_t n,
			 const std::vector<V4l2PlaneFormat> &planes, const GivenBuffersUse &use,
			 const GivenFdProbe &probe, GivenMemory *memory, std::string *why)
{
	Refusal refuse(why);
	if (memory)
		*memory = GivenMemory::None;
	if (n == 0)
		return 0;
	if (buffers == nullptr)
		return refuse(0, 0, "no buffer array");
	if (planes.empty())
		return refuse(0, 0, "the format has no plane");
	const uint32_t count = uint32_t(planes.size());
	for (uint32_t i = 0; i < n; i++) {
		const struct spa_buffer *b = buffers[i];
		if (b == nullptr)
			return refuse(i, 0, "no buffer");
		if (b->n_datas != count)
			return refuse(i, 0, std::to_string(b->n_datas) + " datas, the format has " +
				      std::to_string(count) + " planes");
		if (b->datas == nullptr)
			return refuse(i, 0, "no datas");
		for (uint32_t p = 0; p < count; p++)
			if (b->datas[p].chunk == nullptr)
				return refuse(i, p, "no chunk");
	}
	if (use.alloc)
		return 0;

	const uint32_t firstType = buffers[0]->datas[0].type;
	GivenMemory kind = GivenMemory::None;
	for (uint32_t i = 0; i < n; i++) {
		for (uint32_t p = 0; p < count; p++) {
			const struct spa_data &d = buffers[i]->datas[p];
			const uint64_t need = planes[p].sizeimage;
			GivenMemory m;
			if (use.convert) {
				if ((d.type != SPA_DATA_MemFd && d.type != SPA_DATA_MemPtr) ||
				    d.type != firstType || d.data == nullptr)
					return refuse(i, p, "convert needs mapped MemFd or MemPtr memory "
						      "like the others (type " + std::to_string(d.type) + ")");
				if (d.maxsize < need)
					return refuse(i, p, std::to_string(d.maxsize) + " bytes, the frame needs " +
						      std::to_string(need));
				continue;
			}
			if (d.type == SPA_DATA_DmaBuf) {
				if (!fdInRange(d.fd))
					return refuse(i, p, "fd " + std::to_string(d.fd) + " out of range");
				GivenFdInfo info = probe(int(d.fd));
				if (info.kind != GivenFdInfo::Kind::DmaBuf)
					return refuse(i, p, "fd " + std::to_string(d.fd) + " is not a DMA-BUF");
				if (d.mapoffset != 0)
					return refuse(i, p, "DMA-BUF at offset " + std::to_string(d.mapoffset) +
						      "; V4L2 capture writes at offset 0");
				if (info.size < need)
					return refuse(i, p, "DMA-BUF of " + std::to_string(info.size) +
						      " bytes, the plane needs " + std::to_string(need));
				m = GivenMemory::DmaBuf;
			} else if (d.type == SPA_DATA_MemPtr || d.type == SPA_DATA_MemFd) {
				if (d.data == nullptr && d.type == SPA_DATA_MemPtr)
					return refuse(i, p, "MemPtr without memory");
				if (d.maxsize < need)
					return refuse(i, p, std::to_string(d.maxsize) + " bytes, the plane needs " +
						      std::to_string(need));
				if (d.data == nullptr) {
					/* The node maps it: the range must lie in the file. */
					if (!fdInRange(d.fd))
						return refuse(i, p, "fd " + std::to_string(d.fd) + " out of range");
					GivenFdInfo info = probe(int(d.fd));
					if (info.kind != GivenFdInfo::Kind::Other)
						return refuse(i, p, "MemFd fd " + std::to_string(d.fd) +
							      (info.kind == GivenFdInfo::Kind::Closed
							       ? " is not open" : " is a DMA-BUF"));
					uint64_t end = uint64_t(d.mapoffset) + d.maxsize;
					if (end > info.size)
						return refuse(i, p, "MemFd range ends at " + std::to_string(end) +
							      ", the file has " + std::to_string(info.size) + " bytes");
				}
				m = GivenMemory::UserPtr;
			} else {
				return refuse(i, p, "data type " + std::to_string(d.type) +
					      " cannot be imported");
			}
			if (kind != GivenMemory::None && m != kind)
				return refuse(i, p, "buffers mix DMA-BUF and memory planes");
			kind = m;
		}
	}
	if (memory)
		*memory = kind;
	return 0;
}

} /* namespace v4l2dmabuf */
