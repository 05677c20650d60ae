/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the DRM allocator that need no DRM device: open() failures,
 * calls on a closed allocator, and no fd leaked on any of these paths.
 */

#include <cerrno>
#include <string>
#include <vector>

#include "catch.h"
#include "drm_allocator.h"
#include "fixtures.h"

using namespace v4l2dmabuf;
using testenv::LayerFixture;

TEST_CASE_METHOD(LayerFixture, "open() of a missing path is -ENOENT, logged with the path", "[drm][unit]")
{
	const std::string path = "/dev/dri/does-not-exist-v4l2dmabuf";
	{
		DrmAllocator alloc;
		alloc.setLogSink(log.sink());
		CHECK(alloc.open(path) == -ENOENT);
		CHECK_FALSE(alloc.isOpen());
		CHECK(alloc.driverName().empty());
	}
	REQUIRE_FALSE(log.errors().empty());
	CHECK(log.errors()[0].rfind(path + ": ", 0) == 0);
}

TEST_CASE_METHOD(LayerFixture, "open() of something that is not a DRM device is -ENODEV", "[drm][unit]")
{
	DrmAllocator alloc;
	alloc.setLogSink(log.sink());
	/* A character device outside /dev/dri/: not even opened (a path
	 * from a client may name a terminal or a hung mount). */
	CHECK(alloc.open("/dev/null") == -ENODEV);
	CHECK_FALSE(alloc.isOpen());
	REQUIRE_FALSE(log.errors().empty());
	CHECK(log.errors()[0].rfind("/dev/null: ", 0) == 0);
	CHECK(log.errors()[0].find("/dev/dri/") != std::string::npos);
	/* Under /dev/dri/ but escaping it. */
	CHECK(alloc.open("/dev/dri/../null") == -ENODEV);
	/* Not a character device at all. */
	CHECK(alloc.open("/proc/self/status") == -ENODEV);
	CHECK(alloc.open("/") == -ENODEV);
}

TEST_CASE_METHOD(LayerFixture, "a closed allocator allocates nothing", "[drm][unit]")
{
	DrmAllocator alloc;
	DrmBuffer buf;
	CHECK(alloc.allocatePlane(640, 640 * 480, &buf) == -EBADF);
	CHECK_FALSE(buf.fd.isValid());
	alloc.close();
	alloc.close();
	DrmAllocator moved(std::move(alloc));
	CHECK_FALSE(moved.isOpen());
}
