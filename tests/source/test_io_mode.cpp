/* SPDX-License-Identifier: MIT */
#include "catch.h"
#include <spa/buffer/buffer.h>

#include <string>

#include "io_plan.h"

using namespace v4l2dmabuf;

namespace {

constexpr uint32_t bit(uint32_t t)
{
	return 1u << t;
}

IoCapabilities vb2Driver(bool allocator)
{
	IoCapabilities c;
	c.haveAllocator = allocator;
	c.canMmap = c.canExport = c.canUserPtr = c.canDmaBuf = true;
	return c;
}

} /* namespace */

TEST_CASE("io-mode names round-trip and unknown names are refused", "[io-mode]")
{
	for (IoMode m : {IoMode::Auto, IoMode::DmaBuf, IoMode::Mmap, IoMode::DmaBufImport,
			 IoMode::UserPtr, IoMode::Convert}) {
		IoMode parsed = IoMode::Auto;
		REQUIRE(parseIoMode(ioModeName(m), &parsed));
		CHECK(parsed == m);
	}
	IoMode m = IoMode::Mmap;
	CHECK_FALSE(parseIoMode("dma-buf", &m));
	CHECK_FALSE(parseIoMode("", &m));
	CHECK(m == IoMode::Mmap);
	CHECK(std::string(ioModeName(IoMode::DmaBufImport)) == "dmabuf-import");
}

TEST_CASE("auto picks import with an allocator, export where EXPBUF works, else mmap", "[io-mode]")
{
	CHECK(planIo(IoMode::Auto, vb2Driver(true)).mode == IoMode::DmaBufImport);
	CHECK(planIo(IoMode::Auto, vb2Driver(false)).mode == IoMode::DmaBuf);
	IoCapabilities legacy;
	CHECK(planIo(IoMode::Auto, legacy).mode == IoMode::Mmap);
	CHECK(planIo(IoMode::UserPtr, vb2Driver(true)).mode == IoMode::UserPtr);
}

TEST_CASE("each method is reachable through a normal PipeWire link", "[io-mode]")
{
	/* PipeWire lets only a port claiming CAN_ALLOC_BUFFERS allocate. */
	CHECK(planIo(IoMode::DmaBuf, vb2Driver(false)).canAllocate);
	CHECK(planIo(IoMode::Mmap, vb2Driver(false)).canAllocate);
	CHECK(planIo(IoMode::DmaBufImport, vb2Driver(true)).canAllocate);
	CHECK_FALSE(planIo(IoMode::DmaBufImport, vb2Driver(false)).canAllocate);
	CHECK_FALSE(planIo(IoMode::UserPtr, vb2Driver(true)).canAllocate);
	CHECK(planIo(IoMode::Auto, vb2Driver(true)).canAllocate);

	CHECK(planIo(IoMode::DmaBuf, vb2Driver(false)).dataTypes ==
	      (bit(SPA_DATA_DmaBuf) | bit(SPA_DATA_MemFd) | bit(SPA_DATA_MemPtr)));
	CHECK(planIo(IoMode::DmaBufImport, vb2Driver(true)).dataTypes == bit(SPA_DATA_DmaBuf));
	CHECK(planIo(IoMode::Auto, vb2Driver(true)).dataTypes == bit(SPA_DATA_DmaBuf));
	CHECK(planIo(IoMode::UserPtr, vb2Driver(false)).dataTypes ==
	      (bit(SPA_DATA_MemFd) | bit(SPA_DATA_MemPtr)));
	/* mmap never says DmaBuf; its fd is offered as MemFd only when exportable. */
	CHECK((planIo(IoMode::Mmap, vb2Driver(false)).dataTypes & bit(SPA_DATA_DmaBuf)) == 0);
	CHECK(planIo(IoMode::Mmap, IoCapabilities{}).dataTypes == bit(SPA_DATA_MemPtr));
}

TEST_CASE("the plan says how allocated buffers reach the driver and what it lacks", "[io-mode]")
{
	CHECK(planIo(IoMode::DmaBufImport, vb2Driver(true)).memory == V4l2Memory::DmaBuf);
	CHECK(planIo(IoMode::DmaBufImport, vb2Driver(true)).useAllocator);
	CHECK_FALSE(planIo(IoMode::DmaBuf, vb2Driver(true)).useAllocator);
	CHECK(planIo(IoMode::DmaBuf, vb2Driver(false)).memory == V4l2Memory::Mmap);
	IoCapabilities mmapOnly;
	mmapOnly.canMmap = true;
	CHECK_FALSE(planIo(IoMode::UserPtr, mmapOnly).supported);
	CHECK_FALSE(planIo(IoMode::DmaBufImport, mmapOnly).supported);
	CHECK(planIo(IoMode::Mmap, mmapOnly).supported);
	CHECK_FALSE(planIo(IoMode::Mmap, IoCapabilities{}).supported);
}

TEST_CASE("the queue's capability bits become the plan's facts", "[io-mode]")
{
	V4l2BufferCounts vb2;
	vb2.capabilities = V4L2_BUF_CAP_SUPPORTS_MMAP | V4L2_BUF_CAP_SUPPORTS_DMABUF;
	IoCapabilities c = IoCapabilities::fromQueue(vb2, false, false);
	CHECK(c.canMmap);
	CHECK(c.canExport);
	CHECK(c.canDmaBuf);
	CHECK_FALSE(c.canUserPtr);
	/* Through libv4l2 nothing is exported; a driver before the bits is MMAP only. */
	CHECK_FALSE(IoCapabilities::fromQueue(vb2, false, true).canExport);
	IoCapabilities old = IoCapabilities::fromQueue(V4l2BufferCounts{}, false, false);
	CHECK(old.canMmap);
	CHECK_FALSE(old.canExport);
	CHECK_FALSE(old.canDmaBuf);
}

TEST_CASE("convert never offers DmaBuf and never allocates", "[io-mode]")
{
	/* Converted frames are copied into the consumer's shared memory. */
	CHECK(planIo(IoMode::Convert, vb2Driver(true)).mode == IoMode::Convert);
	CHECK_FALSE(planIo(IoMode::Convert, vb2Driver(true)).canAllocate);
	CHECK(planIo(IoMode::Convert, vb2Driver(true)).dataTypes ==
	      (bit(SPA_DATA_MemFd) | bit(SPA_DATA_MemPtr)));
	CHECK(planIo(IoMode::Convert, vb2Driver(true)).convert);
}
