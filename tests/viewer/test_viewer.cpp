/* SPDX-License-Identifier: MIT */
/*
 * The viewer's logic without GTK (tools/viewer): the DMA-BUF plane
 * description GdkDmabufTextureBuilder gets, the counters of the status line
 * and --report, the command line, PropInfo/Props PODs as controls, and the
 * Camera portal's request paths and answers.
 */
#include <cstring>
#include <vector>

#include <spa/buffer/meta.h>
#include <spa/param/param.h>
#include <spa/param/props.h>
#include <spa/pod/builder.h>

#include "camera_portal.h"
#include "catch.h"
#include "dmabuf_layout.h"
#include "prop_controls.h"
#include "viewer_options.h"
#include "viewer_stats.h"

using namespace v4l2dmabuf;
using namespace v4l2dmabuf::viewer;

namespace {

constexpr uint32_t fourcc(char a, char b, char c, char d)
{
	return uint32_t(a) | uint32_t(b) << 8 | uint32_t(c) << 16 | uint32_t(d) << 24;
}

/* A spa_buffer of @p n datas of @p type, each with its chunk. */
struct FakeBuffer {
	std::vector<spa_data> datas;
	std::vector<spa_chunk> chunks;
	spa_buffer buffer{};

	FakeBuffer(uint32_t n, uint32_t type = SPA_DATA_DmaBuf) : datas(n), chunks(n)
	{
		for (uint32_t i = 0; i < n; i++) {
			datas[i] = spa_data{};
			datas[i].type = type;
			datas[i].fd = 10 + i;
			datas[i].maxsize = 1 << 20;
			datas[i].chunk = &chunks[i];
			chunks[i] = spa_chunk{};
		}
		buffer.n_datas = n;
		buffer.datas = datas.data();
	}
};

const FormatInfo &format(const char *name)
{
	const FormatInfo *info = findFormatByName(name);
	REQUIRE(info != nullptr);
	return *info;
}

} /* namespace */

TEST_CASE("dmabufLayout: YUYV, one plane at the chunk's offset", "[viewer]")
{
	FakeBuffer fb(1);
	fb.datas[0].mapoffset = 4096;
	fb.chunks[0].offset = 64;
	fb.chunks[0].stride = 1280;
	DmabufLayout l;
	REQUIRE(dmabufLayout(format("YUYV"), 640, 360, fb.buffer, &l) == 0);
	CHECK(l.drmFourcc == fourcc('Y', 'U', 'Y', 'V'));
	CHECK(l.modifier == 0); /* DRM_FORMAT_MOD_LINEAR */
	CHECK(l.width == 640);
	CHECK(l.height == 360);
	REQUIRE(l.planes.size() == 1);
	CHECK(l.planes[0].fd == 10);
	CHECK(l.planes[0].offset == 4096 + 64);
	CHECK(l.planes[0].stride == 1280);
}

TEST_CASE("dmabufLayout: NV12 in one memory plane is two DRM planes on one fd", "[viewer]")
{
	FakeBuffer fb(1);
	fb.chunks[0].stride = 704; /* padded lines */
	DmabufLayout l;
	REQUIRE(dmabufLayout(format("NV12"), 640, 480, fb.buffer, &l) == 0);
	CHECK(l.drmFourcc == fourcc('N', 'V', '1', '2'));
	REQUIRE(l.planes.size() == 2);
	CHECK(l.planes[0].fd == 10);
	CHECK(l.planes[1].fd == 10);
	CHECK(l.planes[0].offset == 0);
	CHECK(l.planes[1].offset == 704 * 480);
	CHECK(l.planes[0].stride == 704);
	CHECK(l.planes[1].stride == 704);
}

TEST_CASE("dmabufLayout: NV12M and YUV420M, one fd per plane", "[viewer]")
{
	FakeBuffer nv(2);
	nv.chunks[0].stride = 640;
	nv.chunks[1].stride = 640;
	nv.datas[1].mapoffset = 8192;
	nv.chunks[1].offset = 16;
	DmabufLayout l;
	REQUIRE(dmabufLayout(format("NV12M"), 640, 480, nv.buffer, &l) == 0);
	CHECK(l.drmFourcc == fourcc('N', 'V', '1', '2'));
	REQUIRE(l.planes.size() == 2);
	CHECK(l.planes[0].fd == 10);
	CHECK(l.planes[1].fd == 11);
	CHECK(l.planes[1].offset == 8192 + 16);

	FakeBuffer yuv(3);
	yuv.chunks[0].stride = 640;
	yuv.chunks[1].stride = 320;
	yuv.chunks[2].stride = 320;
	REQUIRE(dmabufLayout(format("YUV420M"), 640, 480, yuv.buffer, &l) == 0);
	CHECK(l.drmFourcc == fourcc('Y', 'U', '1', '2'));
	REQUIRE(l.planes.size() == 3);
	CHECK(l.planes[2].fd == 12);
	CHECK(l.planes[1].stride == 320);
	CHECK(l.planes[2].offset == 0);
}

TEST_CASE("dmabufLayout: YUV420 contiguous, chroma strides by V4L2's rule", "[viewer]")
{
	FakeBuffer fb(1);
	fb.chunks[0].stride = 0; /* no stride: tight */
	DmabufLayout l;
	REQUIRE(dmabufLayout(format("YUV420"), 640, 480, fb.buffer, &l) == 0);
	REQUIRE(l.planes.size() == 3);
	CHECK(l.planes[0].stride == 640);
	CHECK(l.planes[1].stride == 320);
	CHECK(l.planes[2].stride == 320);
	CHECK(l.planes[1].offset == 640 * 480);
	CHECK(l.planes[2].offset == 640 * 480 + 320 * 240);
}

TEST_CASE("dmabufLayout: refuses what is no DMA-BUF frame of the format", "[viewer]")
{
	DmabufLayout l;
	FakeBuffer memfd(1, SPA_DATA_MemFd);
	CHECK(dmabufLayout(format("YUYV"), 640, 480, memfd.buffer, &l) == -ENOTSUP);
	FakeBuffer two(2);
	CHECK(dmabufLayout(format("YUYV"), 640, 480, two.buffer, &l) == -EINVAL);
	FakeBuffer one(1);
	CHECK(dmabufLayout(format("NV12M"), 640, 480, one.buffer, &l) == -EINVAL);
	CHECK(dmabufLayout(format("MJPEG"), 640, 480, one.buffer, &l) == -ENOTSUP);
	CHECK(dmabufLayout(format("YUYV"), 0, 480, one.buffer, &l) == -EINVAL);
	one.datas[0].chunk = nullptr;
	CHECK(dmabufLayout(format("YUYV"), 640, 480, one.buffer, &l) == -EINVAL);
	FakeBuffer nofd(1);
	nofd.datas[0].fd = -1;
	CHECK(dmabufLayout(format("YUYV"), 640, 480, nofd.buffer, &l) == -EINVAL);
	FakeBuffer far(1);
	far.datas[0].mapoffset = 0xfffff000u;
	far.chunks[0].offset = 0x2000;
	CHECK(dmabufLayout(format("YUYV"), 640, 480, far.buffer, &l) == -ERANGE);
}

TEST_CASE("ViewerStats: frames, gaps, fps, texture paths and the report line", "[viewer]")
{
	ViewerStats s;
	CHECK(s.fps() == 0);
	CHECK(s.dataType() == "none");
	const int64_t period = 40'000'000; /* 25 frames/s */
	uint64_t seqs[] = {7, 8, 9, 12, 13}; /* two missing before 12 */
	int64_t t = 1'000'000'000;
	for (uint64_t seq : seqs) {
		s.addFrame(t, seq, SPA_DATA_DmaBuf);
		s.addTexture(TexturePath::Dmabuf);
		t += period;
	}
	s.addFrame(t, std::nullopt, SPA_DATA_DmaBuf); /* no header: no gap counted */
	s.addTexture(TexturePath::Memory);
	s.setExporter("videobuf2_vmalloc");
	CHECK(s.frames() == 6);
	CHECK(s.gaps() == 2);
	CHECK(s.dmabufTextures() == 5);
	CHECK(s.memoryTextures() == 1);
	CHECK(s.fps() == Approx(25.0));
	CHECK(s.dataType() == "DmaBuf");
	CHECK(s.reportLine() ==
	      "viewer: frames=6 textures_dmabuf=5 textures_memory=1 textures_failed=0 gaps=2 "
	      "type=DmaBuf fps=25.0 exporter=videobuf2_vmalloc controls=0 controls_set=0");
	s.setControls(59, 1);
	CHECK(s.reportLine().find(" controls=59 controls_set=1") != std::string::npos);
	CHECK(s.reportLine().find("open_dmabufs") == std::string::npos);
	s.setOpenDmabufs(0);
	CHECK(s.reportLine().find(" controls_set=1 open_dmabufs=0") != std::string::npos);
	s.setConnection("portal", "");
	CHECK(s.reportLine().find(" controls_set=1 remote=portal node=- open_dmabufs=0") != std::string::npos);
	s.setConnection("daemon", "vivid-sp");
	CHECK(s.reportLine().find(" remote=daemon node=vivid-sp open_dmabufs=0") != std::string::npos);
	/* No device here: a process of this test holds no DMA-BUF. */
	CHECK(countOpenDmabufs() == 0);
	CHECK(s.statusLine().find("25.0 fps") == 0);

	/* The rate is over the last 2 s only: after a pause, the new rate. */
	t += 10'000'000'000;
	for (int i = 0; i < 200; i++, t += 10'000'000)
		s.addFrame(t, std::nullopt, SPA_DATA_MemFd);
	CHECK(s.fps() == Approx(100.0).epsilon(0.01));
	CHECK(s.dataType() == "MemFd");
}

TEST_CASE("parseViewerOptions", "[viewer]")
{
	ViewerOptions o;
	std::string error;
	const char *ok[] = {"viewer", "--target", "vivid-sp", "--frames", "30", "--report",
			    "--size", "320x180", "--format", "nv12", "--data-types", "dmabuf,memfd",
			    "--screenshot", "/tmp/x.png", "--no-dmabuf", "--framerate", "30000/1001",
			    "--control", "brightness=-5", "--control", "api.v4l2.gain=7", nullptr};
	REQUIRE(parseViewerOptions(21, const_cast<char **>(ok), &o, &error) == 0);
	CHECK(o.target == "vivid-sp");
	CHECK(o.frames == 30);
	CHECK(o.report);
	CHECK(o.width == 320);
	CHECK(o.height == 180);
	CHECK(o.format == "nv12");
	CHECK(o.dataTypes == ((1u << SPA_DATA_DmaBuf) | (1u << SPA_DATA_MemFd)));
	CHECK(o.screenshot == "/tmp/x.png");
	CHECK(o.noDmabuf);
	CHECK(o.framerateNum == 30000);
	CHECK(o.framerateDenom == 1001);
	REQUIRE(o.setControls.size() == 2);
	CHECK(o.setControls[0] == std::make_pair(std::string("brightness"), -5));
	CHECK(o.setControls[1] == std::make_pair(std::string("api.v4l2.gain"), 7));

	const char *defaults[] = {"viewer", nullptr};
	REQUIRE(parseViewerOptions(1, const_cast<char **>(defaults), &o, &error) == 0);
	CHECK(o.frames == 0);
	CHECK(o.dataTypes == ((1u << SPA_DATA_DmaBuf) | (1u << SPA_DATA_MemFd) | (1u << SPA_DATA_MemPtr)));
	CHECK_FALSE(o.portal);

	const char *portal[] = {"viewer", "--portal", "--target", "42", nullptr};
	REQUIRE(parseViewerOptions(4, const_cast<char **>(portal), &o, &error) == 0);
	CHECK(o.portal);
	CHECK(o.target == "42");

	for (std::vector<const char *> bad : std::vector<std::vector<const char *>>{
		     {"viewer", "--frames", "-1"}, {"viewer", "--frames", "x"},
		     {"viewer", "--size", "640"}, {"viewer", "--size", "0x480"},
		     {"viewer", "--format", "NOPE"}, {"viewer", "--framerate", "0"},
		     {"viewer", "--framerate", "25/0"}, {"viewer", "--data-types", "dmabuf,gpu"},
		     {"viewer", "--control", "brightness"}, {"viewer", "--control", "=1"},
		     {"viewer", "--control", "gain=x"}, {"viewer", "--control", "gain=4294967296"},
		     {"viewer", "--control", "gain=1", "--no-controls"},
		     {"viewer", "--bogus"}, {"viewer", "extra"}}) {
		INFO(bad[1]);
		bad.push_back(nullptr);
		error.clear();
		CHECK(parseViewerOptions(int(bad.size() - 1), const_cast<char **>(bad.data()), &o, &error) == -EINVAL);
		CHECK(!error.empty());
	}
}

namespace {

/* PropInfo objects as the plugin builds them (spa/source/controls.cpp). */
const spa_pod *intRangeInfo(spa_pod_builder *b)
{
	spa_pod_frame f, c;
	spa_pod_builder_push_object(b, &f, SPA_TYPE_OBJECT_PropInfo, SPA_PARAM_PropInfo);
	spa_pod_builder_add(b, SPA_PROP_INFO_id, SPA_POD_Id(SPA_PROP_brightness),
			    SPA_PROP_INFO_name, SPA_POD_String("api.v4l2.brightness"),
			    SPA_PROP_INFO_description, SPA_POD_String("Brightness"), 0);
	spa_pod_builder_prop(b, SPA_PROP_INFO_type, SPA_POD_PROP_FLAG_HARDWARE);
	spa_pod_builder_push_choice(b, &c, SPA_CHOICE_Step, 0);
	spa_pod_builder_int(b, 128);
	spa_pod_builder_int(b, 0);
	spa_pod_builder_int(b, 255);
	spa_pod_builder_int(b, 5);
	spa_pod_builder_pop(b, &c);
	return static_cast<const spa_pod *>(spa_pod_builder_pop(b, &f));
}

const spa_pod *menuInfo(spa_pod_builder *b, bool readOnly)
{
	spa_pod_frame f, c, s;
	spa_pod_builder_push_object(b, &f, SPA_TYPE_OBJECT_PropInfo, SPA_PARAM_PropInfo);
	spa_pod_builder_add(b, SPA_PROP_INFO_id, SPA_POD_Id(0x1000100),
			    SPA_PROP_INFO_description, SPA_POD_String("Test Pattern"), 0);
	spa_pod_builder_prop(b, SPA_PROP_INFO_type, readOnly ? SPA_POD_PROP_FLAG_READONLY : 0);
	spa_pod_builder_push_choice(b, &c, SPA_CHOICE_Enum, 0);
	spa_pod_builder_int(b, 0);
	spa_pod_builder_int(b, 0);
	spa_pod_builder_int(b, 1);
	spa_pod_builder_int(b, 3);
	spa_pod_builder_pop(b, &c);
	spa_pod_builder_prop(b, SPA_PROP_INFO_labels, 0);
	spa_pod_builder_push_struct(b, &s);
	spa_pod_builder_int(b, 0);
	spa_pod_builder_string(b, "75% Colorbar");
	spa_pod_builder_int(b, 1);
	spa_pod_builder_string(b, "100% Colorbar");
	spa_pod_builder_pop(b, &s); /* no label for 3 */
	return static_cast<const spa_pod *>(spa_pod_builder_pop(b, &f));
}

} /* namespace */

TEST_CASE("parsePropInfo: integer, boolean and menu controls; strings are not controls", "[viewer]")
{
	uint8_t storage[4096];
	spa_pod_builder b = SPA_POD_BUILDER_INIT(storage, sizeof(storage));
	ControlInfo c;

	REQUIRE(parsePropInfo(intRangeInfo(&b), &c) == 0);
	CHECK(c.id == SPA_PROP_brightness);
	CHECK(c.kind == ControlKind::Integer);
	CHECK(c.def == 128);
	CHECK(c.min == 0);
	CHECK(c.max == 255);
	CHECK(c.step == 5);
	CHECK(!c.readOnly);
	CHECK(c.label() == "Brightness");

	REQUIRE(parsePropInfo(menuInfo(&b, true), &c) == 0);
	CHECK(c.kind == ControlKind::Menu);
	CHECK(c.readOnly);
	REQUIRE(c.menu.size() == 3);
	CHECK(c.menu[0] == std::make_pair(0, std::string("75% Colorbar")));
	CHECK(c.menu[1] == std::make_pair(1, std::string("100% Colorbar")));
	CHECK(c.menu[2] == std::make_pair(3, std::string("3")));

	const spa_pod *boolInfo = static_cast<const spa_pod *>(spa_pod_builder_add_object(&b,
		SPA_TYPE_OBJECT_PropInfo, SPA_PARAM_PropInfo,
		SPA_PROP_INFO_id, SPA_POD_Id(0x1000200),
		SPA_PROP_INFO_name, SPA_POD_String("api.v4l2.hflip"),
		SPA_PROP_INFO_type, SPA_POD_CHOICE_Bool(true)));
	REQUIRE(parsePropInfo(boolInfo, &c) == 0);
	CHECK(c.kind == ControlKind::Boolean);
	CHECK(c.def == 1);
	CHECK(c.label() == "api.v4l2.hflip");

	const spa_pod *stringInfo = static_cast<const spa_pod *>(spa_pod_builder_add_object(&b,
		SPA_TYPE_OBJECT_PropInfo, SPA_PARAM_PropInfo,
		SPA_PROP_INFO_id, SPA_POD_Id(SPA_PROP_device),
		SPA_PROP_INFO_type, SPA_POD_String("/dev/video0")));
	CHECK(parsePropInfo(stringInfo, &c) == -ENOTSUP);
	const spa_pod *noType = static_cast<const spa_pod *>(spa_pod_builder_add_object(&b,
		SPA_TYPE_OBJECT_PropInfo, SPA_PARAM_PropInfo, SPA_PROP_INFO_id, SPA_POD_Id(1)));
	CHECK(parsePropInfo(noType, &c) == -EINVAL);
	const spa_pod *props = static_cast<const spa_pod *>(spa_pod_builder_add_object(&b,
		SPA_TYPE_OBJECT_Props, SPA_PARAM_Props, SPA_PROP_brightness, SPA_POD_Int(1)));
	CHECK(parsePropInfo(props, &c) == -EINVAL);
	CHECK(parsePropInfo(nullptr, &c) == -EINVAL);
}

TEST_CASE("buildControlProps and parsePropsValues round trip", "[viewer]")
{
	uint8_t storage[1024];
	spa_pod_builder b = SPA_POD_BUILDER_INIT(storage, sizeof(storage));
	ControlInfo brightness;
	brightness.id = SPA_PROP_brightness;
	const spa_pod *p = buildControlProps(&b, brightness, 200);
	REQUIRE(p != nullptr);
	auto values = parsePropsValues(p);
	REQUIRE(values.count(SPA_PROP_brightness) == 1);
	CHECK(values[SPA_PROP_brightness] == 200);

	ControlInfo flip;
	flip.id = 0x1000200;
	flip.kind = ControlKind::Boolean;
	p = buildControlProps(&b, flip, 1);
	REQUIRE(p != nullptr);
	const spa_pod_prop *prop = spa_pod_find_prop(p, nullptr, flip.id);
	REQUIRE(prop != nullptr);
	CHECK(spa_pod_is_bool(&prop->value));
	CHECK(parsePropsValues(p)[flip.id] == 1);

	uint8_t tiny[16];
	spa_pod_builder small = SPA_POD_BUILDER_INIT(tiny, sizeof(tiny));
	CHECK(buildControlProps(&small, brightness, 1) == nullptr);
	CHECK(parsePropsValues(nullptr).empty());
}

TEST_CASE("findControl: by PropInfo name, short name or description", "[viewer]")
{
	std::vector<ControlInfo> list(2);
	list[0].id = SPA_PROP_brightness;
	list[0].name = "api.v4l2.brightness";
	list[0].description = "Brightness";
	list[1].id = 0x1000300;
	list[1].name = "api.v4l2.integer_32_bits";
	list[1].description = "Integer 32 Bits";
	CHECK(findControl(list, "api.v4l2.brightness") == &list[0]);
	CHECK(findControl(list, "brightness") == &list[0]);
	CHECK(findControl(list, "BRIGHTNESS") == &list[0]);
	CHECK(findControl(list, "integer_32_bits") == &list[1]);
	CHECK(findControl(list, "Integer 32 Bits") == &list[1]);
	CHECK(findControl(list, "contrast") == nullptr);
	CHECK(findControl(list, "") == nullptr);
}

TEST_CASE("portalRequestPath: the Request a handle_token names", "[viewer]")
{
	CHECK(portalRequestPath(":1.42", "v4l2dmabufviewer77") ==
	      "/org/freedesktop/portal/desktop/request/1_42/v4l2dmabufviewer77");
	CHECK(portalRequestPath(":1.1234", "a_B9") == "/org/freedesktop/portal/desktop/request/1_1234/a_B9");
	/* Not a unique name, or a token that is no object path element. */
	CHECK(portalRequestPath("org.example.App", "t").empty());
	CHECK(portalRequestPath(":", "t").empty());
	CHECK(portalRequestPath(":1.42", "").empty());
	CHECK(portalRequestPath(":1.42", "a/b").empty());
	CHECK(portalRequestPath(":1.42", "a-b").empty());
	CHECK(portalRequestPath(":1.4/2", "t").empty());
}

TEST_CASE("portalResponseError: only 0 grants", "[viewer]")
{
	CHECK(portalResponseError(0).empty());
	CHECK(portalResponseError(1).find("denied") != std::string::npos);
	CHECK(portalResponseError(2).find("not granted") != std::string::npos);
	CHECK(portalResponseError(7).find("unknown response 7") != std::string::npos);
}
