/* SPDX-License-Identifier: MIT */
/* The POD side of negotiation, checked with libspa's own filter and parsers. */
#include <linux/videodev2.h>

#include "catch.h"
#include <spa/buffer/buffer.h>
#include <spa/param/param.h>
#include <spa/param/video/format-utils.h>
#include <spa/pod/filter.h>
#include <spa/pod/parser.h>

#include "buffer_params.h"
#include "spa_names.h"
#include "v4l2-dmabuf/keys.h"
#include "format_pod.h"

using namespace v4l2dmabuf;

namespace {

V4l2FrameSize discrete(uint32_t w, uint32_t h)
{
	V4l2FrameSize s;
	s.minWidth = s.maxWidth = w;
	s.minHeight = s.maxHeight = h;
	return s;
}

V4l2FrameIntervals rates(std::initializer_list<V4l2Fraction> list)
{
	V4l2FrameIntervals i;
	i.type = V4l2FrameIntervals::Type::Discrete;
	i.discrete = list;
	return i;
}

/* A consumer's EnumFormat: raw video of one SPA format, optional plane count. */
struct spa_pod *consumerFilter(struct spa_pod_builder *b, uint32_t spaFormat, int planes)
{
	struct spa_pod_frame f;
	spa_pod_builder_push_object(b, &f, SPA_TYPE_OBJECT_Format, SPA_PARAM_EnumFormat);
	spa_pod_builder_add(b, SPA_FORMAT_mediaType, SPA_POD_Id(SPA_MEDIA_TYPE_video),
			    SPA_FORMAT_mediaSubtype, SPA_POD_Id(SPA_MEDIA_SUBTYPE_raw),
			    SPA_FORMAT_VIDEO_format, SPA_POD_Id(spaFormat), 0);
	if (planes > 0)
		spa_pod_builder_add(b, V4L2_DMABUF_FORMAT_VIDEO_memoryPlanes, SPA_POD_Int(planes), 0);
	return static_cast<struct spa_pod *>(spa_pod_builder_pop(b, &f));
}

} /* namespace */

TEST_CASE("EnumFormat has no modifier and survives a consumer's filter", "[params]")
{
	uint8_t buf[4096], out[4096], cbuf[1024];
	struct spa_pod_builder b = SPA_POD_BUILDER_INIT(buf, sizeof(buf));
	const FormatInfo &nv12m = *findFormatByName("NV12M");
	struct spa_pod *enumFormat = buildEnumFormat(&b, SPA_PARAM_EnumFormat, nv12m,
		discrete(640, 480), rates({{1, 25}, {1, 12}}));
	REQUIRE(enumFormat);
	CHECK(spa_pod_find_prop(enumFormat, nullptr, SPA_FORMAT_VIDEO_modifier) == nullptr);

	struct spa_pod_builder cb = SPA_POD_BUILDER_INIT(cbuf, sizeof(cbuf));
	struct spa_pod_builder ob = SPA_POD_BUILDER_INIT(out, sizeof(out));
	struct spa_pod *result = nullptr;

	SECTION("a consumer asking for the contiguous layout does not match NV12M") {
		struct spa_pod *filter = consumerFilter(&cb, SPA_VIDEO_FORMAT_NV12, 1);
		CHECK(spa_pod_filter(&ob, &result, enumFormat, filter) < 0);
	}
	SECTION("a consumer asking for two planes gets them, fixated to a Format") {
		struct spa_pod *filter = consumerFilter(&cb, SPA_VIDEO_FORMAT_NV12, 2);
		REQUIRE(spa_pod_filter(&ob, &result, enumFormat, filter) == 0);
		spa_pod_fixate(result);
		FormatRequest req;
		REQUIRE(parseFormat(result, &req) == 0);
		CHECK(req.kind == MediaKind::Raw);
		CHECK(req.spaFormat == SPA_VIDEO_FORMAT_NV12);
		CHECK(req.memoryPlanes == 2);
		CHECK(req.width == 640);
		CHECK(req.height == 480);
		/* The default rate is the driver's first interval, inverted. */
		CHECK(req.framerate.num == 25);
		CHECK(req.framerate.denom == 1);
		CHECK(formatMatches(nv12m, req));
		CHECK_FALSE(formatMatches(*findFormatByName("NV12"), req));
	}
	SECTION("a consumer that does not know the key still matches") {
		struct spa_pod *filter = consumerFilter(&cb, SPA_VIDEO_FORMAT_NV12, 0);
		REQUIRE(spa_pod_filter(&ob, &result, enumFormat, filter) == 0);
	}
	SECTION("a consumer of another format does not match") {
		struct spa_pod *filter = consumerFilter(&cb, SPA_VIDEO_FORMAT_YUY2, 0);
		CHECK(spa_pod_filter(&ob, &result, enumFormat, filter) < 0);
	}
}

TEST_CASE("stepwise sizes and continuous intervals become SPA ranges", "[params]")
{
	uint8_t buf[4096];
	struct spa_pod_builder b = SPA_POD_BUILDER_INIT(buf, sizeof(buf));
	V4l2FrameSize size;
	size.type = V4l2FrameSize::Type::Stepwise;
	size.minWidth = 16, size.maxWidth = 1920, size.stepWidth = 2;
	size.minHeight = 16, size.maxHeight = 1080, size.stepHeight = 2;
	V4l2FrameIntervals iv;
	iv.type = V4l2FrameIntervals::Type::Continuous;
	iv.min = {1, 60};
	iv.max = {1, 1};
	struct spa_pod *p = buildEnumFormat(&b, SPA_PARAM_EnumFormat, *findFormatByName("YUYV"), size, iv);
	REQUIRE(p);
	spa_pod_fixate(p);
	struct spa_video_info_raw raw = {};
	REQUIRE(spa_format_video_raw_parse(p, &raw) >= 0);
	/* Fixation takes the defaults: the largest size, the highest rate. */
	CHECK(raw.size.width == 1920);
	CHECK(raw.size.height == 1080);
	CHECK(raw.framerate.num == 60);
	CHECK(raw.framerate.denom == 1);
}

TEST_CASE("malformed Format params are refused", "[params]")
{
	uint8_t buf[1024];
	struct spa_pod_builder b = SPA_POD_BUILDER_INIT(buf, sizeof(buf));
	FormatRequest req;

	CHECK(parseFormat(nullptr, &req) == -EINVAL);

	struct spa_pod *notFormat = static_cast<struct spa_pod *>(spa_pod_builder_add_object(&b,
		SPA_TYPE_OBJECT_ParamBuffers, SPA_PARAM_Buffers,
		SPA_PARAM_BUFFERS_buffers, SPA_POD_Int(4)));
	CHECK(parseFormat(notFormat, &req) == -EINVAL);

	b = SPA_POD_BUILDER_INIT(buf, sizeof(buf));
	struct spa_rectangle zero = SPA_RECTANGLE(0, 0);
	struct spa_pod *noSize = static_cast<struct spa_pod *>(spa_pod_builder_add_object(&b,
		SPA_TYPE_OBJECT_Format, SPA_PARAM_Format,
		SPA_FORMAT_mediaType, SPA_POD_Id(SPA_MEDIA_TYPE_video),
		SPA_FORMAT_mediaSubtype, SPA_POD_Id(SPA_MEDIA_SUBTYPE_raw),
		SPA_FORMAT_VIDEO_format, SPA_POD_Id(SPA_VIDEO_FORMAT_YUY2),
		SPA_FORMAT_VIDEO_size, SPA_POD_Rectangle(&zero)));
	CHECK(parseFormat(noSize, &req) == -EINVAL);

	b = SPA_POD_BUILDER_INIT(buf, sizeof(buf));
	struct spa_rectangle vga = SPA_RECTANGLE(640, 480);
	struct spa_pod *badPlanes = static_cast<struct spa_pod *>(spa_pod_builder_add_object(&b,
		SPA_TYPE_OBJECT_Format, SPA_PARAM_Format,
		SPA_FORMAT_mediaType, SPA_POD_Id(SPA_MEDIA_TYPE_video),
		SPA_FORMAT_mediaSubtype, SPA_POD_Id(SPA_MEDIA_SUBTYPE_raw),
		SPA_FORMAT_VIDEO_format, SPA_POD_Id(SPA_VIDEO_FORMAT_NV12),
		SPA_FORMAT_VIDEO_size, SPA_POD_Rectangle(&vga),
		V4L2_DMABUF_FORMAT_VIDEO_memoryPlanes, SPA_POD_Int(7)));
	CHECK(parseFormat(badPlanes, &req) == -EINVAL);

	b = SPA_POD_BUILDER_INIT(buf, sizeof(buf));
	struct spa_pod *audio = static_cast<struct spa_pod *>(spa_pod_builder_add_object(&b,
		SPA_TYPE_OBJECT_Format, SPA_PARAM_Format,
		SPA_FORMAT_mediaType, SPA_POD_Id(SPA_MEDIA_TYPE_audio),
		SPA_FORMAT_mediaSubtype, SPA_POD_Id(SPA_MEDIA_SUBTYPE_raw)));
	CHECK(parseFormat(audio, &req) == -EINVAL);
}

TEST_CASE("Buffers param: counts, one block per plane, dataType flags", "[params]")
{
	uint8_t buf[1024];
	struct spa_pod_builder b = SPA_POD_BUILDER_INIT(buf, sizeof(buf));
	V4l2Format fmt;
	fmt.planes = {{640, 640 * 480}, {640, 640 * 240}};
	BufferOffer offer;
	offer.minBuffers = 2;
	offer.maxBuffers = 32;
	offer.defaultBuffers = defaultBufferCount(2, 32);
	offer.dataTypes = (1u << SPA_DATA_DmaBuf) | (1u << SPA_DATA_MemFd);

	struct spa_pod *p = buildBuffersParam(&b, SPA_PARAM_Buffers, fmt, offer);
	REQUIRE(p);
	spa_pod_fixate(p);
	int32_t buffers = 0, blocks = 0, size = 0, stride = 0, types = 0;
	REQUIRE(spa_pod_parse_object(p, SPA_TYPE_OBJECT_ParamBuffers, nullptr,
		SPA_PARAM_BUFFERS_buffers, SPA_POD_Int(&buffers),
		SPA_PARAM_BUFFERS_blocks, SPA_POD_Int(&blocks),
		SPA_PARAM_BUFFERS_size, SPA_POD_Int(&size),
		SPA_PARAM_BUFFERS_stride, SPA_POD_Int(&stride),
		SPA_PARAM_BUFFERS_dataType, SPA_POD_Int(&types)) >= 0);
	CHECK(buffers == 4);
	CHECK(blocks == 2);
	CHECK(size == 640 * 480);
	CHECK(stride == 640);
	CHECK(types == int32_t(offer.dataTypes));
}

TEST_CASE("buffer counts and data type choice", "[params]")
{
	CHECK(defaultBufferCount(2, 32) == 4);
	CHECK(defaultBufferCount(3, 32) == 5);
	CHECK(defaultBufferCount(1, 3) == 3);
	CHECK(defaultBufferCount(6, 4) == 6);

	const uint32_t all = (1u << SPA_DATA_DmaBuf) | (1u << SPA_DATA_MemFd) | (1u << SPA_DATA_MemPtr);
	CHECK(chooseDataType(all, all) == SPA_DATA_DmaBuf);
	CHECK(chooseDataType((1u << SPA_DATA_MemFd) | (1u << SPA_DATA_MemPtr), all) == SPA_DATA_MemFd);
	CHECK(chooseDataType(1u << SPA_DATA_MemPtr, all) == SPA_DATA_MemPtr);
	CHECK(chooseDataType(1u << SPA_DATA_DmaBuf, 1u << SPA_DATA_MemPtr) == SPA_DATA_Invalid);
	CHECK(std::string(dataTypeName(SPA_DATA_DmaBuf)) == "DmaBuf");
}
