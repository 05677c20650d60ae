/* SPDX-License-Identifier: MIT */
#include <linux/videodev2.h>

#include "catch.h"
#include <drm_fourcc.h>
#include <spa/param/video/raw.h>

#include <set>

#include "format_table.h"

using namespace v4l2dmabuf;

TEST_CASE("every V4L2 fourcc appears once and every raw row is consistent", "[format]")
{
	std::set<uint32_t> seen;
	for (const FormatInfo &f : formatTable()) {
		INFO(f.name);
		CHECK(seen.insert(f.v4l2Fourcc).second);
		CHECK(f.memoryPlanes >= 1);
		CHECK(f.memoryPlanes <= 3);
		if (f.kind != MediaKind::Raw) {
			CHECK(f.colourPlaneCount == 0);
			CHECK(f.drmFourcc == 0);
			continue;
		}
		CHECK(f.drmFourcc != 0);
		REQUIRE(f.colourPlaneCount >= 1);
		/* Memory planes are used in order and none is left empty. */
		uint8_t last = 0;
		std::set<uint8_t> used;
		for (uint8_t i = 0; i < f.colourPlaneCount; i++) {
			CHECK(f.colourPlanes[i].memoryPlane >= last);
			last = f.colourPlanes[i].memoryPlane;
			used.insert(last);
		}
		CHECK(used.size() == f.memoryPlanes);
	}
}

TEST_CASE("the formats the project promises are in the table", "[format]")
{
	for (const char *name : {"YUYV", "YVYU", "UYVY", "VYUY", "NV12", "NV12M", "NV21", "NV21M",
				 "NV16", "NV16M", "NV61", "NV61M", "NV24", "YUV420", "YUV420M",
				 "YVU420", "YVU420M", "YUV422P", "GREY", "Y16", "RGB565", "RGB24",
				 "BGR24", "XRGB32", "XBGR32", "ARGB32", "ABGR32", "RGB32", "BGR32",
				 "MJPEG", "JPEG", "H264"}) {
		INFO(name);
		CHECK(findFormatByName(name) != nullptr);
	}
}

TEST_CASE("lookups map between V4L2, SPA and DRM", "[format]")
{
	const FormatInfo *yuyv = findFormatByV4l2(V4L2_PIX_FMT_YUYV);
	REQUIRE(yuyv);
	CHECK(yuyv->spaFormat == SPA_VIDEO_FORMAT_YUY2);
	CHECK(yuyv->drmFourcc == DRM_FORMAT_YUYV);

	/* Without a plane count the contiguous layout wins; with one, the exact row. */
	CHECK(findFormatBySpa(SPA_VIDEO_FORMAT_NV12)->v4l2Fourcc == V4L2_PIX_FMT_NV12);
	CHECK(findFormatBySpa(SPA_VIDEO_FORMAT_NV12, 2)->v4l2Fourcc == V4L2_PIX_FMT_NV12M);
	CHECK(findFormatBySpa(SPA_VIDEO_FORMAT_I420, 3)->v4l2Fourcc == V4L2_PIX_FMT_YUV420M);
	CHECK(findFormatBySpa(SPA_VIDEO_FORMAT_NV12, 3) == nullptr);

	/* The deprecated BGR32 shares BGRx with XRGB32 and must not shadow it. */
	CHECK(findFormatBySpa(SPA_VIDEO_FORMAT_BGRx)->v4l2Fourcc == V4L2_PIX_FMT_XRGB32);
	CHECK(findFormatByV4l2(V4L2_PIX_FMT_RGB24)->drmFourcc == DRM_FORMAT_BGR888);
	CHECK(findFormatByV4l2(V4L2_PIX_FMT_RGB32)->spaFormat == SPA_VIDEO_FORMAT_xRGB);
	CHECK(findFormatByV4l2(0x12345678) == nullptr);
	CHECK(findFormatByKind(MediaKind::Mjpeg)->v4l2Fourcc == V4L2_PIX_FMT_MJPEG);
	CHECK(findFormatByName("nv12m")->memoryPlanes == 2);
}

TEST_CASE("colour plane layout follows V4L2's bytesperline rules", "[format]")
{
	SECTION("NV12 contiguous: chroma after luma, same stride") {
		auto l = colourPlaneLayout(*findFormatByV4l2(V4L2_PIX_FMT_NV12), 640, 480, {704});
		REQUIRE(l.size() == 2);
		CHECK(l[0].offset == 0);
		CHECK(l[0].stride == 704);
		CHECK(l[1].memoryPlane == 0);
		CHECK(l[1].offset == 704 * 480);
		CHECK(l[1].stride == 704);
		CHECK(l[1].width == 320);
		CHECK(l[1].height == 240);
	}
	SECTION("YUV420 contiguous: half-stride chroma planes") {
		auto l = colourPlaneLayout(*findFormatByV4l2(V4L2_PIX_FMT_YUV420), 640, 480, {640});
		REQUIRE(l.size() == 3);
		CHECK(l[1].offset == 640 * 480);
		CHECK(l[1].stride == 320);
		CHECK(l[2].offset == 640 * 480 + 320 * 240);
		CHECK(l[2].stride == 320);
	}
	SECTION("NV24 contiguous: chroma stride is twice the luma stride") {
		auto l = colourPlaneLayout(*findFormatByV4l2(V4L2_PIX_FMT_NV24), 64, 16, {64});
		REQUIRE(l.size() == 2);
		CHECK(l[1].stride == 128);
		CHECK(l[1].height == 16);
	}
	SECTION("YUV420M: each colour plane in its own memory plane at offset 0") {
		auto l = colourPlaneLayout(*findFormatByV4l2(V4L2_PIX_FMT_YUV420M), 640, 480,
					   {640, 336, 336});
		REQUIRE(l.size() == 3);
		for (uint32_t i = 0; i < 3; i++) {
			CHECK(l[i].memoryPlane == i);
			CHECK(l[i].offset == 0);
		}
		CHECK(l[1].stride == 336);
	}
	SECTION("too few strides or an encoded format give nothing") {
		CHECK(colourPlaneLayout(*findFormatByV4l2(V4L2_PIX_FMT_NV12M), 64, 64, {64}).empty());
		CHECK(colourPlaneLayout(*findFormatByV4l2(V4L2_PIX_FMT_MJPEG), 64, 64, {64}).empty());
	}
}
