/* SPDX-License-Identifier: MIT */
/*
 * The source node hosted directly (no daemon) against the real vivid driver
 * in the test VM: bad input from a host, the Buffers param, the MemPtr and
 * DmaBuf export paths, and fd hygiene across start/stop cycles.
 */
#include <spa/pod/parser.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <set>
#include <string>

#include "node_test_util.h"

TEST_CASE_METHOD(NodeFixture, "bad device paths are refused with the right errno and no fd leak", "[node][bad-input]")
{
	NodeHost &host = newHost();
	int before = countOpenFds();
	SECTION("a path that does not exist") {
		CHECK(host.load(kFactory, deviceProps("/dev/video-does-not-exist")) == -ENOENT);
	}
	SECTION("vivid's output node cannot capture") {
		CHECK(host.load(kFactory, deviceProps(vivid::kSinglePlanarOutput)) == -ENODEV);
	}
	SECTION("a file that is not a V4L2 node") {
		CHECK(host.load(kFactory, deviceProps("/dev/null")) == -ENOTTY);
	}
	SECTION("no path at all") {
		CHECK(host.load(kFactory, {}) == -EINVAL);
	}
	CHECK(countOpenFds() == before);
}

TEST_CASE_METHOD(NodeFixture, "node properties: a camera for the desktop, named by its device object if any", "[node]")
{
	NodeHost &plain = node(vivid::kSinglePlanar);
	CHECK(plain.nodeProps().at("media.class") == "Video/Source");
	CHECK(plain.nodeProps().at("media.role") == "Camera");
	CHECK(plain.nodeProps().at("node.driver") == "true");
	CHECK(plain.nodeProps().at("node.description") == "vivid");
	CHECK(plain.nodeProps().at("api.v4l2.path") == vivid::kSinglePlanar);

	auto props = deviceProps(vivid::kSinglePlanar);
	props["node.description"] = "Front Camera";
	props["node.nick"] = "front";
	NodeHost &named = node(props);
	CHECK(named.nodeProps().at("node.description") == "Front Camera");
	CHECK(named.nodeProps().at("node.nick") == "front");
}

TEST_CASE_METHOD(NodeFixture, "EnumFormat reflects the device: modifier-less first, memory planes per layout", "[node]")
{
	NodeHost &sp = node(vivid::kSinglePlanar);
	NodeHost &mp = node(vivid::kMultiPlanar);

	/* The modifier-less formats (PipeWire's "v4l2 special case"), then the
	 * same raw formats again with a MANDATORY LINEAR modifier for
	 * modifier-aware consumers (test_format_modifier.cpp has the details). */
	auto planesOf = [](NodeHost &h, uint32_t spaFormat) {
		std::set<int> planes;
		bool modifierSeen = false;
		for (auto &p : h.portParams(SPA_PARAM_EnumFormat)) {
			const struct spa_pod *pod = asPod(p);
			const struct spa_pod_prop *mod = spa_pod_find_prop(pod, nullptr, SPA_FORMAT_VIDEO_modifier);
			if (mod) {
				modifierSeen = true;
				CHECK((mod->flags & SPA_POD_PROP_FLAG_MANDATORY) != 0);
				int64_t value = -1;
				uint32_t nValues = 0, choice = 0;
				const struct spa_pod *v = spa_pod_get_values(&mod->value, &nValues, &choice);
				CHECK(nValues >= 1);
				CHECK(spa_pod_get_long(v, &value) == 0);
				CHECK(value == 0); /* DRM_FORMAT_MOD_LINEAR */
				continue;
			}
			CHECK_FALSE(modifierSeen); /* no modifier-less format after a modifier one */
			uint32_t format = 0;
			int32_t n = 0;
			if (spa_pod_parse_object(pod, SPA_TYPE_OBJECT_Format, nullptr,
						 SPA_FORMAT_VIDEO_format, SPA_POD_OPT_Id(&format),
						 V4L2_DMABUF_FORMAT_VIDEO_memoryPlanes, SPA_POD_OPT_Int(&n)) >= 0 &&
			    format == spaFormat)
				planes.insert(n);
		}
		return planes;
	};
	CHECK(planesOf(sp, SPA_VIDEO_FORMAT_YUY2) == std::set<int>{1});
	CHECK(planesOf(sp, SPA_VIDEO_FORMAT_NV12) == std::set<int>{1});
	CHECK(planesOf(mp, SPA_VIDEO_FORMAT_NV12) == std::set<int>{1, 2});
	CHECK(planesOf(mp, SPA_VIDEO_FORMAT_I420) == std::set<int>{1, 3});
}

TEST_CASE_METHOD(NodeFixture, "the node lists its port's formats, as libwebrtc reads them", "[node]")
{
	/* libwebrtc (Chromium, Firefox) enumerates EnumFormat on the node, not
	 * on its port, and drops a camera that has none. */
	NodeHost &host = node(vivid::kSinglePlanar);
	CHECK(host.nodeParamFlags(SPA_PARAM_EnumFormat) == SPA_PARAM_INFO_READ);
	auto onNode = host.nodeParams(SPA_PARAM_EnumFormat);
	REQUIRE_FALSE(onNode.empty());
	CHECK(onNode == host.portParams(SPA_PARAM_EnumFormat));

	/* Format: listed, readable once one is set, the port's; gone again
	 * when the format is cleared. */
	CHECK(host.nodeParamFlags(SPA_PARAM_Format) == 0);
	CHECK(host.nodeParams(SPA_PARAM_Format).empty());
	uint8_t buf[1024];
	struct spa_pod_builder b = SPA_POD_BUILDER_INIT(buf, sizeof(buf));
	REQUIRE(host.setFormat(rawFormat(&b, SPA_VIDEO_FORMAT_YUY2, 640, 480, 1, 25)) == 0);
	CHECK(host.nodeParamFlags(SPA_PARAM_Format) == SPA_PARAM_INFO_READ);
	auto format = host.nodeParams(SPA_PARAM_Format);
	REQUIRE(format.size() == 1);
	CHECK(format == host.portParams(SPA_PARAM_Format));
	REQUIRE(host.setFormat(nullptr) == 0);
	CHECK(host.nodeParamFlags(SPA_PARAM_Format) == 0);
	CHECK(host.nodeParams(SPA_PARAM_Format).empty());
}

TEST_CASE_METHOD(NodeFixture, "formats the device does not have are refused", "[node][bad-input]")
{
	NodeHost &host = node(vivid::kSinglePlanar);
	uint8_t buf[1024];
	struct spa_pod_builder b = SPA_POD_BUILDER_INIT(buf, sizeof(buf));

	CHECK(host.setFormat(rawFormat(&b, SPA_VIDEO_FORMAT_YUY2, 641, 479, 0, 0)) == -EINVAL);
	b = SPA_POD_BUILDER_INIT(buf, sizeof(buf));
	CHECK(host.setFormat(rawFormat(&b, SPA_VIDEO_FORMAT_NV12, 640, 480, 2, 0)) == -EINVAL);
	b = SPA_POD_BUILDER_INIT(buf, sizeof(buf));
	CHECK(host.setFormat(rawFormat(&b, SPA_VIDEO_FORMAT_v210, 640, 480, 0, 0)) == -EINVAL);
	b = SPA_POD_BUILDER_INIT(buf, sizeof(buf));
	struct spa_pod *notFormat = static_cast<struct spa_pod *>(spa_pod_builder_add_object(&b,
		SPA_TYPE_OBJECT_ParamBuffers, SPA_PARAM_Buffers, SPA_PARAM_BUFFERS_buffers, SPA_POD_Int(4)));
	CHECK(host.setFormat(notFormat) == -EINVAL);
	/* No Format was accepted, so there is no Buffers param and no buffers. */
	CHECK(host.portParams(SPA_PARAM_Buffers).empty());
	CHECK(host.useBuffers(4, 1, bit(SPA_DATA_DmaBuf)) == -EIO);

	/* After all that, a good format still works. */
	b = SPA_POD_BUILDER_INIT(buf, sizeof(buf));
	CHECK(host.setFormat(rawFormat(&b, SPA_VIDEO_FORMAT_YUY2, 640, 480, 0, 25)) == 0);
}

TEST_CASE_METHOD(NodeFixture, "the Buffers param follows the negotiated format", "[node]")
{
	NodeHost &host = node(vivid::kMultiPlanar);
	uint8_t buf[1024];
	struct spa_pod_builder b = SPA_POD_BUILDER_INIT(buf, sizeof(buf));
	REQUIRE(host.setFormat(rawFormat(&b, SPA_VIDEO_FORMAT_NV12, 640, 480, 2, 25)) == 0);

	auto params = host.portParams(SPA_PARAM_Buffers);
	REQUIRE(params.size() == 1);
	uint32_t n = 0, choice = 0;
	const struct spa_pod *prop = nullptr;
	int32_t blocks = 0, size = 0, stride = 0, types = 0;
	REQUIRE(spa_pod_parse_object(asPod(params[0]), SPA_TYPE_OBJECT_ParamBuffers, nullptr,
		SPA_PARAM_BUFFERS_buffers, SPA_POD_PodChoice(&prop),
		SPA_PARAM_BUFFERS_blocks, SPA_POD_Int(&blocks),
		SPA_PARAM_BUFFERS_size, SPA_POD_Int(&size),
		SPA_PARAM_BUFFERS_stride, SPA_POD_Int(&stride),
		SPA_PARAM_BUFFERS_dataType, SPA_POD_PodChoice(&prop)) >= 0);
	CHECK(blocks == 2);
	CHECK(stride >= 640);
	CHECK(size >= 640 * 480);

	/* dataType: a flags choice offering DmaBuf, MemFd and MemPtr. */
	const struct spa_pod_prop *dt = spa_pod_find_prop(asPod(params[0]), nullptr,
							   SPA_PARAM_BUFFERS_dataType);
	REQUIRE(dt);
	const struct spa_pod *v = spa_pod_get_values(&dt->value, &n, &choice);
	CHECK(choice == SPA_CHOICE_Flags);
	REQUIRE(spa_pod_get_int(v, &types) == 0);
	CHECK(uint32_t(types) == (bit(SPA_DATA_DmaBuf) | bit(SPA_DATA_MemFd) | bit(SPA_DATA_MemPtr)));

	/* buffers: a range default/min/max with the probed counts. */
	const struct spa_pod_prop *bp = spa_pod_find_prop(asPod(params[0]), nullptr,
							   SPA_PARAM_BUFFERS_buffers);
	REQUIRE(bp);
	const int32_t *vals = static_cast<const int32_t *>(
		SPA_POD_BODY(spa_pod_get_values(&bp->value, &n, &choice)));
	REQUIRE(choice == SPA_CHOICE_Range);
	REQUIRE(n == 3);
	CHECK(vals[1] >= 1);
	CHECK(vals[1] <= vals[0]);
	CHECK(vals[0] <= vals[2]);
	INFO("vivid buffer counts: default " << vals[0] << " min " << vals[1] << " max " << vals[2]);
}

TEST_CASE_METHOD(NodeFixture, "MemPtr: the node maps its V4L2 buffers and frames carry the pattern", "[node][memptr]")
{
	REQUIRE(vivid::setSolidPattern(vivid::kSinglePlanar, vivid::kWhite) == 0);
	NodeHost &host = node(vivid::kSinglePlanar);
	uint8_t buf[1024];
	struct spa_pod_builder b = SPA_POD_BUILDER_INIT(buf, sizeof(buf));
	REQUIRE(host.setFormat(rawFormat(&b, SPA_VIDEO_FORMAT_YUY2, 640, 480, 0, 25)) == 0);

	SECTION("a buffer with the wrong number of datas is refused") {
		CHECK(host.useBuffers(4, 2, bit(SPA_DATA_MemPtr)) == -EINVAL);
	}
	SECTION("a type mask the node cannot serve is refused") {
		CHECK(host.useBuffers(4, 1, bit(SPA_DATA_MemId)) == -ENOTSUP);
	}
	REQUIRE(host.useBuffers(4, 1, bit(SPA_DATA_MemPtr)) == 0);
	for (uint32_t i = 0; i < host.bufferCount(); i++) {
		const struct spa_data &d = host.buffers()[i]->datas[0];
		CHECK(d.type == SPA_DATA_MemPtr);
		CHECK(d.data != nullptr);
		CHECK(d.maxsize >= 640 * 480 * 2);
	}
	std::vector<double> luma;
	host.setFrameHook([&](const NodeHost::Frame &f, struct spa_buffer *buffer) {
		const struct spa_data &d = buffer->datas[0];
		luma.push_back(vivid::meanBytes(static_cast<uint8_t *>(d.data) + f.chunks[0].offset,
						f.chunks[0].stride, 640 * 2, 480, 0, 2));
	});
	REQUIRE(host.start() == 0);
	auto frames = host.waitFrames(10, 10000);
	host.pause();
	REQUIRE(frames.size() >= 10);
	checkFrames(frames);
	for (auto &f : frames) {
		CHECK(f.chunks[0].size == 640 * 480 * 2);
		CHECK(f.chunks[0].stride == 640 * 2);
	}
	/* 100% white in limited-range YUV is Y = 235. */
	REQUIRE(!luma.empty());
	CHECK(luma.back() == Approx(vivid::kWhiteY).margin(2));
}

TEST_CASE_METHOD(NodeFixture, "the clock a driving node keeps: frame timestamps, flagged NO_RATE", "[node][clock]")
{
	NodeHost &host = node(vivid::kSinglePlanar);
	struct spa_io_clock clock = {};
	REQUIRE(spa_node_set_io(host.node(), SPA_IO_Clock, &clock, sizeof(clock)) == 0);
	/* SPA_IO_CLOCK_FLAG_NO_RATE (PipeWire 1.3.81, bit 3): followers take
	 * time from nsec, as PipeWire's own v4l2 source asks for; pw_stream 1.x
	 * otherwise counts position ticks, which GStreamer's pipewiresrc then
	 * syncs buffers stamped with nsec against. */
	CHECK((clock.flags & (1u << 3)) != 0);
	CHECK(std::string(clock.name) == "v4l2-dmabuf");

	uint8_t buf[1024];
	struct spa_pod_builder b = SPA_POD_BUILDER_INIT(buf, sizeof(buf));
	REQUIRE(host.setFormat(rawFormat(&b, SPA_VIDEO_FORMAT_YUY2, 640, 480, 0, 25)) == 0);
	REQUIRE(host.useBuffers(4, 1, bit(SPA_DATA_MemPtr)) == 0);
	/* On the data loop, right after the node wrote the clock for this frame. */
	std::vector<std::pair<int64_t, uint64_t>> stamps; /* (pts, clock nsec) */
	host.setFrameHook([&](const NodeHost::Frame &f, struct spa_buffer *) {
		stamps.emplace_back(f.pts, clock.nsec);
	});
	REQUIRE(host.start() == 0);
	auto frames = host.waitFrames(5, 10000);
	host.pause();
	REQUIRE(frames.size() >= 5);
	REQUIRE(stamps.size() >= 5);
	size_t same = 0;
	for (const auto &[pts, nsec] : stamps) {
		INFO("pts " << pts << " clock nsec " << nsec);
		CHECK(pts > 0);
		CHECK(int64_t(nsec) >= pts); /* a later frame may be dequeued already */
		same += int64_t(nsec) == pts;
	}
	CHECK(same > 0);
	CHECK(clock.rate.num == 1);
	CHECK(clock.rate.denom == 25);
	CHECK(clock.duration == 1);
	CHECK((clock.flags & (1u << 3)) != 0);
	REQUIRE(spa_node_set_io(host.node(), SPA_IO_Clock, nullptr, 0) == 0);
}

TEST_CASE_METHOD(NodeFixture, "DmaBuf: every plane is a videobuf2 export; cycles leak no fd", "[node][dmabuf]")
{
	REQUIRE(vivid::setSolidPattern(vivid::kMultiPlanar, vivid::kWhite) == 0);
	NodeHost &host = node(vivid::kMultiPlanar);
	int fdsBefore = countOpenFds();
	uint8_t buf[1024];
	struct spa_pod_builder b = SPA_POD_BUILDER_INIT(buf, sizeof(buf));
	REQUIRE(host.setFormat(rawFormat(&b, SPA_VIDEO_FORMAT_NV12, 640, 480, 2, 25)) == 0);
	REQUIRE(host.useBuffers(4, 2, bit(SPA_DATA_DmaBuf) | bit(SPA_DATA_MemFd)) == 0);

	std::set<int64_t> fds;
	for (uint32_t i = 0; i < host.bufferCount(); i++) {
		for (uint32_t p = 0; p < 2; p++) {
			const struct spa_data &d = host.buffers()[i]->datas[p];
			CHECK(d.type == SPA_DATA_DmaBuf);
			CHECK(d.fd >= 0);
			fds.insert(d.fd);
			CHECK(dmabufExporter(int(d.fd)).find("videobuf2") == 0);
		}
	}
	CHECK(fds.size() == 8);

	std::vector<std::pair<double, double>> means;
	host.setFrameHook([&](const NodeHost::Frame &f, struct spa_buffer *buffer) {
		if (means.size() >= 3)
			return;
		means.emplace_back(
			dmabufMean(buffer->datas[0], f.chunks[0].stride, 640, 480, 0, 1),
			dmabufMean(buffer->datas[1], f.chunks[1].stride, 640, 240, 0, 1));
	});
	for (int cycle = 0; cycle < 10; cycle++) {
		host.clearFrames();
		REQUIRE(host.start() == 0);
		auto frames = host.waitFrames(3, 10000);
		REQUIRE(host.pause() == 0);
		REQUIRE(frames.size() >= 3);
		checkFrames(frames);
		CHECK(frames[0].chunks[0].stride >= 640);
		CHECK(frames[0].chunks[1].size >= 640 * 240);
	}
	REQUIRE(means.size() == 3);
	CHECK(means[0].first == Approx(vivid::kWhiteY).margin(2));  /* Y */
	CHECK(means[0].second == Approx(vivid::kWhiteC).margin(2)); /* CbCr */

	/* Releasing the buffers closes every exported fd. */
	REQUIRE(host.useBuffers(0, 2, 0) == 0);
	CHECK(countOpenFds() == fdsBefore);
}

/* PipeWire's io area is the port's (impl-port.c): a consumer that left
 * before taking its last frame leaves HAVE_DATA and an id of the old buffer
 * set in it, and the next consumer's buffers meet that io. */
TEST_CASE_METHOD(NodeFixture, "new buffers: what the io area held from the last stream is not handed out",
		 "[node][dmabuf]")
{
	NodeHost &host = node(vivid::kSinglePlanar);
	uint8_t buf[1024];
	struct spa_pod_builder b = SPA_POD_BUILDER_INIT(buf, sizeof(buf));
	REQUIRE(host.setFormat(rawFormat(&b, SPA_VIDEO_FORMAT_YUY2, 640, 480, 0, 25)) == 0);
	REQUIRE(host.useBuffers(4, 1, bit(SPA_DATA_DmaBuf)) == 0);
	host.keepIoAcrossBuffers();
	host.setIo({SPA_STATUS_HAVE_DATA, 2});
	REQUIRE(host.useBuffers(4, 1, bit(SPA_DATA_DmaBuf)) == 0);

	REQUIRE(host.start() == 0);
	auto frames = host.waitFrames(5, 10000);
	REQUIRE(host.pause() == 0);
	REQUIRE(frames.size() >= 5);
	checkFrames(frames);
	/* Every frame handed out was filled by the driver: an unfilled one
	 * still has the empty chunk that use_buffers gave it. */
	for (const auto &f : frames)
		CHECK(f.chunks[0].size == 640 * 480 * 2);
}

/* Last, and run on its own: vivid's disconnect unregisters the instance for the rest of the boot. */
TEST_CASE_METHOD(NodeFixture, "unplug while streaming: an error event, no crash, no leaked fd", "[.][unplug]")
{
	NodeHost &host = node(vivid::kMultiPlanar);
	uint8_t buf[1024];
	struct spa_pod_builder b = SPA_POD_BUILDER_INIT(buf, sizeof(buf));
	REQUIRE(host.setFormat(rawFormat(&b, SPA_VIDEO_FORMAT_NV12, 640, 480, 2, 25)) == 0);
	REQUIRE(host.useBuffers(4, 2, 1u << SPA_DATA_DmaBuf) == 0);
	REQUIRE(host.start() == 0);
	REQUIRE(host.waitFrames(3, 10000).size() >= 3);

	/* vivid's "disconnect" button behaves as an unplug: ioctls answer ENODEV. */
	REQUIRE(std::system("v4l2-ctl -d /dev/video4 -c disconnect=1") == 0);
	auto t0 = std::chrono::steady_clock::now();
	CHECK(host.waitErrorEvent(1000));
	auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
		std::chrono::steady_clock::now() - t0).count();
	INFO("error event after " << ms << " ms");
	CHECK(ms < 1000);

	/* The node refuses to start again and lets go of everything. */
	CHECK(host.start() == -ENODEV);
	CHECK(host.pause() == 0);
	CHECK(host.useBuffers(0, 2, 0) == 0);
}

namespace {

/* voluntary_ctxt_switches of thread @p tid of this process: how often it slept. */
long voluntarySwitches(int tid)
{
	std::ifstream status("/proc/self/task/" + std::to_string(tid) + "/status");
	std::string line;
	while (std::getline(status, line))
		if (line.rfind("voluntary_ctxt_switches:", 0) == 0)
			return atol(line.c_str() + line.find(':') + 1);
	return -1;
}

} /* namespace */

TEST_CASE("control changes made elsewhere reach Props while streaming, and the main loop sleeps through frames",
	  "[node][controls]")
{
	NodeHost host(NodeHost::MainLoop::Thread);
	REQUIRE(host.load(kFactory, deviceProps(vivid::kSinglePlanar)) == 0);
	uint8_t buf[1024];
	struct spa_pod_builder b = SPA_POD_BUILDER_INIT(buf, sizeof(buf));
	REQUIRE(host.setFormat(rawFormat(&b, SPA_VIDEO_FORMAT_YUY2, 640, 480, 0, 25)) == 0);
	REQUIRE(host.useBuffers(4, 1, bit(SPA_DATA_DmaBuf)) == 0);
	REQUIRE(host.start() == 0);
	REQUIRE(host.waitFrames(3, 10000).size() >= 3);

	/* videobuf2 wakes every poller of the queue at each frame, whatever it
	 * polls for: a main loop that polled the device for control events
	 * (POLLPRI) woke up once a frame. While streaming they are the data
	 * loop's to poll, and the main loop has nothing to do. */
	const int tid = host.mainThreadId();
	host.clearFrames();
	const long before = voluntarySwitches(tid);
	const size_t frames = host.waitFrames(25, 10000).size();
	const long slept = voluntarySwitches(tid) - before;
	INFO(frames << " frames, the main loop's thread slept " << slept << " times");
	REQUIRE(before >= 0);
	CHECK(frames >= 25);
	CHECK(slept < 5);

	/* A control written by another program while streaming: Props changed. */
	int seen = host.waitParamChange(SPA_PARAM_Props, 0, 0);
	REQUIRE(std::system("v4l2-ctl -d /dev/video0 -c brightness=11") == 0);
	int now = host.waitParamChange(SPA_PARAM_Props, seen, 5000);
	CHECK(now > seen);
	CHECK(host.waitFrames(1, 5000).size() >= 1); /* still streaming */

	/* And once paused, through the main loop's own watch again. */
	REQUIRE(host.pause() == 0);
	seen = host.waitParamChange(SPA_PARAM_Props, 0, 0);
	REQUIRE(std::system("v4l2-ctl -d /dev/video0 -c brightness=22") == 0);
	CHECK(host.waitParamChange(SPA_PARAM_Props, seen, 5000) > seen);
	REQUIRE(std::system("v4l2-ctl -d /dev/video0 -c brightness=128") == 0);
}
