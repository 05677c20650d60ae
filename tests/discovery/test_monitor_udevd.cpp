/* SPDX-License-Identifier: MIT */
/*
 * v4l2-dmabuf.enum.udev with systemd-udevd running, in the test VM under
 * tests/discovery/with-udevd (udevd started, video4linux devices
 * triggered and settled). vivid is one platform device, vivid.0, with both
 * capture nodes (/dev/video0 single-planar, /dev/video4 multi-planar):
 * unbinding it removes every node, binding it adds them back.
 *
 * Two monitors share the loop: one as WirePlumber starts it (it picks udev
 * events, /run/udev/control exists) and one forced to raw kernel events
 * (`v4l2-dmabuf.udev.events = kernel`), for comparison. Times printed
 * ("# ...") are from the start of the write to bind/unbind, which blocks
 * while vivid creates or removes its nodes.
 */

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "catch.h"
#include "fixtures.h"
#include "monitor_host.h"

using testenv::FdLeakCheck;

namespace {

constexpr const char kDriver[] = "/sys/bus/platform/drivers/vivid";
const std::set<uint32_t> kCaptureIds = {0, 4}; /* /dev/video0, /dev/video4 */
/* udev's ID_PATH (path_id builtin); without udevd, device.bus-path is the syspath. */
constexpr const char kUdevBusPath[] = "platform-vivid.0";

std::vector<std::string> vividDevices()
{
	std::vector<std::string> out;
	if (DIR *d = opendir(kDriver)) {
		while (struct dirent *e = readdir(d))
			if (std::string(e->d_name).rfind("vivid.", 0) == 0)
				out.push_back(e->d_name);
		closedir(d);
	}
	return out;
}

bool writeDriver(const char *file, const std::vector<std::string> &devices)
{
	for (const std::string &dev : devices) {
		std::ofstream f(std::string(kDriver) + "/" + file);
		f << dev;
		f.close();
		if (!f)
			return false;
	}
	return true;
}

std::set<uint32_t> ids(const MonitorHost &m)
{
	std::set<uint32_t> out;
	for (const auto &entry : m.objects())
		out.insert(entry.first);
	return out;
}

std::set<std::string> keys(const MonitorHost::Props &props)
{
	std::set<std::string> out;
	for (const auto &entry : props)
		out.insert(entry.first);
	return out;
}

/* Time of the first event for @p id at or after index @p from, in ms after @p t0; -1 if none. */
double firstEventMs(const MonitorHost &m, uint32_t id, size_t from, MonitorHost::Clock::time_point t0)
{
	auto events = m.eventsFor(id, from);
	return events.empty() ? -1.0 : millis(t0, events.front().time);
}

/* What udev adds over sysfs: its database's init time and path_id's ID_PATH. */
void checkUdevProperties(const MonitorHost::Props &p)
{
	INFO("object " << p.at("api.v4l2.path"));
	REQUIRE(p.count("device.plugged.usec") == 1);
	CHECK(std::stoull(p.at("device.plugged.usec")) > 0);
	CHECK(p.at("device.bus-path") == kUdevBusPath);
	CHECK(p.at("device.name") == std::string("v4l2_device.") + kUdevBusPath);
	CHECK(p.at("device.capabilities").find(":capture:") != std::string::npos);
	CHECK(p.at("device.product.name") == "vivid"); /* ID_V4L_PRODUCT */
}

void printProps(const char *label, const MonitorHost &m)
{
	for (const auto &[id, props] : m.objects()) {
		printf("# %s object %u:", label, id);
		for (const auto &[k, v] : props)
			printf(" %s=%s", k.c_str(), v.c_str());
		printf("\n");
	}
}

/* Both monitors on one loop, started and checked. */
struct Monitors {
	TestLoop loop;
	MonitorHost udev{loop};
	MonitorHost kernel{loop};

	void start()
	{
		REQUIRE(getenv("V4L2_DMABUF_IN_VM") != nullptr); /* unbinds vivid: the test VM only */
		REQUIRE(access("/run/udev/control", F_OK) == 0);  /* udevd runs (with-udevd) */
		REQUIRE(loop.loop() != nullptr);
		REQUIRE(udev.start() == 0);
		REQUIRE(kernel.start({{"v4l2-dmabuf.udev.events", "kernel"}}) == 0);
		REQUIRE(udev.logged("hotplug from udev events"));
		REQUIRE(kernel.logged("hotplug from kernel events"));
		REQUIRE(ids(udev) == kCaptureIds);
		REQUIRE(ids(kernel) == kCaptureIds);
	}

	/* Unbinds vivid; both monitors must withdraw both objects (once) within 10 s. */
	void unplug(const std::vector<std::string> &platform)
	{
		size_t mark = udev.events().size(), markKernel = kernel.events().size();
		auto t0 = MonitorHost::Clock::now();
		REQUIRE(writeDriver("unbind", platform));
		REQUIRE(loop.runUntil([&] { return udev.objects().empty() && kernel.objects().empty(); },
				      10000));
		for (uint32_t id : kCaptureIds) {
			auto events = udev.eventsFor(id, mark);
			REQUIRE(events.size() == 1);
			CHECK_FALSE(events[0].props.has_value());
			printf("# unbind: object %u withdrawn after %.1f ms (udev-events monitor), "
			       "%.1f ms (kernel-events monitor)\n",
			       id, firstEventMs(udev, id, mark, t0), firstEventMs(kernel, id, markKernel, t0));
		}
	}
};

/* udevd queues events while this lives: it runs no rule and sends no udev event. */
struct HeldUdevQueue {
	bool held = std::system("udevadm control --stop-exec-queue") == 0;
	~HeldUdevQueue()
	{
		if (held && std::system("udevadm control --start-exec-queue") != 0)
			WARN("udevadm control --start-exec-queue failed");
	}
};

} /* namespace */

/**
 * Proves, with udevd running:
 * - the monitor WirePlumber would start picks udev events ("hotplug from
 *   udev events") and offers vivid's two capture nodes with udev's
 *   properties (device.plugged.usec from its database, device.bus-path and
 *   device.name from path_id's ID_PATH), which no run without udevd has;
 * - unbinding vivid withdraws both objects (object_info NULL) within 10 s;
 * - binding it again offers each once, with the same keys as before and a
 *   newer device.plugged.usec: read after udevd initialised the new device,
 *   not left over from the old one.
 * The monitor forced to kernel events must withdraw and offer too.
 */
TEST_CASE_METHOD(FdLeakCheck, "with udevd, hotplug comes from udev events with udev's properties", "[monitor][udevd]")
{
	const std::vector<std::string> platform = vividDevices();
	REQUIRE(platform.size() == 1);
	Monitors m;
	m.start();
	printProps("start udev", m.udev);
	const std::map<uint32_t, MonitorHost::Props> before = m.udev.objects();
	for (const auto &entry : before)
		checkUdevProperties(entry.second);

	m.unplug(platform);

	size_t mark = m.udev.events().size(), markKernel = m.kernel.events().size();
	auto t0 = MonitorHost::Clock::now();
	REQUIRE(writeDriver("bind", platform));
	REQUIRE(m.loop.runUntil(
		[&] { return ids(m.udev) == kCaptureIds && ids(m.kernel) == kCaptureIds; }, 15000));
	m.loop.runUntil([] { return false; }, 1000); /* udevd's chmod/chown must not re-emit */
	printProps("rebound udev", m.udev);
	printProps("rebound kernel", m.kernel);
	for (uint32_t id : kCaptureIds) {
		printf("# bind: object %u offered after %.1f ms (udev-events monitor), "
		       "%.1f ms (kernel-events monitor)\n",
		       id, firstEventMs(m.udev, id, mark, t0), firstEventMs(m.kernel, id, markKernel, t0));
		CHECK(m.udev.eventsFor(id, mark).size() == 1);
		const MonitorHost::Props &now = m.udev.objects().at(id);
		const MonitorHost::Props &old = before.at(id);
		checkUdevProperties(now);
		CHECK(keys(now) == keys(old));
		CHECK(now.at("api.v4l2.path") == old.at("api.v4l2.path"));
		CHECK(std::stoull(now.at("device.plugged.usec")) > std::stoull(old.at("device.plugged.usec")));
	}
}

/**
 * Proves that with udev events nothing is offered from before udevd has
 * processed a device, whatever the timing: with udevd's queue held
 * (udevadm control --stop-exec-queue) from before the unplug,
 * - unbinding vivid still withdraws both objects at once (devtmpfs resets a
 *   node's mode before unlinking it: IN_ATTRIB), though no udev remove
 *   event came;
 * - binding vivid makes the kernel-events monitor offer both nodes, and a
 *   permission change on the new nodes (as udevd or logind make) must not
 *   make the udev-events monitor offer anything: the nodes it still knows
 *   are the removed ones, whose properties are stale;
 * - releasing the queue offers both once, with the new udev properties.
 */
TEST_CASE_METHOD(FdLeakCheck, "with udevd, nothing is offered from before udevd has processed it", "[monitor][udevd]")
{
	const std::vector<std::string> platform = vividDevices();
	REQUIRE(platform.size() == 1);
	Monitors m;
	m.start();
	const std::map<uint32_t, MonitorHost::Props> before = m.udev.objects();

	size_t mark = 0;
	{
		HeldUdevQueue held;
		REQUIRE(held.held);
		m.unplug(platform);
		mark = m.udev.events().size();
		REQUIRE(writeDriver("bind", platform));
		REQUIRE(m.loop.runUntil([&] { return ids(m.kernel) == kCaptureIds; }, 10000));
		printProps("queue held, kernel", m.kernel);
		for (uint32_t id : kCaptureIds) {
			const std::string path = m.kernel.objects().at(id).at("api.v4l2.path");
			REQUIRE(chmod(path.c_str(), 0660) == 0);
		}
		m.loop.runUntil([] { return false; }, 1000);
		printProps("queue held, udev", m.udev);
		CHECK(m.udev.events().size() == mark);
		CHECK(m.udev.objects().empty());
	}
	auto t0 = MonitorHost::Clock::now();
	REQUIRE(m.loop.runUntil([&] { return ids(m.udev) == kCaptureIds; }, 10000));
	m.loop.runUntil([] { return false; }, 500);
	for (uint32_t id : kCaptureIds) {
		printf("# queue released: object %u offered after %.1f ms (udev-events monitor)\n", id,
		       firstEventMs(m.udev, id, mark, t0));
		CHECK(m.udev.eventsFor(id, mark).size() == 1);
		checkUdevProperties(m.udev.objects().at(id));
		CHECK(std::stoull(m.udev.objects().at(id).at("device.plugged.usec")) >
		      std::stoull(before.at(id).at("device.plugged.usec")));
	}
}
