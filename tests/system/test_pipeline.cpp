/* SPDX-License-Identifier: MIT */
/*
 * The main job end to end, in the test VM: vivid -> v4l2-dmabuf.source in
 * a real PipeWire 0.3.65 daemon -> WirePlumber's link -> a client.
 * Run inside tests/vm/guest-session with the nodes
 *   vivid-sp  (/dev/video0, vivid's single-planar instance)
 *   vivid-mp  (/dev/video4, vivid's multi-planar instance)
 */
#include <dirent.h>
#include <unistd.h>

#include "catch.h"
#include <spa/buffer/buffer.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "fd_helpers.h"
#include "vivid.h"
#include "capture_session.h"
#include "create_node.h"

using namespace v4l2dmabuf::capture;
using vivid::kRedCb;
using vivid::kRedCr;
using vivid::kRedY;
using vivid::kTolerance;
using vivid::kWhiteC;
using vivid::kWhiteY;

namespace {

constexpr const char kSp[] = "vivid-sp";
constexpr const char kMp[] = "vivid-mp";


CaptureOptions options(const char *target, const char *format, uint32_t w, uint32_t h,
		       uint32_t fps, uint64_t frames)
{
	CaptureOptions o;
	o.target = target;
	o.format = format;
	o.width = w;
	o.height = h;
	o.framerateNum = fps;
	o.framerateDenom = 1;
	o.frames = frames;
	o.timeoutSeconds = 30 + frames / 5.0;
	return o;
}

double meanOf(const CaptureResult &r, const std::string &name)
{
	for (const ChannelMean &m : r.means)
		if (m.name == name)
			return m.mean;
	FAIL("no mean for channel " << name);
	return -1;
}

void requireOk(const CaptureResult &r)
{
	INFO("capture error: " << r.error);
	REQUIRE(r.ok);
}

/* Every buffer had @p planes spa_datas, all of @p type. */
void checkPlanes(const CaptureResult &r, uint32_t planes, const char *type)
{
	CHECK(r.dataTypesSeen == std::vector<std::string>{type});
	CHECK(r.datasPerBufferSeen == std::vector<uint32_t>{planes});
	REQUIRE(r.planes.size() == planes);
	CHECK(r.badChunks == 0);
	CHECK(r.syncErrors == 0);
	CHECK(r.corrupted == 0);
}

void checkRedYuv(const CaptureResult &r)
{
	CHECK(meanOf(r, "Y") == Approx(kRedY).margin(kTolerance));
	CHECK(meanOf(r, "Cb") == Approx(kRedCb).margin(kTolerance));
	CHECK(meanOf(r, "Cr") == Approx(kRedCr).margin(kTolerance));
}

/* Runs a command, returns its exit status and standard output. */
int runCommand(const std::string &cmd, std::string *out)
{
	FILE *p = popen(cmd.c_str(), "r");
	if (!p)
		return -1;
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
		out->append(buf, n);
	int status = pclose(p);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The global id of the node named @p name, as text ("" if none). */
std::string nodeId(const char *name)
{
	std::string out;
	runCommand(std::string("pw-cli ls Node | awk '/^\\tid /{id=$2} /node.name = \"") + name +
			   "\"/{print id}' | tr -d ,", &out);
	return out.substr(0, out.find_first_of("\n"));
}

/* The daemon's open fds and what each refers to (its /proc/PID/fd link). */
std::map<int, std::string> daemonFds()
{
	std::map<int, std::string> fds;
	const char *pid = getenv("V4L2_DMABUF_PIPEWIRE_PID");
	if (!pid)
		return fds;
	const std::string dir = std::string("/proc/") + pid + "/fd";
	DIR *d = opendir(dir.c_str());
	if (!d)
		return fds;
	while (struct dirent *e = readdir(d)) {
		if (e->d_name[0] == '.')
			continue;
		char target[256];
		ssize_t n = readlink((dir + "/" + e->d_name).c_str(), target, sizeof(target) - 1);
		fds[atoi(e->d_name)] = n < 0 ? std::string("?") : std::string(target, size_t(n));
	}
	closedir(d);
	return fds;
}

int daemonFdCount()
{
	const char *pid = getenv("V4L2_DMABUF_PIPEWIRE_PID");
	if (!pid)
		return -1;
	return int(daemonFds().size());
}


} /* namespace */

TEST_CASE("YUYV on the single-planar instance: one DmaBuf plane per buffer, the pattern's pixels",
	  "[pipeline][export]")
{
	REQUIRE(vivid::setSolidPattern(vivid::kSinglePlanar, vivid::kRed) == 0);
	CaptureOptions o = options(kSp, "YUYV", 640, 480, 25, 30);
	o.dataTypes = 1u << SPA_DATA_DmaBuf;
	CaptureResult r = CaptureSession(o).run();
	requireOk(r);
	CHECK(r.formatName == "YUYV");
	CHECK(r.frames >= 30);
	checkPlanes(r, 1, "DmaBuf");
	CHECK(r.planes[0].stride == 640 * 2);
	CHECK(r.planes[0].chunkSize == 640 * 480 * 2);
	CHECK(r.planes[0].exporter.find("videobuf2") == 0);
	checkRedYuv(r);
}

TEST_CASE("NV12M, YUV420M and NV12 on the multi-planar instance: a DmaBuf spa_data per memory plane",
	  "[pipeline][export][mplane]")
{
	REQUIRE(vivid::setSolidPattern(vivid::kMultiPlanar, vivid::kRed) == 0);

	SECTION("NV12M: two planes, luma and interleaved chroma") {
		CaptureResult r = CaptureSession(options(kMp, "NV12M", 640, 480, 25, 20)).run();
		requireOk(r);
		CHECK(r.formatName == "NV12M");
		CHECK(r.memoryPlanes == 2);
		checkPlanes(r, 2, "DmaBuf");
		CHECK(r.planes[0].stride >= 640);
		CHECK(r.planes[0].chunkSize == r.planes[0].stride * 480);
		CHECK(r.planes[1].stride >= 640);
		CHECK(r.planes[1].chunkSize == r.planes[1].stride * 240);
		for (const PlaneReport &p : r.planes)
			CHECK(p.exporter.find("videobuf2") == 0);
		checkRedYuv(r);
	}
	SECTION("YUV420M: three planes") {
		CaptureResult r = CaptureSession(options(kMp, "YUV420M", 640, 480, 25, 20)).run();
		requireOk(r);
		CHECK(r.formatName == "YUV420M");
		checkPlanes(r, 3, "DmaBuf");
		CHECK(r.planes[0].chunkSize == r.planes[0].stride * 480);
		CHECK(r.planes[1].chunkSize == r.planes[1].stride * 240);
		CHECK(r.planes[2].chunkSize == r.planes[2].stride * 240);
		CHECK(r.planes[1].stride >= 320);
		checkRedYuv(r);
	}
	SECTION("NV12 contiguous on the same device: one plane holding both") {
		CaptureResult r = CaptureSession(options(kMp, "NV12", 640, 480, 25, 20)).run();
		requireOk(r);
		CHECK(r.formatName == "NV12");
		CHECK(r.memoryPlanes == 1);
		checkPlanes(r, 1, "DmaBuf");
		CHECK(r.planes[0].chunkSize == r.planes[0].stride * 480 * 3 / 2);
		checkRedYuv(r);
	}
}

TEST_CASE("300 frames at the rate vivid is set to arrive with no sequence gap", "[pipeline][rate]")
{
	REQUIRE(vivid::setSolidPattern(vivid::kSinglePlanar, vivid::kWhite) == 0);
	CaptureResult r = CaptureSession(options(kSp, "YUYV", 640, 480, 25, 300)).run();
	requireOk(r);
	CHECK(r.frames >= 300);
	CHECK(r.framerateNum == 25);
	CHECK(r.sequenceGaps == 0);
	CHECK(meanOf(r, "Y") == Approx(kWhiteY).margin(kTolerance));
	INFO("latency p50 " << r.latency.p50Ms << " ms, p99 " << r.latency.p99Ms << " ms");
	CHECK(r.latency.samples >= 300);
}

TEST_CASE("a consumer that does not take DmaBuf gets shared memory with the same pixels",
	  "[pipeline][memfd]")
{
	REQUIRE(vivid::setSolidPattern(vivid::kMultiPlanar, vivid::kRed) == 0);
	CaptureOptions o = options(kMp, "NV12M", 640, 480, 25, 20);
	o.dataTypes = (1u << SPA_DATA_MemFd) | (1u << SPA_DATA_MemPtr);
	CaptureResult r = CaptureSession(o).run();
	requireOk(r);
	/* PipeWire 0.3.65 strips MemPtr on links to other processes: MemFd it is. */
	checkPlanes(r, 2, "MemFd");
	checkRedYuv(r);
}

TEST_CASE("GStreamer's pipewiresrc, a client nobody here wrote, captures the pattern",
	  "[pipeline][gstreamer]")
{
	REQUIRE(vivid::setSolidPattern(vivid::kSinglePlanar, vivid::kWhite) == 0);
	const std::string file = "/tmp/pipewiresrc-frames.yuv";
	std::string out;
	/* 20 frames take about a second; a stream that gets none must not hang the test. */
	int status = runCommand("timeout 60 gst-launch-1.0 -q pipewiresrc target-object=vivid-sp num-buffers=20 "
				"! video/x-raw,format=YUY2,width=640,height=480,framerate=25/1 "
				"! filesink location=" + file + " 2>&1", &out);
	INFO(out);
	INFO("gst-launch-1.0 exit status " << status << (status == 124 ? " (timed out)" : ""));
	REQUIRE(status == 0);
	std::ifstream in(file, std::ios::binary);
	std::vector<uint8_t> data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
	const size_t frame = 640 * 480 * 2;
	REQUIRE(data.size() == 20 * frame);
	/* The last frame: Y at even bytes, Cb/Cr at odd ones. */
	const uint8_t *last = data.data() + 19 * frame;
	CHECK(vivid::meanBytes(last, 640 * 2, 640 * 2, 480, 0, 2) == Approx(kWhiteY).margin(kTolerance));
	CHECK(vivid::meanBytes(last, 640 * 2, 640 * 2, 480, 1, 2) == Approx(kWhiteC).margin(kTolerance));
}

TEST_CASE("bad input through the daemon: clear errors, no crash, no leaked fd", "[pipeline][bad-input]")
{
	/* Once a node has streamed: from PipeWire 1.0 on, the first blocking
	 * invoke into a loop makes an invoke queue with an eventfd, which the
	 * loop keeps (loop_create_queue, spa/plugins/support/loop.c); on 1.4
	 * the first start of a node in a fresh daemon leaves one more fd. */
	/* The stream's buffers stay in the daemon until WirePlumber suspends
	 * the idle node (5 s): count once they are gone. */
	static bool streamed = false;
	if (!streamed) {
		requireOk(CaptureSession(options(kSp, "YUYV", 640, 480, 25, 3)).run());
		streamed = true;
		auto holdsBuffers = [] {
			for (const auto &[fd, target] : daemonFds())
				if (target.rfind("/dmabuf:", 0) == 0)
					return true;
			return false;
		};
		for (int i = 0; i < 60 && holdsBuffers(); i++)
			usleep(500 * 1000);
		REQUIRE_FALSE(holdsBuffers());
	}
	int fdsBefore = daemonFdCount();
	const std::map<int, std::string> fdMapBefore = daemonFds();
	REQUIRE(fdsBefore > 0);

	SECTION("a node for a path that does not exist is refused with its reason") {
		CreateNodeResult r = createNode({{"factory.name", "v4l2-dmabuf.source"},
						 {"api.v4l2.path", "/dev/video-does-not-exist"}});
		INFO(r.message);
		CHECK_FALSE(r.created);
		CHECK(r.res == -ENOENT);
	}
	SECTION("a node for vivid's output node is refused") {
		CreateNodeResult r = createNode({{"factory.name", "v4l2-dmabuf.source"},
						 {"api.v4l2.path", "/dev/video1"}});
		INFO(r.message);
		CHECK_FALSE(r.created);
		CHECK(r.res == -ENODEV);
	}
	SECTION("the same request with a real capture node succeeds") {
		CreateNodeResult r = createNode({{"factory.name", "v4l2-dmabuf.source"},
						 {"node.name", "vivid-sp-again"},
						 {"api.v4l2.path", "/dev/video0"}});
		INFO(r.message);
		CHECK(r.created);
	}
	SECTION("a size the device does not have fails negotiation instead of hanging") {
		CaptureOptions o = options(kSp, "YUYV", 123, 45, 0, 5);
		o.timeoutSeconds = 10;
		CaptureResult r = CaptureSession(o).run();
		CHECK_FALSE(r.ok);
		CHECK(r.frames == 0);
		CHECK_FALSE(r.error.empty());
	}
	SECTION("a format the device does not have fails negotiation") {
		CaptureOptions o = options(kSp, "NV12M", 640, 480, 0, 5);
		o.timeoutSeconds = 10;
		CaptureResult r = CaptureSession(o).run();
		CHECK_FALSE(r.ok);
		CHECK(r.frames == 0);
	}
	/* The daemon is alive and holds no more fds than before. */
	std::string out;
	CHECK(runCommand("pw-cli info 0 >/dev/null 2>&1", &out) == 0);
	INFO("the daemon's fds, changes:" << fdcheck::fdChanges(fdMapBefore, daemonFds()));
	CHECK(daemonFdCount() == fdsBefore);
}

TEST_CASE("allocator mode: the client's planes are vgem's, the pixels vivid's", "[pipeline][import]")
{
	REQUIRE(vivid::setSolidPattern(vivid::kSinglePlanar, vivid::kRed) == 0);
	REQUIRE(vivid::setSolidPattern(vivid::kMultiPlanar, vivid::kRed) == 0);

	struct Case {
		const char *target, *format;
		uint32_t planes;
	};
	for (const Case &c : {Case{kSp, "YUYV", 1}, Case{kMp, "NV12M", 2}, Case{kMp, "YUV420M", 3}}) {
		INFO(c.format);
		CaptureOptions o = options(c.target, c.format, 640, 480, 25, 20);
		o.ioMode = "dmabuf-import";
		o.allocator = "/dev/dri/renderD128";
		o.dataTypes = 1u << SPA_DATA_DmaBuf;
		CaptureResult r = CaptureSession(o).run();
		requireOk(r);
		checkPlanes(r, c.planes, "DmaBuf");
		/* vgem exports as "drm"; the export path's planes say videobuf2. */
		for (const PlaneReport &p : r.planes)
			CHECK(p.exporter == "drm");
		checkRedYuv(r);
	}
}

TEST_CASE("userptr: through a normal link the driver writes into PipeWire's shared memory",
	  "[pipeline][import]")
{
	REQUIRE(vivid::setSolidPattern(vivid::kMultiPlanar, vivid::kRed) == 0);
	CaptureOptions o = options(kMp, "NV12M", 640, 480, 25, 20);
	o.ioMode = "userptr";
	CaptureResult r = CaptureSession(o).run();
	requireOk(r);
	CHECK(r.datasPerBufferSeen == std::vector<uint32_t>{2});
	REQUIRE(r.planes.size() == 2);
	for (const PlaneReport &p : r.planes)
		CHECK(p.exporter.empty()); /* shared memory, not a DMA-BUF */
	checkRedYuv(r);
}

TEST_CASE("a bad allocator is refused with its reason and the node keeps exporting",
	  "[pipeline][import][bad-input]")
{
	CaptureOptions bad = options(kMp, "NV12M", 640, 480, 25, 5);
	bad.allocator = "/dev/null";
	bad.timeoutSeconds = 20;
	CaptureResult r = CaptureSession(bad).run();
	CHECK_FALSE(r.ok);
	CHECK(r.error.find("No such device") != std::string::npos);

	CaptureOptions good = options(kMp, "NV12M", 640, 480, 25, 10);
	good.ioMode = "dmabuf";
	CaptureResult g = CaptureSession(good).run();
	requireOk(g);
	checkPlanes(g, 2, "DmaBuf");
	CHECK(g.planes[0].exporter.find("videobuf2") == 0);
}

TEST_CASE("controls: pw-cli set-param changes the V4L2 control; bad writes are refused",
	  "[pipeline][controls]")
{
	std::string out;
	const std::string id = nodeId(kSp);
	REQUIRE(!id.empty());
	auto deviceBrightness = [] {
		std::string v;
		runCommand("v4l2-ctl -d /dev/video0 -C brightness", &v);
		return v;
	};

	out.clear();
	REQUIRE(runCommand("pw-cli set-param " + id + " Props '{ brightness: 200 }' 2>&1", &out) == 0);
	CHECK(deviceBrightness() == "brightness: 200\n");
	out.clear();
	REQUIRE(runCommand("pw-cli enum-params " + id + " Props 2>&1 | grep -A1 'Props:brightness'", &out) == 0);
	CHECK(out.find("Int 200") != std::string::npos);

	/* Out of range (vivid's brightness is 0..255): the kernel would clamp
	 * it silently; the node refuses it and says so in the daemon's log. */
	out.clear();
	runCommand("pw-cli set-param " + id + " Props '{ brightness: 300 }' 2>&1", &out);
	CHECK(deviceBrightness() == "brightness: 200\n");
	const char *logs = getenv("V4L2_DMABUF_SESSION_LOGS");
	REQUIRE(logs);
	out.clear();
	runCommand(std::string("grep -c 'controls: .*brightness' ") + logs + "/pipewire.log", &out);
	CHECK(atoi(out.c_str()) >= 1);
	/* At load PipeWire writes the node's whole Props back (spa-node.c
	 * setup_props), read-only controls included: that must not fail. */
	out.clear();
	runCommand(std::string("grep -c 'setup properties' ") + logs + "/pipewire.log", &out);
	CHECK(atoi(out.c_str()) == 0);
}

TEST_CASE("controls: a change made by another program reaches clients watching Props",
	  "[pipeline][controls]")
{
	std::string out;
	const std::string id = nodeId(kSp);
	REQUIRE(!id.empty());
	/* pw-dump -m prints the node again when its info says Props changed;
	 * nothing polls the device, so only V4L2_EVENT_CTRL can cause that. */
	const std::string dump = "/tmp/controls-monitor.json";
	REQUIRE(runCommand("v4l2-ctl -d /dev/video0 -c brightness=128", &out) == 0);
	REQUIRE(runCommand("(timeout 8 pw-dump -m " + id + " > " + dump + " 2>&1 &) ; sleep 2", &out) == 0);
	REQUIRE(runCommand("v4l2-ctl -d /dev/video0 -c brightness=77", &out) == 0);
	sleep(3);
	out.clear();
	runCommand("grep -c '\"brightness\": 77' " + dump, &out);
	INFO("pw-dump -m output: " << dump);
	CHECK(atoi(out.c_str()) >= 1);
}

TEST_CASE("io-mode convert through the daemon: a raw sensor's frames as RGB in shared memory",
	  "[pipeline][convert]")
{
	/* Run under with-raw-sensor: libv4l2 sees /dev/video0 as SRGGB8 only. */
	REQUIRE(vivid::setSolidPattern(vivid::kSinglePlanar, vivid::kRed) == 0);
	CaptureResult r = CaptureSession(options("vivid-convert", "RGB24", 640, 480, 25, 30)).run();
	requireOk(r);
	/* The client took DmaBuf too; a converting node does not allocate, so
	 * PipeWire puts the link in its shared memory (mapped: MemPtr in 0.3.65). */
	CHECK(r.dataTypesSeen == std::vector<std::string>{"MemPtr"});
	CHECK(r.datasPerBufferSeen == std::vector<uint32_t>{1});
	REQUIRE(r.planes.size() == 1);
	CHECK(r.planes[0].stride == 640 * 3);
	CHECK(r.planes[0].exporter.empty());
	CHECK(r.corrupted == 0);
	CHECK(meanOf(r, "R") > 150);
	CHECK(meanOf(r, "G") < 60);
	CHECK(meanOf(r, "B") < 60);

	/* The zero-copy node of the same device, in the same daemon, is unchanged.
	 * The converting node holds the V4L2 queue until WirePlumber suspends it
	 * (5 s idle): until then the device is busy. */
	for (int attempt = 0; attempt < 8; attempt++) {
		r = CaptureSession(options(kSp, "YUYV", 640, 480, 25, 10)).run();
		if (r.ok)
			break;
		sleep(2);
	}
	requireOk(r);
	checkPlanes(r, 1, "DmaBuf");
	CHECK(r.planes[0].exporter.find("videobuf2") == 0);
	checkRedYuv(r);
}

namespace {

/* What pw-dump (a client nobody here wrote) says of the node named @p name,
 * one "kind key=value" line each: "prop" for its info props, "param" for
 * each param id it lists with the count, "control" for each Props value,
 * "port DIRECTION" for each of its ports and "format" for each EnumFormat's
 * format there; "id N" for its global id. */
std::string pwDumpNode(const char *name)
{
	const std::string script = "/tmp/pw-dump-node.py";
	std::ofstream(script) << R"PY(import json, sys
objs = json.load(sys.stdin)
for o in objs:
    info = o.get("info") or {}
    props = info.get("props") or {}
    if o.get("type") != "PipeWire:Interface:Node" or props.get("node.name") != sys.argv[1]:
        continue
    print("id %d" % o["id"])
    for k in sorted(props):
        print("prop %s=%s" % (k, props[k]))
    params = info.get("params") or {}
    for k in sorted(params):
        print("param %s=%d" % (k, len(params[k])))
    for p in params.get("Props", []):
        for k, v in p.items():
            print("control %s=%s" % (k, v))
    # Formats are the port's params: its Port object names the node.
    for port in objs:
        pinfo = port.get("info") or {}
        if port.get("type") != "PipeWire:Interface:Port" or \
           str((pinfo.get("props") or {}).get("node.id")) != str(o["id"]):
            continue
        print("port %s" % pinfo.get("direction"))
        for f in (pinfo.get("params") or {}).get("EnumFormat", []):
            print("format %s" % f.get("format"))
)PY";
	std::string out;
	runCommand(std::string("pw-dump 2>/dev/null | python3 ") + script + " " + name, &out);
	return out;
}

bool hasLine(const std::string &text, const std::string &line)
{
	return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

} /* namespace */

TEST_CASE("pw-dump shows the node, its properties, formats and controls", "[pipeline][clients]")
{
	const std::string id = nodeId(kSp);
	REQUIRE(!id.empty());
	std::string out;
	REQUIRE(runCommand("pw-cli set-param " + id + " Props '{ brightness: 150 }' 2>&1", &out) == 0);
	out.clear();
	REQUIRE(runCommand("v4l2-ctl -d /dev/video0 -C brightness", &out) == 0);
	REQUIRE(out == "brightness: 150\n");

	const std::string dump = pwDumpNode(kSp);
	INFO("pw-dump, node " << kSp << ":\n" << dump);
	CHECK(hasLine(dump, "id " + id));
	CHECK(hasLine(dump, "prop node.name=vivid-sp"));
	CHECK(hasLine(dump, "prop api.v4l2.path=/dev/video0"));
	CHECK(hasLine(dump, "prop media.class=Video/Source"));
	CHECK(hasLine(dump, "prop media.role=Camera"));
	CHECK(dump.find("param PropInfo=") != std::string::npos);
	/* One output port; vivid's single-planar webcam input has YUYV. */
	CHECK(hasLine(dump, "port output"));
	CHECK(dump.find("port input") == std::string::npos);
	CHECK(hasLine(dump, "format YUY2"));
	/* The value just set through pw-cli, read back from the node by pw-dump. */
	CHECK(hasLine(dump, "control brightness=150"));
	/* The other node is there too, with its own device. */
	CHECK(hasLine(pwDumpNode(kMp), "prop api.v4l2.path=/dev/video4"));
}

TEST_CASE("pw-top shows the node driving a stream, with its format", "[pipeline][clients][pw-top]")
{
	/* A capture of ~8 s in the background; pw-top looks in the middle of it. */
	CaptureResult capture;
	std::thread streaming([&] { capture = CaptureSession(options(kSp, "YUYV", 640, 480, 25, 200)).run(); });
	sleep(3);
	/* PipeWire 1.x: two refreshes (one a second) printed as text. 0.3.65's
	 * pw-top is curses only (no batch mode); meson leaves this test case out
	 * there. */
	std::string out;
	int status = runCommand("timeout 20 pw-top -b -n 2 2>&1", &out);
	streaming.join();
	INFO("pw-top:\n" << out);
	INFO("pw-top status " << status);
	requireOk(capture);
	/* The row of the driving node: state R(unning), the quantum and rate of
	 * its clock (one frame, 1/25 s: the node's SPA_IO_Clock), its name; then
	 * the capture stream's row (" + ", a follower) with the format. The node
	 * itself shows none: spa-node-factory hosts it without an adapter, and
	 * the format is its port's param. */
	bool driver = false, follower = false;
	std::istringstream lines(out);
	for (std::string line; std::getline(lines, line);) {
		std::istringstream words(line);
		std::vector<std::string> w{std::istream_iterator<std::string>(words), {}};
		if (w.size() >= 5 && w[0] == "R" && w[2] == "1" && w[3] == "25" && w.back() == "vivid-sp")
			driver = true;
		if (driver && w.size() >= 5 && w[0] == "R" && line.find(" + ") != std::string::npos &&
		    line.find("YUY2 640x480") != std::string::npos && w.back() == "v4l2-dmabuf-capture")
			follower = true;
	}
	CHECK(driver);
	CHECK(follower);
}

/* Run by vm-abi-bookworm-plugin only ([.]: hidden from other runs). */
TEST_CASE("the daemon runs the plugin named by V4L2_DMABUF_EXPECT_PLUGIN", "[.][abi]")
{
	const char *expected = getenv("V4L2_DMABUF_EXPECT_PLUGIN");
	const char *pid = getenv("V4L2_DMABUF_PIPEWIRE_PID");
	REQUIRE(expected);
	REQUIRE(pid);
	std::ifstream maps(std::string("/proc/") + pid + "/maps");
	std::string line, plugins;
	bool mapped = false;
	while (std::getline(maps, line)) {
		if (line.find("libspa-v4l2-dmabuf.so") != std::string::npos)
			plugins += line.substr(line.find('/')) + "\n";
		mapped = mapped || line.find(expected) != std::string::npos;
	}
	INFO("the daemon maps:\n" << plugins);
	CHECK(mapped);
	/* Only that one: no second copy of the plugin from elsewhere. */
	CHECK(plugins.find(expected) == 0);
	std::istringstream each(plugins);
	for (std::string l; std::getline(each, l);)
		CHECK(l == expected);
}
