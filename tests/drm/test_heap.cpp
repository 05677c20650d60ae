/* SPDX-License-Identifier: MIT */
/*
 * The DMA-heap allocator (heap/): which paths it refuses, anywhere; in the
 * test VM, DMA-BUFs from /dev/dma_heap/system (built into trixie's 6.12
 * kernel; bookworm's 6.1 has no heap, which is checked as such: a clear
 * -ENOENT, not a skip).
 */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#include "catch.h"
#include "dmabuf.h"
#include "fd_helpers.h"
#include "heap_allocator.h"
#include "log_capture.h"

using namespace v4l2dmabuf;

namespace {

constexpr char kSystemHeap[] = "/dev/dma_heap/system";

bool inVm() { return getenv("V4L2_DMABUF_IN_VM") != nullptr; }

} /* namespace */

TEST_CASE("only character devices directly under /dev/dma_heap/ are opened", "[heap]")
{
	testenv::LogCapture log("heap");
	DmaHeapAllocator heap;
	heap.setLogSink(log.sink());
	int fds = fdcheck::countOpenFds();

	CHECK(DmaHeapAllocator::isHeapPath(kSystemHeap));
	CHECK_FALSE(DmaHeapAllocator::isHeapPath("/dev/dri/card0"));
	for (const char *bad : {"/dev/null", "/dev/dma_heap/", "/dev/dma_heap/../null",
				"/dev/dma_heap/..", "/dev/dma_heap/a/b", "/tmp/dma_heap/system"}) {
		INFO(bad);
		log.clear();
		CHECK(heap.open(bad) == -ENODEV);
		CHECK_FALSE(heap.isOpen());
		CHECK(log.errors().size() == 1);
	}
	log.clear();
	CHECK(heap.open("/dev/dma_heap/no-such-heap") == -ENOENT);
	CHECK(log.errors().size() == 1);
	CHECK(fdcheck::countOpenFds() == fds);

	UniqueFd fd;
	uint32_t size = 0;
	CHECK(heap.allocatePlane(4096, &fd, &size) == -EBADF);
}

TEST_CASE("DMA-BUFs from the system heap, or a clear error where the kernel has none", "[heap]")
{
	if (!inVm()) {
		SUCCEED("the heap's allocations are checked in the test VM (vm-heap-allocator)");
		return;
	}
	testenv::LogCapture log("heap");
	DmaHeapAllocator heap;
	heap.setLogSink(log.sink());
	int fds = fdcheck::countOpenFds();
	struct stat st;
	bool present = stat(kSystemHeap, &st) == 0;
	struct utsname u;
	uname(&u);
	INFO("kernel " << u.release);

	if (!present) {
		/* Debian's 6.1 builds no heap (CONFIG_DMABUF_HEAPS off): expected there only. */
		CHECK(std::string(u.release).rfind("6.1.", 0) == 0);
		CHECK(heap.open(kSystemHeap) == -ENOENT);
		CHECK(log.errors().size() == 1);
		CHECK(fdcheck::countOpenFds() == fds);
		return;
	}
	REQUIRE(S_ISCHR(st.st_mode));
	REQUIRE(heap.open(kSystemHeap) == 0);
	CHECK(log.errors().empty());

	/* A YUYV 320x180 plane, not a whole number of pages: rounded up. */
	UniqueFd fd;
	uint32_t size = 0;
	REQUIRE(heap.allocatePlane(115200, &fd, &size) == 0);
	CHECK(size == 118784);
	DmabufInfo info;
	REQUIRE(dmabufInfo(fd.get(), &info) == 0);
	CHECK(info.exporter == "system");
	CHECK(info.size == size);
	CHECK((fcntl(fd.get(), F_GETFD) & FD_CLOEXEC) != 0);
	CHECK((fcntl(fd.get(), F_GETFL) & O_ACCMODE) == O_RDWR);

	void *map = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd.get(), 0);
	REQUIRE(map != MAP_FAILED);
	memset(map, 0xa5, size);
	CHECK(static_cast<unsigned char *>(map)[size - 1] == 0xa5);
	munmap(map, size);

	CHECK(heap.allocatePlane(0, &fd, &size) == -EINVAL);
	heap.close();
	fd.reset();
	CHECK(fdcheck::countOpenFds() == fds);
}
