/* SPDX-License-Identifier: MIT */
/*
 * The source node with both of PipeWire's loops, each in its own thread
 * (NodeHost::MainLoop::Thread), against vivid in the test VM, with
 * everything that crosses the two happening at once: start/stop and
 * renegotiation (main loop) while frames flow (data loop), V4L2 control
 * events from another program (main loop), vivid's disconnect (the data
 * loop stops, the Error goes to the main loop) and the node's destruction
 * coinciding with that report. Built with -fsanitize=thread (build-tsan, see
 * tests/tsan/meson.build) ThreadSanitizer checks every access the two
 * threads share; built normally it is a stress test of the same paths.
 *
 * Rounds: $V4L2_DMABUF_TSAN_ROUNDS (default 6); each unplugs vivid's
 * instance 0 and binds it again through sysfs (root, the test VM).
 */
#include <fcntl.h>
#include <unistd.h>

#include <spa/param/video/format-utils.h>
#include <spa/pod/builder.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <thread>

#include "catch.h"
#include "fd_helpers.h"
#include "node_fixture.h"
#include "node_host.h"
#include "v4l2-dmabuf/keys.h"

using testenv::deviceProps;
using testenv::kFactory;

namespace {

constexpr const char kDevice[] = "/dev/video0";

struct Size {
	uint32_t format, width, height;
};
constexpr Size kFormats[] = {{SPA_VIDEO_FORMAT_YUY2, 640, 480},
			     {SPA_VIDEO_FORMAT_NV12, 320, 240},
			     {SPA_VIDEO_FORMAT_YUY2, 1280, 720}};

struct spa_pod *format(struct spa_pod_builder *b, const Size &s)
{
	struct spa_rectangle size = SPA_RECTANGLE(s.width, s.height);
	struct spa_fraction rate = SPA_FRACTION(25, 1);
	return static_cast<struct spa_pod *>(spa_pod_builder_add_object(
		b, SPA_TYPE_OBJECT_Format, SPA_PARAM_Format, SPA_FORMAT_mediaType, SPA_POD_Id(SPA_MEDIA_TYPE_video),
		SPA_FORMAT_mediaSubtype, SPA_POD_Id(SPA_MEDIA_SUBTYPE_raw), SPA_FORMAT_VIDEO_format,
		SPA_POD_Id(s.format), SPA_FORMAT_VIDEO_size, SPA_POD_Rectangle(&size), SPA_FORMAT_VIDEO_framerate,
		SPA_POD_Fraction(&rate)));
}

void writeSysfs(const char *path, const char *value)
{
	std::ofstream f(path);
	f << value;
}

/* vivid's instance 0 unbound and bound again: /dev/video0 back after a disconnect. */
bool replug()
{
	writeSysfs("/sys/bus/platform/drivers/vivid/unbind", "vivid.0");
	writeSysfs("/sys/bus/platform/drivers/vivid/bind", "vivid.0");
	for (int i = 0; i < 200; i++) {
		int fd = open(kDevice, O_RDWR | O_CLOEXEC);
		if (fd >= 0) {
			close(fd);
			return true;
		}
		usleep(50000);
	}
	return false;
}

/* One renegotiation and start: pause, buffers released, a new Format, buffers, start. */
int cycle(NodeHost &host, const Size &s)
{
	uint8_t buf[1024];
	struct spa_pod_builder b = SPA_POD_BUILDER_INIT(buf, sizeof(buf));
	host.pause();
	host.useBuffers(0, 1, 0);
	int res = host.setFormat(format(&b, s));
	if (res < 0)
		return res;
	if ((res = host.useBuffers(4, 1, 1u << SPA_DATA_DmaBuf)) < 0)
		return res;
	return host.start();
}

} /* namespace */

TEST_CASE("two loops in two threads: start/stop, renegotiation, control events, unplug and destroy at once",
	  "[threads]")
{
	if (access(kDevice, F_OK) != 0 || access("/sys/bus/platform/drivers/vivid", F_OK) != 0) {
		WARN("vivid is not here (run in the test VM)");
		std::exit(77);
	}
	const char *env = getenv("V4L2_DMABUF_TSAN_ROUNDS");
	const int rounds = env ? atoi(env) : 6;
	std::mt19937 rng(20261201);
	const int fdsBefore = fdcheck::countOpenFds();

	for (int round = 0; round < rounds; round++) {
		INFO("round " << round);
		auto host = std::make_unique<NodeHost>(NodeHost::MainLoop::Thread);
		REQUIRE(host->load(kFactory, deviceProps(kDevice)) == 0);
		/* Started once here, so every round really streams before the unplug. */
		REQUIRE(cycle(*host, kFormats[0]) == 0);
		REQUIRE(host->waitFrames(2, 10000).size() >= 2);

		std::atomic<bool> stop{false};
		std::atomic<int> renegotiations{0};
		/* The main loop's side: renegotiation and start/stop, as fast as it goes. */
		std::thread control([&] {
			for (int i = 1; !stop; i++) {
				host->clearFrames();
				if (cycle(*host, kFormats[i % 3]) == 0)
					renegotiations++;
				host->waitFrames(1, 300);
			}
		});
		/* Another program changes controls: V4L2 control events on the main loop. */
		std::thread other([&] {
			for (int v = 0; !stop; v = (v + 37) % 256) {
				std::string cmd = "v4l2-ctl -d " + std::string(kDevice) +
						  " -c brightness=" + std::to_string(v) + " >/dev/null 2>&1";
				if (std::system(cmd.c_str()) != 0)
					usleep(20000);
			}
		});
		std::this_thread::sleep_for(std::chrono::milliseconds(1500 + rng() % 1500));

		/* Even rounds: unplug while renegotiating; odd rounds: unplug a streaming node
		 * and destroy it while the error report may still be on its way. */
		bool whileRunning = round % 2 == 0;
		if (!whileRunning) {
			stop = true;
			control.join();
			REQUIRE(cycle(*host, kFormats[0]) == 0);
			REQUIRE(host->waitFrames(2, 10000).size() >= 2);
		}
		REQUIRE(std::system("v4l2-ctl -d /dev/video0 -c disconnect=1") == 0);
		if (whileRunning) {
			std::this_thread::sleep_for(std::chrono::milliseconds(500));
			stop = true;
			control.join();
			CHECK(renegotiations > 0);
		} else {
			std::this_thread::sleep_for(std::chrono::microseconds(rng() % 30000));
		}
		stop = true;
		other.join();
		host.reset(); /* the destructor, possibly with the Error report in flight */
		REQUIRE(replug());
	}
	CHECK(fdcheck::countOpenFds() == fdsBefore);
}
