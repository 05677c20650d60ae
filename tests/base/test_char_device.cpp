/* SPDX-License-Identifier: MIT */
/*
 * openCharDevice() (base/char_device.h) on the host's own nodes: /dev/null
 * (character device, major 1), a FIFO and a regular file in a scratch
 * directory. No V4L2 or DRM device is needed.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string>

#include "catch.h"
#include "char_device.h"
#include "fd_helpers.h"

using namespace v4l2dmabuf;

namespace {

constexpr int kMemMajor = 1; /* /dev/null, Documentation/admin-guide/devices.txt */

/* A scratch directory with a FIFO and a regular file, removed at the end. */
struct Scratch {
	std::string dir;
	Scratch()
	{
		char tmpl[] = "/tmp/char-device-XXXXXX";
		REQUIRE(mkdtemp(tmpl) != nullptr);
		dir = tmpl;
		REQUIRE(mkfifo((dir + "/fifo").c_str(), 0600) == 0);
		int fd = ::open((dir + "/file").c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
		REQUIRE(fd >= 0);
		::close(fd);
	}
	~Scratch()
	{
		unlink((dir + "/fifo").c_str());
		unlink((dir + "/file").c_str());
		rmdir(dir.c_str());
	}
};

} /* namespace */

TEST_CASE("openCharDevice opens a character device of the rule's major, close-on-exec", "[base][unit]")
{
	const int before = fdcheck::countOpenFds();
	{
		UniqueFd fd;
		CharDeviceRefusal why = CharDeviceRefusal::Path;
		REQUIRE(openCharDevice("/dev/null", {"/dev/", false, kMemMajor, O_RDWR}, &fd, &why) == 0);
		CHECK(why == CharDeviceRefusal::None);
		REQUIRE(fd.isValid());
		CHECK((fcntl(fd.get(), F_GETFD) & FD_CLOEXEC) != 0);
		CHECK((fcntl(fd.get(), F_GETFL) & O_ACCMODE) == O_RDWR);
		/* Any major when the rule names none. */
		UniqueFd any;
		CHECK(openCharDevice("/dev/null", {"/dev/", false, -1, O_RDONLY}, &any) == 0);
		CHECK(any.isValid());
	}
	CHECK(fdcheck::countOpenFds() == before);
}

TEST_CASE("openCharDevice refuses paths outside its directory without opening them", "[base][unit]")
{
	const CharDeviceRule rule{"/dev/", false, kMemMajor, O_RDWR};
	const char *const paths[] = {"/proc/self/status", "/dev/../proc/self/status", "/dev/", "/dev/.",
				     "/dev/..", "/dev/null/..", "relative/null", "", "/devnull"};
	const int before = fdcheck::countOpenFds();
	for (const char *path : paths) {
		INFO(path);
		UniqueFd fd;
		CharDeviceRefusal why = CharDeviceRefusal::None;
		CHECK(openCharDevice(path, rule, &fd, &why) == -ENODEV);
		CHECK(why == CharDeviceRefusal::Path);
		CHECK_FALSE(fd.isValid());
	}
	/* Direct children only: a subdirectory is refused before any stat(). */
	UniqueFd fd;
	CharDeviceRefusal why = CharDeviceRefusal::None;
	CHECK(openCharDevice("/dev/shm/x", {"/dev/", true, -1, O_RDONLY}, &fd, &why) == -ENODEV);
	CHECK(why == CharDeviceRefusal::Path);
	CHECK(fdcheck::countOpenFds() == before);
}

TEST_CASE("openCharDevice refuses another major, a FIFO and a file, and says why", "[base][unit]")
{
	Scratch scratch;
	const std::string dir = scratch.dir + "/";
	const int before = fdcheck::countOpenFds();
	UniqueFd fd;
	CharDeviceRefusal why = CharDeviceRefusal::None;

	CHECK(openCharDevice("/dev/null", {"/dev/", false, 81, O_RDWR}, &fd, &why) == -ENODEV);
	CHECK(why == CharDeviceRefusal::Major);

	/* O_RDONLY without O_NONBLOCK: opening the FIFO would block until a
	 * writer came. The stat() before open() keeps this test from hanging. */
	CHECK(openCharDevice(dir + "fifo", {dir.c_str(), true, -1, O_RDONLY}, &fd, &why) == -ENODEV);
	CHECK(why == CharDeviceRefusal::NotChar);

	CHECK(openCharDevice(dir + "file", {dir.c_str(), true, -1, O_RDONLY}, &fd, &why) == -ENODEV);
	CHECK(why == CharDeviceRefusal::NotChar);

	CHECK(openCharDevice(dir + "missing", {dir.c_str(), true, -1, O_RDONLY}, &fd, &why) == -ENOENT);
	CHECK(why == CharDeviceRefusal::Open);

	CHECK_FALSE(fd.isValid());
	CHECK(fdcheck::countOpenFds() == before);
}
