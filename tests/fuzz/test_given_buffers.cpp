/* SPDX-License-Identifier: MIT */
/* validateGivenBuffers() (spa/support/given_buffers.h) with a fake fd probe. */
#include "catch.h"

#include <sys/mman.h>
#include <unistd.h>

#include <climits>
#include <string>
#include <vector>

#include "given_buffers.h"

using namespace v4l2dmabuf;

namespace {

/* fd 10: a DMA-BUF of 1 MiB; fd 11: a memfd of 1 MiB; others closed. */
GivenFdInfo fakeProbe(int fd)
{
	GivenFdInfo info;
	if (fd == 10)
		info = {GivenFdInfo::Kind::DmaBuf, 1 << 20};
	else if (fd == 11)
		info = {GivenFdInfo::Kind::Other, 1 << 20};
	return info;
}

struct Given {
	std::vector<struct spa_chunk> chunks;
	std::vector<struct spa_data> datas;
	struct spa_buffer buffer = {};
	struct spa_buffer *list[1] = {&buffer};

	explicit Given(uint32_t planes, uint32_t type, int64_t fd, uint32_t maxsize)
		: chunks(planes), datas(planes)
	{
		for (uint32_t p = 0; p < planes; p++) {
			datas[p].type = type;
			datas[p].fd = fd;
			datas[p].maxsize = maxsize;
			datas[p].chunk = &chunks[p];
		}
		buffer.n_datas = planes;
		buffer.datas = datas.data();
	}
	int check(const std::vector<V4l2PlaneFormat> &planes, GivenBuffersUse use = {},
		  GivenMemory *memory = nullptr, std::string *why = nullptr)
	{
		return validateGivenBuffers(list, 1, planes, use, fakeProbe, memory, why);
	}
};

const std::vector<V4l2PlaneFormat> kNv12m = {{640, 640 * 480}, {640, 640 * 240}};

} /* namespace */

TEST_CASE("given DMA-BUFs are checked before any QBUF", "[given_buffers]")
{
	GivenMemory memory;
	Given ok(2, SPA_DATA_DmaBuf, 10, 0);
	CHECK(ok.check(kNv12m, {}, &memory) == 0);
	CHECK(memory == GivenMemory::DmaBuf);

	std::string why;
	Given closed(2, SPA_DATA_DmaBuf, 12, 0);
	CHECK(closed.check(kNv12m, {}, nullptr, &why) == -EINVAL);
	CHECK(why.find("not a DMA-BUF") != std::string::npos);
	/* int(fd) of 2^32 + 10 is 10: CaptureBuffers::importPlane() would take it. */
	Given truncated(2, SPA_DATA_DmaBuf, (int64_t(1) << 32) + 10, 0);
	CHECK(truncated.check(kNv12m) == -EINVAL);
	Given negative(2, SPA_DATA_DmaBuf, -1, 0);
	CHECK(negative.check(kNv12m) == -EINVAL);
	Given offset(2, SPA_DATA_DmaBuf, 10, 0);
	offset.datas[1].mapoffset = 4096;
	CHECK(offset.check(kNv12m) == -EINVAL);
	CHECK(ok.check({{8192, 2u << 20}, {8192, 1 << 20}}) == -EINVAL); /* too small */
}

TEST_CASE("given memory: sizes, mapped ranges, one memory kind", "[given_buffers]")
{
	GivenMemory memory;
	Given memfd(2, SPA_DATA_MemFd, 11, 640 * 480);
	CHECK(memfd.check(kNv12m, {}, &memory) == 0);
	CHECK(memory == GivenMemory::UserPtr);
	/* mapoffset + maxsize past the file (CaptureBuffers adds them in 32 bits). */
	memfd.datas[0].mapoffset = 4095;
	memfd.datas[0].maxsize = UINT32_MAX;
	CHECK(memfd.check(kNv12m) == -EINVAL);

	Given memptr(2, SPA_DATA_MemPtr, -1, 640 * 480);
	CHECK(memptr.check(kNv12m) == -EINVAL); /* no data */
	static uint8_t storage[16];
	memptr.datas[0].data = memptr.datas[1].data = storage;
	CHECK(memptr.check(kNv12m) == 0);
	memptr.datas[1].maxsize = 100;
	CHECK(memptr.check(kNv12m) == -EINVAL);

	Given mixed(2, SPA_DATA_DmaBuf, 10, 640 * 480);
	mixed.datas[1].type = SPA_DATA_MemFd;
	mixed.datas[1].fd = 11;
	CHECK(mixed.check(kNv12m) == -EINVAL);
	Given other(2, SPA_DATA_MemId, 10, 640 * 480);
	CHECK(other.check(kNv12m) == -EINVAL);
}

TEST_CASE("given buffers: structure, ALLOC and convert", "[given_buffers]")
{
	Given one(1, SPA_DATA_DmaBuf, 10, 0);
	CHECK(one.check(kNv12m) == -EINVAL); /* 1 data, 2 planes */
	Given nochunk(2, SPA_DATA_DmaBuf, 10, 0);
	nochunk.datas[1].chunk = nullptr;
	CHECK(nochunk.check(kNv12m) == -EINVAL);
	GivenBuffersUse alloc;
	alloc.alloc = true;
	Given mask(2, (1u << SPA_DATA_DmaBuf) | (1u << SPA_DATA_MemFd), -1, 0);
	CHECK(mask.check(kNv12m, alloc) == 0);
	CHECK(validateGivenBuffers(nullptr, 1, kNv12m, {}, fakeProbe, nullptr, nullptr) == -EINVAL);
	struct spa_buffer *none[1] = {nullptr};
	CHECK(validateGivenBuffers(none, 1, kNv12m, {}, fakeProbe, nullptr, nullptr) == -EINVAL);
	CHECK(mask.check({}) == -EINVAL);

	GivenBuffersUse convert;
	convert.convert = true;
	static uint8_t storage[16];
	Given mapped(2, SPA_DATA_MemFd, 11, 640 * 480);
	CHECK(mapped.check(kNv12m, convert) == -EINVAL); /* not mapped */
	mapped.datas[0].data = mapped.datas[1].data = storage;
	CHECK(mapped.check(kNv12m, convert) == 0);
	mapped.datas[1].type = SPA_DATA_MemPtr;
	CHECK(mapped.check(kNv12m, convert) == -EINVAL);
}

TEST_CASE("probeGivenFd tells a memfd, a closed fd and a pipe apart", "[given_buffers]")
{
	int fd = memfd_create("given", MFD_CLOEXEC);
	REQUIRE(fd >= 0);
	REQUIRE(ftruncate(fd, 8192) == 0);
	GivenFdInfo info = probeGivenFd(fd);
	CHECK(info.kind == GivenFdInfo::Kind::Other);
	CHECK(info.size == 8192);
	close(fd);
	CHECK(probeGivenFd(fd).kind == GivenFdInfo::Kind::Closed);
	CHECK(probeGivenFd(-1).kind == GivenFdInfo::Kind::Closed);
	CHECK(probeGivenFd(INT_MAX).kind == GivenFdInfo::Kind::Closed);
}
