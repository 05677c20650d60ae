/* SPDX-License-Identifier: MIT */
/*
 * v4l2-dmabuf.enum.udev follows access changes, in the test VM as an
 * unprivileged user (uid/gid 65534, no groups): a root helper forked before
 * the privileges are dropped changes the modes and owners of vivid's nodes
 * (/dev/video0 single-planar capture, /dev/video1 its output, /dev/video4
 * multi-planar capture) and puts them back when the test ends.
 * No udevd here: the monitor uses kernel events and inotify on /dev.
 */

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "catch.h"
#include "fixtures.h"
#include "monitor_host.h"
#include "root_helper.h"
#include "vivid.h"

using testenv::FdLeakCheck;

namespace {

constexpr uid_t kNobody = 65534;
constexpr gid_t kNogroup = 65534;
constexpr uint32_t kCapture = 0;      /* object id of /dev/video0 */
constexpr uint32_t kOutput = 1;       /* /dev/video1: never offered */
constexpr uint32_t kMultiPlanar = 4;  /* /dev/video4 */
constexpr int kDeadlineMs = 2000;     /* what a user waits for at most */

int openError(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

} /* namespace */

/**
 * Proves, with the monitor running as a user:
 * - a capture node the user cannot open (0600 root) is not offered at start,
 *   while an accessible one (0666) is;
 * - chmod 0666 offers it within 2 s (inotify IN_ATTRIB, no udev event);
 * - chmod 0600 withdraws it (object_info NULL) within 2 s, as PipeWire's own
 *   v4l2 monitor does: a device the user cannot open would only fail later;
 * - 0660 root:root is still refused; chown to the user's group offers it
 *   (what udev's GROUP= rules do);
 * - an output node that becomes accessible is probed and still not offered;
 * - the changes of other nodes never withdraw or re-emit /dev/video4.
 */
TEST_CASE_METHOD(FdLeakCheck, "a node the user cannot open is offered once it can be, withdrawn when it cannot",
	  "[monitor][access]")
{
	REQUIRE(getenv("V4L2_DMABUF_IN_VM") != nullptr); /* changes /dev: the test VM only */
	REQUIRE(getuid() == 0);

	RootHelper root;
	REQUIRE(root.running());
	REQUIRE(root.chown(vivid::kSinglePlanar, 0, 0) == 0);
	REQUIRE(root.chmod(vivid::kSinglePlanar, 0600) == 0);
	REQUIRE(root.chmod(vivid::kSinglePlanarOutput, 0600) == 0);
	REQUIRE(root.chmod(vivid::kMultiPlanar, 0666) == 0);

	REQUIRE(dropPrivileges(kNobody, kNogroup) == 0);
	REQUIRE(getuid() == kNobody);
	REQUIRE(openError(vivid::kSinglePlanar) == EACCES); /* the premise */
	REQUIRE(openError(vivid::kMultiPlanar) == 0);

	TestLoop loop;
	REQUIRE(loop.loop() != nullptr);
	MonitorHost monitor(loop);
	REQUIRE(monitor.start() == 0);
	CHECK(monitor.logged("hotplug from kernel events"));
	CHECK_FALSE(monitor.logged("no access tracking"));

	/* Start: video4 offered, video0 not. */
	REQUIRE(monitor.has(kMultiPlanar));
	CHECK(monitor.objects().at(kMultiPlanar).at("api.v4l2.path") == vivid::kMultiPlanar);
	CHECK_FALSE(monitor.has(kCapture));
	CHECK(monitor.eventsFor(kCapture).empty());

	/* Accessible: the output node first, then the capture node. inotify
	 * delivers them in this order, so once video0 is offered video1 was handled. */
	REQUIRE(root.chmod(vivid::kSinglePlanarOutput, 0666) == 0);
	REQUIRE(root.chmod(vivid::kSinglePlanar, 0666) == 0);
	auto t0 = MonitorHost::Clock::now();
	REQUIRE(loop.runUntil([&] { return monitor.has(kCapture); }, kDeadlineMs));
	printf("# access: %s offered %.1f ms after chmod 0666\n", vivid::kSinglePlanar,
	       millis(t0, monitor.eventsFor(kCapture).back().time));
	const MonitorHost::Props offered = monitor.objects().at(kCapture);
	CHECK(offered.at("api.v4l2.path") == vivid::kSinglePlanar);
	CHECK(offered.at("factory.name") == "v4l2-dmabuf.device");
	CHECK(offered.at("api.v4l2.cap.driver") == "vivid");
	CHECK(monitor.eventsFor(kOutput).empty());

	/* Access lost: withdrawn. */
	size_t mark = monitor.events().size();
	REQUIRE(root.chmod(vivid::kSinglePlanar, 0600) == 0);
	t0 = MonitorHost::Clock::now();
	REQUIRE(loop.runUntil([&] { return !monitor.has(kCapture); }, kDeadlineMs));
	auto lost = monitor.eventsFor(kCapture, mark);
	REQUIRE(lost.size() == 1);
	CHECK_FALSE(lost[0].props.has_value());
	printf("# access: %s withdrawn %.1f ms after chmod 0600\n", vivid::kSinglePlanar,
	       millis(t0, lost[0].time));

	/* Group read/write for root's group: still not the user's. */
	mark = monitor.events().size();
	REQUIRE(root.chmod(vivid::kSinglePlanar, 0660) == 0);
	CHECK_FALSE(loop.runUntil([&] { return monitor.has(kCapture); }, 500));

	/* The user's group gets the node: offered again, same properties. */
	REQUIRE(root.chown(vivid::kSinglePlanar, 0, kNogroup) == 0);
	t0 = MonitorHost::Clock::now();
	REQUIRE(loop.runUntil([&] { return monitor.has(kCapture); }, kDeadlineMs));
	auto back = monitor.eventsFor(kCapture, mark);
	REQUIRE(back.size() == 1);
	CHECK(back[0].props == offered);
	printf("# access: %s offered again %.1f ms after chown root:%u (mode 0660)\n",
	       vivid::kSinglePlanar, millis(t0, back[0].time), kNogroup);

	/* Nothing else moved. */
	CHECK(monitor.eventsFor(kMultiPlanar).size() == 1);
	CHECK(monitor.eventsFor(kOutput).empty());
	CHECK(monitor.objects().size() == 2);
}
