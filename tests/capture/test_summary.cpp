/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the pieces around the conversion: the JSON summary, option
 * parsing, frame statistics, the negotiation PODs, and the frame recorder
 * fed with synthetic MemPtr buffers. No PipeWire daemon is involved.
 */
#include "catch.h"

#include <spa/buffer/meta.h>
#include <spa/param/buffers.h>
#include <spa/param/format-utils.h>
#include <spa/param/video/format-utils.h>
#include <spa/pod/iter.h>

#include "capture_options.h"
#include "v4l2-dmabuf/keys.h"
#include "format_params.h"
#include "frame_recorder.h"
#include "summary.h"

using namespace v4l2dmabuf;
using namespace v4l2dmabuf::capture;

namespace {

bool contains(const std::string &haystack, const std::string &needle)
{
	return haystack.find(needle) != std::string::npos;
}

CaptureResult sampleResult()
{
	CaptureResult r;
	r.ok = true;
	r.formatName = "NV12M";
	r.width = 640;
	r.height = 480;
	r.framerateNum = 30;
	r.framerateDenom = 1;
	r.memoryPlanes = 2;
	r.frames = 60;
	r.sequenceGaps = 2;
	r.dataTypesSeen = {"DmaBuf"};
	r.datasPerBufferSeen = {2};
	r.planes = {{"DmaBuf", 640, 0, 307200, 307200, 0, "vivid"},
		    {"DmaBuf", 640, 0, 153600, 153600, 0, "vivid"}};
	r.latency = {60, 1.5, 3.25, 4};
	r.timeToFirstFrameMs = 120.5;
	r.consumerCpu = {250.25, 42.5};
	r.means = {{"Y", 235}, {"Cb", 128}, {"Cr", 128}};
	r.pngPath = "/tmp/last.png";
	return r;
}

} /* namespace */

TEST_CASE("JSON strings are escaped", "[summary]")
{
	CHECK(jsonString("plain") == "\"plain\"");
	CHECK(jsonString("a\"b\\c\nd") == "\"a\\\"b\\\\c\\nd\"");
	CHECK(jsonString(std::string("\x01", 1)) == "\"\\u0001\"");
}

TEST_CASE("JSON summary carries every field", "[summary]")
{
	std::string json = summaryJson(sampleResult());
	CHECK(contains(json, "\"ok\": true"));
	CHECK(contains(json, "\"format\": {\"name\": \"NV12M\", \"width\": 640, \"height\": 480, "
			     "\"framerate\": \"30/1\", \"memory_planes\": 2}"));
	CHECK(contains(json, "\"frames\": 60,"));
	CHECK(contains(json, "\"sequence_gaps\": 2,"));
	CHECK(contains(json, "\"data_types\": [\"DmaBuf\"]"));
	CHECK(contains(json, "\"datas_per_buffer\": [2]"));
	CHECK(contains(json, "{\"data_type\": \"DmaBuf\", \"stride\": 640, \"chunk_offset\": 0, "
			     "\"chunk_size\": 153600, \"maxsize\": 153600, \"map_offset\": 0, "
			     "\"exporter\": \"vivid\"}"));
	CHECK(contains(json, "\"latency_ms\": {\"samples\": 60, \"p50\": 1.500, \"p99\": 3.250, "
			     "\"max\": 4.000}"));
	CHECK(contains(json, "\"time_to_first_frame_ms\": 120.500"));
	CHECK(contains(json, "\"consumer_cpu_ms\": {\"run\": 250.250, \"streaming\": 42.500}"));
	CHECK(contains(json, "\"means\": {\"Y\": 235.000, \"Cb\": 128.000, \"Cr\": 128.000}"));
	CHECK(contains(json, "\"png\": \"/tmp/last.png\""));

	/* Braces and brackets balance (outside strings, which hold none here). */
	int depth = 0;
	for (char c : json) {
		depth += (c == '{' || c == '[') - (c == '}' || c == ']');
		REQUIRE(depth >= 0);
	}
	CHECK(depth == 0);
}

TEST_CASE("JSON summary of a failure", "[summary]")
{
	CaptureResult r;
	r.error = "stream error: \"no target\"";
	std::string json = summaryJson(r);
	CHECK(contains(json, "\"ok\": false"));
	CHECK(contains(json, "\"error\": \"stream error: \\\"no target\\\"\""));
	CHECK(contains(json, "\"planes\": [],"));
	CHECK(contains(json, "\"time_to_first_frame_ms\": null"));
	CHECK(contains(json, "\"consumer_cpu_ms\": {\"run\": null, \"streaming\": null}"));
	CHECK(contains(json, "\"png\": null"));
	CHECK(contains(summaryText(r), "FAILED: stream error"));
}

TEST_CASE("option parsing", "[options]")
{
	uint32_t a = 0, b = 0;
	CHECK(parseSize("640x480", &a, &b));
	CHECK((a == 640 && b == 480));
	CHECK_FALSE(parseSize("640", &a, &b));
	CHECK_FALSE(parseSize("0x480", &a, &b));
	CHECK_FALSE(parseSize("640x", &a, &b));
	CHECK_FALSE(parseSize("-1x2", &a, &b));

	CHECK(parseFramerate("30", &a, &b));
	CHECK((a == 30 && b == 1));
	CHECK(parseFramerate("30000/1001", &a, &b));
	CHECK((a == 30000 && b == 1001));
	CHECK_FALSE(parseFramerate("30/0", &a, &b));
	CHECK_FALSE(parseFramerate("fast", &a, &b));

	uint32_t mask = 0;
	CHECK(parseDataTypes("dmabuf", &mask));
	CHECK(mask == 1u << SPA_DATA_DmaBuf);
	CHECK(parseDataTypes("MemFd,memptr", &mask));
	CHECK(mask == ((1u << SPA_DATA_MemFd) | (1u << SPA_DATA_MemPtr)));
	CHECK_FALSE(parseDataTypes("dmabuf,shm", &mask));
	CHECK_FALSE(parseDataTypes("", &mask));
}

TEST_CASE("sequence gaps and latency percentiles", "[stats]")
{
	SequenceTracker seq;
	CHECK(seq.add(10) == 0);
	CHECK(seq.add(11) == 0);
	CHECK(seq.add(14) == 2);
	CHECK(seq.add(3) == 0); /* a restart is no gap */
	CHECK(seq.add(4) == 0);
	CHECK(seq.gaps() == 2);

	std::vector<int64_t> ns;
	for (int i = 100; i >= 1; i--)
		ns.push_back(int64_t(i) * 1000000);
	LatencyStats s = latencyStats(ns);
	CHECK(s.samples == 100);
	CHECK(s.p50Ms == Approx(50));
	CHECK(s.p99Ms == Approx(99));
	CHECK(s.maxMs == Approx(100));
	CHECK(latencyStats({}).samples == 0);
}

TEST_CASE("EnumFormat: memoryPlanes key, no modifier", "[params]")
{
	struct { const char *name; int32_t key; } cases[] = {
		{"NV12M", 2}, {"NV12", 1}, {"YUV420M", 3}, {"YUV420", 1}, {"YUYV", 0},
	};
	for (const auto &c : cases) {
		INFO(c.name);
		uint8_t storage[1024];
		spa_pod_builder b = SPA_POD_BUILDER_INIT(storage, sizeof(storage));
		FormatRequest request{findFormatByName(c.name), 640, 480, 30, 1};
		auto params = buildEnumFormats(&b, request);
		REQUIRE(params.size() == 1);
		const spa_pod *p = params[0];
		CHECK(spa_pod_find_prop(p, nullptr, SPA_FORMAT_VIDEO_modifier) == nullptr);

		spa_video_info_raw raw{};
		REQUIRE(spa_format_video_raw_parse(p, &raw) >= 0);
		CHECK(raw.format == request.format->spaFormat);
		CHECK((raw.size.width == 640 && raw.size.height == 480));

		const spa_pod_prop *prop =
			spa_pod_find_prop(p, nullptr, V4L2_DMABUF_FORMAT_VIDEO_memoryPlanes);
		if (c.key == 0) {
			CHECK(prop == nullptr);
		} else {
			REQUIRE(prop != nullptr);
			int32_t v = 0;
			CHECK(spa_pod_get_int(&prop->value, &v) == 0);
			CHECK(v == c.key);
		}
	}

	uint8_t storage[4096];
	spa_pod_builder b = SPA_POD_BUILDER_INIT(storage, sizeof(storage));
	auto any = buildEnumFormats(&b, FormatRequest{});
	REQUIRE(any.size() == 3); /* raw, MJPEG, H264 */
	uint32_t type, subtype;
	REQUIRE(spa_format_parse(any[1], &type, &subtype) >= 0);
	CHECK(subtype == SPA_MEDIA_SUBTYPE_mjpg);
}

TEST_CASE("Format parsing maps back to the table", "[params]")
{
	uint8_t storage[1024];
	spa_pod_builder b = SPA_POD_BUILDER_INIT(storage, sizeof(storage));
	spa_pod_frame f;
	spa_pod_builder_push_object(&b, &f, SPA_TYPE_OBJECT_Format, SPA_PARAM_Format);
	spa_pod_builder_prop(&b, SPA_FORMAT_mediaType, 0);
	spa_pod_builder_id(&b, SPA_MEDIA_TYPE_video);
	spa_pod_builder_prop(&b, SPA_FORMAT_mediaSubtype, 0);
	spa_pod_builder_id(&b, SPA_MEDIA_SUBTYPE_raw);
	spa_pod_builder_prop(&b, SPA_FORMAT_VIDEO_format, 0);
	spa_pod_builder_id(&b, SPA_VIDEO_FORMAT_NV12);
	spa_pod_builder_prop(&b, SPA_FORMAT_VIDEO_size, 0);
	spa_pod_builder_rectangle(&b, 320, 240);
	spa_pod_builder_prop(&b, SPA_FORMAT_VIDEO_framerate, 0);
	spa_pod_builder_fraction(&b, 25, 1);
	spa_pod_builder_prop(&b, V4L2_DMABUF_FORMAT_VIDEO_memoryPlanes, 0);
	spa_pod_builder_int(&b, 2);
	auto *format = static_cast<const spa_pod *>(spa_pod_builder_pop(&b, &f));

	NegotiatedFormat n;
	REQUIRE(parseFormat(format, nullptr, &n) == 0);
	REQUIRE(n.info != nullptr);
	CHECK(std::string(n.info->name) == "NV12M");
	CHECK((n.width == 320 && n.height == 240 && n.framerateNum == 25 && n.framerateDenom == 1));
	CHECK(n.memoryPlanesKey == 2);
	CHECK_FALSE(n.hasModifier);
	CHECK(parseFormat(nullptr, nullptr, &n) == -EINVAL);
}

TEST_CASE("Buffers param: dataType flags, header meta", "[params]")
{
	uint8_t storage[1024];
	spa_pod_builder b = SPA_POD_BUILDER_INIT(storage, sizeof(storage));
	uint32_t mask = (1u << SPA_DATA_DmaBuf) | (1u << SPA_DATA_MemFd);
	auto params = buildBufferParams(&b, mask);
	REQUIRE(params.size() == 2);

	const spa_pod_prop *prop = spa_pod_find_prop(params[0], nullptr, SPA_PARAM_BUFFERS_dataType);
	REQUIRE(prop != nullptr);
	uint32_t n = 0, choice = 0;
	const spa_pod *v = spa_pod_get_values(&prop->value, &n, &choice);
	CHECK(choice == SPA_CHOICE_Flags);
	int32_t value = 0;
	CHECK(spa_pod_get_int(v, &value) == 0);
	CHECK(uint32_t(value) == mask);
	CHECK(spa_pod_find_prop(params[0], nullptr, SPA_PARAM_BUFFERS_blocks) == nullptr);

	uint32_t metaType = 0;
	int32_t metaSize = 0;
	REQUIRE(spa_pod_parse_object(params[1], SPA_TYPE_OBJECT_ParamMeta, nullptr,
				     SPA_PARAM_META_type, SPA_POD_Id(&metaType),
				     SPA_PARAM_META_size, SPA_POD_Int(&metaSize)) >= 0);
	CHECK(metaType == SPA_META_Header);
	CHECK(metaSize == int32_t(sizeof(spa_meta_header)));
}

TEST_CASE("frame recorder on synthetic MemPtr buffers", "[recorder]")
{
	/* A 4x2 NV12M frame: Y plane (stride 4), CbCr plane (stride 4), chunk offsets 0. */
	std::vector<uint8_t> yPlane(8, 235), uvPlane(4, 128);
	spa_chunk chunks[2] = {{0, 8, 4, 0}, {0, 4, 4, 0}};
	spa_data datas[2]{};
	datas[0] = {SPA_DATA_MemPtr, 0, -1, 0, 8, yPlane.data(), &chunks[0]};
	datas[1] = {SPA_DATA_MemPtr, 0, -1, 0, 4, uvPlane.data(), &chunks[1]};
	spa_meta_header header{};
	spa_meta metas[1] = {{SPA_META_Header, sizeof(header), &header}};
	spa_buffer buffer{1, 2, metas, datas};

	FrameRecorder rec;
	NegotiatedFormat format;
	format.info = findFormatByName("NV12M");
	format.width = 4;
	format.height = 2;
	rec.setFormat(format);
	rec.setConnectTime(1000000);
	rec.bufferAdded();
	MappedBuffer mapped = mapBuffer(buffer);
	REQUIRE(mapped.failures() == 0);

	header.seq = 7;
	header.pts = 5000000;
	rec.addFrame(buffer, mapped, 6000000); /* 1 ms latency, first frame 5 ms after connect */
	header.seq = 10;
	header.pts = 7000000;
	header.flags = SPA_META_HEADER_FLAG_CORRUPTED;
	rec.addFrame(buffer, mapped, 10000000); /* 3 ms */

	CaptureResult r;
	rec.finish("", &r);
	CHECK(r.frames == 2);
	CHECK(r.bytes == 24);
	CHECK(r.sequenceGaps == 2);
	CHECK(r.corrupted == 1);
	CHECK(r.dataTypesSeen == std::vector<std::string>{"MemPtr"});
	CHECK(r.datasPerBufferSeen == std::vector<uint32_t>{2});
	REQUIRE(r.planes.size() == 2);
	CHECK((r.planes[1].stride == 4 && r.planes[1].chunkSize == 4 && r.planes[1].exporter.empty()));
	CHECK(r.latency.samples == 2);
	CHECK(r.latency.maxMs == Approx(3));
	CHECK(r.timeToFirstFrameMs == Approx(5));
	REQUIRE(r.means.size() == 3);
	CHECK(r.means[0].mean == Approx(235));
	CHECK(r.pngPath.empty());

	/* A chunk that claims more than the plane holds is counted, not read. */
	chunks[0].size = 64;
	rec.addFrame(buffer, mapped, 11000000);
	CaptureResult r2;
	rec.finish("", &r2);
	CHECK(r2.badChunks == 1);
	CHECK(r2.means.empty());
}
