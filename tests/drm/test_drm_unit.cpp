/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the DRM allocator that need no DRM device: open() failures,
 * calls on a closed allocator, and no fd leaked on any of these paths.
 */

#include "catch.h"

#include <cerrno>
#include <string>
#include <vector>

#include "drm_allocator.h"
#include "fd_helpers.h"

using namespace v4l2dmabuf;
using fdcheck::countOpenFds;

namespace {

/* Collects error messages from the allocator's sink. */
struct Messages {
	std::vector<std::string> errors;
	LogSink sink()
	{
		return [this](LogLevel level, const std::string &msg) {
			if (level == LogLevel::Error)
				errors.push_back(msg);
		};
	}
};

} /* namespace */

TEST_CASE("open() of a missing path is -ENOENT, logged with the path", "[drm][unit]")
{
	const std::string path = "/dev/dri/does-not-exist-v4l2dmabuf";
	int before = countOpenFds();
	Messages messages;
	{
		DrmAllocator alloc;
		alloc.setLogSink(messages.sink());
		CHECK(alloc.open(path) == -ENOENT);
		CHECK_FALSE(alloc.isOpen());
		CHECK(alloc.driverName().empty());
	}
	REQUIRE_FALSE(messages.errors.empty());
	CHECK(messages.errors[0].rfind(path + ": ", 0) == 0);
	CHECK(countOpenFds() == before);
}

TEST_CASE("open() of something that is not a DRM device is -ENODEV", "[drm][unit]")
{
	int before = countOpenFds();
	{
		Messages messages;
		DrmAllocator alloc;
		alloc.setLogSink(messages.sink());
		/* A character device: drmGetVersion() fails on it. */
		CHECK(alloc.open("/dev/null") == -ENODEV);
		CHECK_FALSE(alloc.isOpen());
		REQUIRE_FALSE(messages.errors.empty());
		CHECK(messages.errors[0].rfind("/dev/null: ", 0) == 0);
		CHECK(messages.errors[0].find("drmGetVersion") != std::string::npos);
		/* Not a character device at all. */
		CHECK(alloc.open("/proc/self/status") == -ENODEV);
		CHECK(alloc.open("/") == -ENODEV);
	}
	CHECK(countOpenFds() == before);
}

TEST_CASE("a closed allocator allocates nothing", "[drm][unit]")
{
	int before = countOpenFds();
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
	CHECK(countOpenFds() == before);
}
