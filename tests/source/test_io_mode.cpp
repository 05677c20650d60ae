/* SPDX-License-Identifier: MIT */
#include "catch.h"
#include <spa/buffer/buffer.h>

#include <string>

#include "io_mode.h"

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
	c.canExport = c.canUserPtr = c.canDmaBuf = true;
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
	CHECK(resolveIoMode(IoMode::Auto, vb2Driver(true)) == IoMode::DmaBufImport);
	CHECK(resolveIoMode(IoMode::Auto, vb2Driver(false)) == IoMode::DmaBuf);
	IoCapabilities legacy;
	CHECK(resolveIoMode(IoMode::Auto, legacy) == IoMode::Mmap);
	CHECK(resolveIoMode(IoMode::UserPtr, vb2Driver(true)) == IoMode::UserPtr);
}

TEST_CASE("each method is reachable through a normal PipeWire link", "[io-mode]")
{
	/* PipeWire lets only a port claiming CAN_ALLOC_BUFFERS allocate. */
	CHECK(ioModeAllocates(IoMode::DmaBuf, vb2Driver(false)));
	CHECK(ioModeAllocates(IoMode::Mmap, vb2Driver(false)));
	CHECK(ioModeAllocates(IoMode::DmaBufImport, vb2Driver(true)));
	CHECK_FALSE(ioModeAllocates(IoMode::DmaBufImport, vb2Driver(false)));
	CHECK_FALSE(ioModeAllocates(IoMode::UserPtr, vb2Driver(true)));
	CHECK(ioModeAllocates(IoMode::Auto, vb2Driver(true)));

	CHECK(ioModeDataTypes(IoMode::DmaBuf, vb2Driver(false)) ==
	      (bit(SPA_DATA_DmaBuf) | bit(SPA_DATA_MemFd) | bit(SPA_DATA_MemPtr)));
	CHECK(ioModeDataTypes(IoMode::DmaBufImport, vb2Driver(true)) == bit(SPA_DATA_DmaBuf));
	CHECK(ioModeDataTypes(IoMode::Auto, vb2Driver(true)) == bit(SPA_DATA_DmaBuf));
	CHECK(ioModeDataTypes(IoMode::UserPtr, vb2Driver(false)) ==
	      (bit(SPA_DATA_MemFd) | bit(SPA_DATA_MemPtr)));
	/* mmap never says DmaBuf; its fd is offered as MemFd only when exportable. */
	CHECK((ioModeDataTypes(IoMode::Mmap, vb2Driver(false)) & bit(SPA_DATA_DmaBuf)) == 0);
	CHECK(ioModeDataTypes(IoMode::Mmap, IoCapabilities{}) == bit(SPA_DATA_MemPtr));
}

TEST_CASE("convert never offers DmaBuf and never allocates", "[io-mode]")
{
	/* Converted frames are copied into the consumer's shared memory. */
	CHECK(resolveIoMode(IoMode::Convert, vb2Driver(true)) == IoMode::Convert);
	CHECK_FALSE(ioModeAllocates(IoMode::Convert, vb2Driver(true)));
	CHECK(ioModeDataTypes(IoMode::Convert, vb2Driver(true)) ==
	      (bit(SPA_DATA_MemFd) | bit(SPA_DATA_MemPtr)));
}
