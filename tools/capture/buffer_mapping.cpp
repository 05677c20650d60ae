/* SPDX-License-Identifier: MIT */
#include "buffer_mapping.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>

#include <linux/dma-buf.h>

namespace v4l2dmabuf::capture {

namespace {

int syncIoctl(int fd, uint64_t flags)
{
	dma_buf_sync sync{};
	sync.flags = flags;
	int ret;
	do {
		ret = ioctl(fd, DMA_BUF_IOCTL_SYNC, &sync);
	} while (ret < 0 && (errno == EINTR || errno == EAGAIN));
	return ret < 0 ? -errno : 0;
}

void mapFd(const spa_data &d, MappedPlane *p)
{
	size_t size = d.maxsize;
	if (size == 0 && d.type == SPA_DATA_DmaBuf) {
		/* dma-buf.dox: maxsize may be 0; a DMA-BUF's size is its seek end. */
		off_t end = lseek(int(d.fd), 0, SEEK_END);
		if (end < 0) {
			p->error = -errno;
			return;
		}
		size = end > off_t(d.mapoffset) ? size_t(end) - d.mapoffset : 0;
	}
	if (size == 0) {
		p->error = -EINVAL;
		return;
	}

	/* mmap() wants a page-aligned offset: map from the page start. */
	long page = sysconf(_SC_PAGESIZE);
	off_t aligned = off_t(d.mapoffset) & ~off_t(page - 1);
	size_t delta = d.mapoffset - size_t(aligned);
	int ret = p->map.map(int(d.fd), size + delta, aligned, PROT_READ);
	if (ret < 0) {
		p->error = ret;
		return;
	}
	p->data = p->map.data() + delta;
	p->size = size;
}

} /* namespace */

unsigned MappedBuffer::failures() const
{
	unsigned n = 0;
	for (const MappedPlane &p : planes)
		n += p.error != 0;
	return n;
}

MappedBuffer mapBuffer(const spa_buffer &buffer)
{
	MappedBuffer mapped;
	mapped.planes.resize(buffer.n_datas);
	for (uint32_t i = 0; i < buffer.n_datas; i++) {
		const spa_data &d = buffer.datas[i];
		MappedPlane &p = mapped.planes[i];
		p.type = d.type;
		switch (d.type) {
		case SPA_DATA_DmaBuf:
		case SPA_DATA_MemFd:
			p.fd = int(d.fd);
			p.exporter = dmabufExporter(p.fd);
			mapFd(d, &p);
			break;
		case SPA_DATA_MemPtr:
			if (d.data) {
				p.data = static_cast<const uint8_t *>(d.data);
				p.size = d.maxsize;
			} else {
				p.error = -EINVAL;
			}
			break;
		default:
			p.error = -ENOTSUP;
			break;
		}
	}
	return mapped;
}

DmaBufReadSync::DmaBufReadSync(int fd) : fd_(fd)
{
	if (fd_ >= 0)
		status_ = syncIoctl(fd_, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ);
}

DmaBufReadSync::~DmaBufReadSync()
{
	end();
}

int DmaBufReadSync::end()
{
	if (fd_ < 0 || ended_ || status_ < 0)
		return 0;
	ended_ = true;
	return syncIoctl(fd_, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ);
}

} /* namespace v4l2dmabuf::capture */
