/* SPDX-License-Identifier: MIT */
#pragma once

/* Helpers of the node tests: client Formats, POD access, pixel reads. */

#include <linux/dma-buf.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <spa/param/video/format-utils.h>
#include <spa/pod/builder.h>

#include <vector>

#include "catch.h"
#include "fd_helpers.h"
#include "v4l2-dmabuf/keys.h"
#include "node_fixture.h"
#include "node_host.h"
#include "vivid.h"

using fdcheck::dmabufExporter;
using testenv::deviceProps;
using testenv::kFactory;
using testenv::NodeFixture;

namespace {

/* The counts of these tests are taken while a host's data loop lives, which
 * on PipeWire 1.x holds an eventfd from the first start() on (see
 * fdcheck::countOpenFdsButEventfds); the fixture's own check, after the
 * hosts are gone, counts every fd. */
inline int countOpenFds()
{
	return fdcheck::countOpenFdsButEventfds();
}

/* A client's fixed Format: raw video, optional memory plane count and rate. */
inline struct spa_pod *rawFormat(struct spa_pod_builder *b, uint32_t spaFormat, uint32_t w, uint32_t h,
			  int planes, uint32_t fps)
{
	struct spa_pod_frame f;
	struct spa_rectangle size = SPA_RECTANGLE(w, h);
	struct spa_fraction rate = SPA_FRACTION(fps, 1);
	spa_pod_builder_push_object(b, &f, SPA_TYPE_OBJECT_Format, SPA_PARAM_Format);
	spa_pod_builder_add(b, SPA_FORMAT_mediaType, SPA_POD_Id(SPA_MEDIA_TYPE_video),
			    SPA_FORMAT_mediaSubtype, SPA_POD_Id(SPA_MEDIA_SUBTYPE_raw),
			    SPA_FORMAT_VIDEO_format, SPA_POD_Id(spaFormat),
			    SPA_FORMAT_VIDEO_size, SPA_POD_Rectangle(&size), 0);
	if (fps)
		spa_pod_builder_add(b, SPA_FORMAT_VIDEO_framerate, SPA_POD_Fraction(&rate), 0);
	if (planes)
		spa_pod_builder_add(b, V4L2_DMABUF_FORMAT_VIDEO_memoryPlanes, SPA_POD_Int(planes), 0);
	return static_cast<struct spa_pod *>(spa_pod_builder_pop(b, &f));
}

/* Shared memory as PipeWire makes it for a link: a memfd, mapped. */
struct SharedMemory {
	int fd = -1;
	void *data = MAP_FAILED;
	size_t size = 0;
	explicit SharedMemory(size_t bytes) : size(bytes)
	{
		fd = memfd_create("node-test", MFD_CLOEXEC);
		if (fd >= 0 && ftruncate(fd, off_t(bytes)) == 0)
			data = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	}
	~SharedMemory()
	{
		if (data != MAP_FAILED)
			munmap(data, size);
		if (fd >= 0)
			close(fd);
	}
};

inline const struct spa_pod *asPod(const std::vector<uint8_t> &bytes)
{
	return reinterpret_cast<const struct spa_pod *>(bytes.data());
}

constexpr uint32_t bit(uint32_t type)
{
	return 1u << type;
}

/* Reads one DMA-BUF plane with the CPU, bracketed by DMA_BUF_IOCTL_SYNC. */
inline double dmabufMean(const struct spa_data &d, uint32_t stride, uint32_t lineBytes, uint32_t lines,
		  uint32_t first, uint32_t step)
{
	void *p = mmap(nullptr, d.maxsize, PROT_READ, MAP_SHARED, int(d.fd), d.mapoffset);
	if (p == MAP_FAILED)
		return -1.0;
	struct dma_buf_sync sync = {DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ};
	ioctl(int(d.fd), DMA_BUF_IOCTL_SYNC, &sync);
	double mean = vivid::meanBytes(static_cast<uint8_t *>(p) + d.chunk->offset, stride,
				       lineBytes, lines, first, step);
	sync.flags = DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ;
	ioctl(int(d.fd), DMA_BUF_IOCTL_SYNC, &sync);
	munmap(p, d.maxsize);
	return mean;
}

/*
 * Sequence numbers increase, timestamps are set, and no buffer is handed
 * out twice in a row. vivid itself can repeat a sequence number (and the
 * timestamp made from it) in another buffer when its thread runs late: it
 * derives the frame count from jiffies since the start, rounded to the
 * nearest frame (vivid-kthread-cap.c), so two ticks close together get the
 * same count (seen on 6.12 in a starved guest: "6 > 6", twice in one run).
 * The same number in the same buffer would be the node handing one frame
 * out twice.
 */
inline void checkFrames(const std::vector<NodeHost::Frame> &frames)
{
	for (size_t i = 0; i < frames.size(); i++) {
		CHECK(frames[i].pts > 0);
		CHECK((frames[i].headerFlags & SPA_META_HEADER_FLAG_CORRUPTED) == 0);
		if (i == 0)
			continue;
		INFO("frame " << i << ": buffer " << frames[i].bufferId << " seq " << frames[i].seq
			      << ", before it buffer " << frames[i - 1].bufferId << " seq " << frames[i - 1].seq);
		CHECK(frames[i].seq >= frames[i - 1].seq);
		if (frames[i].seq == frames[i - 1].seq)
			CHECK(frames[i].bufferId != frames[i - 1].bufferId);
	}
}

} /* namespace */
