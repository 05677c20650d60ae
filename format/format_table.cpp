/* SPDX-License-Identifier: MIT */
#include "format_table.h"

#include <linux/videodev2.h>
#include <strings.h>

#include <drm_fourcc.h>
#include <spa/param/video/raw.h>

namespace v4l2dmabuf {

namespace {

/* Shorthands for the colour plane shapes that recur. */
constexpr ColourPlane kPacked1{0, 1, 1, 1};
constexpr ColourPlane kPacked2{0, 2, 1, 1};
constexpr ColourPlane kPacked3{0, 3, 1, 1};
constexpr ColourPlane kPacked4{0, 4, 1, 1};
constexpr ColourPlane kNone{0, 0, 0, 0};

constexpr ColourPlane chroma(uint8_t memoryPlane, uint8_t bytes, uint8_t hsub, uint8_t vsub)
{
	return ColourPlane{memoryPlane, bytes, hsub, vsub};
}

FormatInfo raw(uint32_t v4l2, uint32_t spa, uint32_t drm, const char *name,
	       uint8_t memoryPlanes, uint8_t count, ColourPlane p0,
	       ColourPlane p1 = kNone, ColourPlane p2 = kNone, bool deprecated = false)
{
	return FormatInfo{v4l2, MediaKind::Raw, spa, drm, memoryPlanes, count,
			  {p0, p1, p2}, name, deprecated};
}

FormatInfo encoded(uint32_t v4l2, MediaKind kind, const char *name)
{
	return FormatInfo{v4l2, kind, SPA_VIDEO_FORMAT_ENCODED, 0, 1, 0,
			  {kNone, kNone, kNone}, name, false};
}

std::vector<FormatInfo> buildTable()
{
	/* Semi-planar: Y, then one interleaved CbCr plane (2 bytes a sample). */
	auto nv = [](uint32_t v4l2, uint32_t spa, uint32_t drm, const char *name,
		     uint8_t memoryPlanes, uint8_t hsub, uint8_t vsub) {
		return raw(v4l2, spa, drm, name, memoryPlanes, 2, kPacked1,
			   chroma(memoryPlanes - 1, 2, hsub, vsub));
	};
	/* Planar: Y, then two chroma planes (1 byte a sample). */
	auto planar = [](uint32_t v4l2, uint32_t spa, uint32_t drm, const char *name,
			 uint8_t memoryPlanes, uint8_t hsub, uint8_t vsub) {
		uint8_t second = memoryPlanes > 1 ? 1 : 0, third = memoryPlanes > 1 ? 2 : 0;
		return raw(v4l2, spa, drm, name, memoryPlanes, 3, kPacked1,
			   chroma(second, 1, hsub, vsub), chroma(third, 1, hsub, vsub));
	};

	return {
		/* Packed YUV 4:2:2 */
		raw(V4L2_PIX_FMT_YUYV, SPA_VIDEO_FORMAT_YUY2, DRM_FORMAT_YUYV, "YUYV", 1, 1, kPacked2),
		raw(V4L2_PIX_FMT_YVYU, SPA_VIDEO_FORMAT_YVYU, DRM_FORMAT_YVYU, "YVYU", 1, 1, kPacked2),
		raw(V4L2_PIX_FMT_UYVY, SPA_VIDEO_FORMAT_UYVY, DRM_FORMAT_UYVY, "UYVY", 1, 1, kPacked2),
		raw(V4L2_PIX_FMT_VYUY, SPA_VIDEO_FORMAT_VYUY, DRM_FORMAT_VYUY, "VYUY", 1, 1, kPacked2),
		/* Semi-planar YUV, contiguous then one memory plane per colour plane */
		nv(V4L2_PIX_FMT_NV12, SPA_VIDEO_FORMAT_NV12, DRM_FORMAT_NV12, "NV12", 1, 2, 2),
		nv(V4L2_PIX_FMT_NV12M, SPA_VIDEO_FORMAT_NV12, DRM_FORMAT_NV12, "NV12M", 2, 2, 2),
		nv(V4L2_PIX_FMT_NV21, SPA_VIDEO_FORMAT_NV21, DRM_FORMAT_NV21, "NV21", 1, 2, 2),
		nv(V4L2_PIX_FMT_NV21M, SPA_VIDEO_FORMAT_NV21, DRM_FORMAT_NV21, "NV21M", 2, 2, 2),
		nv(V4L2_PIX_FMT_NV16, SPA_VIDEO_FORMAT_NV16, DRM_FORMAT_NV16, "NV16", 1, 2, 1),
		nv(V4L2_PIX_FMT_NV16M, SPA_VIDEO_FORMAT_NV16, DRM_FORMAT_NV16, "NV16M", 2, 2, 1),
		nv(V4L2_PIX_FMT_NV61, SPA_VIDEO_FORMAT_NV61, DRM_FORMAT_NV61, "NV61", 1, 2, 1),
		nv(V4L2_PIX_FMT_NV61M, SPA_VIDEO_FORMAT_NV61, DRM_FORMAT_NV61, "NV61M", 2, 2, 1),
		nv(V4L2_PIX_FMT_NV24, SPA_VIDEO_FORMAT_NV24, DRM_FORMAT_NV24, "NV24", 1, 1, 1),
		/* Planar YUV */
		planar(V4L2_PIX_FMT_YUV420, SPA_VIDEO_FORMAT_I420, DRM_FORMAT_YUV420, "YUV420", 1, 2, 2),
		planar(V4L2_PIX_FMT_YUV420M, SPA_VIDEO_FORMAT_I420, DRM_FORMAT_YUV420, "YUV420M", 3, 2, 2),
		planar(V4L2_PIX_FMT_YVU420, SPA_VIDEO_FORMAT_YV12, DRM_FORMAT_YVU420, "YVU420", 1, 2, 2),
		planar(V4L2_PIX_FMT_YVU420M, SPA_VIDEO_FORMAT_YV12, DRM_FORMAT_YVU420, "YVU420M", 3, 2, 2),
		planar(V4L2_PIX_FMT_YUV422P, SPA_VIDEO_FORMAT_Y42B, DRM_FORMAT_YUV422, "YUV422P", 1, 2, 1),
		/* Luma only */
		raw(V4L2_PIX_FMT_GREY, SPA_VIDEO_FORMAT_GRAY8, DRM_FORMAT_R8, "GREY", 1, 1, kPacked1),
		raw(V4L2_PIX_FMT_Y16, SPA_VIDEO_FORMAT_GRAY16_LE, DRM_FORMAT_R16, "Y16", 1, 1, kPacked2),
		/* RGB; SPA names bytes in memory order, DRM names a little-endian word */
		raw(V4L2_PIX_FMT_RGB565, SPA_VIDEO_FORMAT_RGB16, DRM_FORMAT_RGB565, "RGB565", 1, 1, kPacked2),
		raw(V4L2_PIX_FMT_RGB24, SPA_VIDEO_FORMAT_RGB, DRM_FORMAT_BGR888, "RGB24", 1, 1, kPacked3),
		raw(V4L2_PIX_FMT_BGR24, SPA_VIDEO_FORMAT_BGR, DRM_FORMAT_RGB888, "BGR24", 1, 1, kPacked3),
		raw(V4L2_PIX_FMT_XRGB32, SPA_VIDEO_FORMAT_BGRx, DRM_FORMAT_XRGB8888, "XRGB32", 1, 1, kPacked4),
		raw(V4L2_PIX_FMT_XBGR32, SPA_VIDEO_FORMAT_RGBx, DRM_FORMAT_XBGR8888, "XBGR32", 1, 1, kPacked4),
		raw(V4L2_PIX_FMT_ARGB32, SPA_VIDEO_FORMAT_BGRA, DRM_FORMAT_ARGB8888, "ARGB32", 1, 1, kPacked4),
		raw(V4L2_PIX_FMT_ABGR32, SPA_VIDEO_FORMAT_RGBA, DRM_FORMAT_ABGR8888, "ABGR32", 1, 1, kPacked4),
		raw(V4L2_PIX_FMT_BGR32, SPA_VIDEO_FORMAT_BGRx, DRM_FORMAT_XRGB8888, "BGR32", 1, 1, kPacked4,
		    kNone, kNone, true),
		raw(V4L2_PIX_FMT_RGB32, SPA_VIDEO_FORMAT_xRGB, DRM_FORMAT_BGRX8888, "RGB32", 1, 1, kPacked4,
		    kNone, kNone, true),
		/* Encoded, one plane of bytesused bytes */
		encoded(V4L2_PIX_FMT_MJPEG, MediaKind::Mjpeg, "MJPEG"),
		encoded(V4L2_PIX_FMT_JPEG, MediaKind::Mjpeg, "JPEG"),
		encoded(V4L2_PIX_FMT_H264, MediaKind::H264, "H264"),
	};
}

} /* namespace */

const std::vector<FormatInfo> &formatTable()
{
	static const std::vector<FormatInfo> table = buildTable();
	return table;
}

const FormatInfo *findFormatByV4l2(uint32_t v4l2Fourcc)
{
	for (const FormatInfo &f : formatTable())
		if (f.v4l2Fourcc == v4l2Fourcc)
			return &f;
	return nullptr;
}

const FormatInfo *findFormatBySpa(uint32_t spaFormat, uint32_t memoryPlanes)
{
	const FormatInfo *fallback = nullptr;
	for (const FormatInfo &f : formatTable()) {
		if (f.kind != MediaKind::Raw || f.spaFormat != spaFormat)
			continue;
		if (memoryPlanes != 0 && f.memoryPlanes != memoryPlanes)
			continue;
		if (!f.deprecated)
			return &f;
		if (!fallback)
			fallback = &f;
	}
	return fallback;
}

const FormatInfo *findFormatByKind(MediaKind kind, uint32_t v4l2Fourcc)
{
	for (const FormatInfo &f : formatTable())
		if (f.kind == kind && (v4l2Fourcc == 0 || f.v4l2Fourcc == v4l2Fourcc))
			return &f;
	return nullptr;
}

const FormatInfo *findFormatByName(const char *name)
{
	for (const FormatInfo &f : formatTable())
		if (strcasecmp(f.name, name) == 0)
			return &f;
	return nullptr;
}

std::vector<ColourPlaneLayout> colourPlaneLayout(const FormatInfo &info, uint32_t width,
						 uint32_t height,
						 const std::vector<uint32_t> &strides)
{
	std::vector<ColourPlaneLayout> layout;
	if (info.kind != MediaKind::Raw || strides.size() < info.memoryPlanes)
		return layout;

	/* Next free byte in each memory plane. */
	uint32_t next[3] = {0, 0, 0};
	for (uint8_t i = 0; i < info.colourPlaneCount; i++) {
		const ColourPlane &cp = info.colourPlanes[i];
		const ColourPlane &luma = info.colourPlanes[0];
		ColourPlaneLayout l;
		l.memoryPlane = cp.memoryPlane;
		l.width = (width + cp.hsub - 1) / cp.hsub;
		l.height = (height + cp.vsub - 1) / cp.vsub;
		if (next[cp.memoryPlane] == 0 && (i == 0 || cp.memoryPlane != info.colourPlanes[i - 1].memoryPlane))
			l.stride = strides[cp.memoryPlane];
		else
			/* A later colour plane in the same memory plane: V4L2's rule. */
			l.stride = strides[cp.memoryPlane] * cp.bytesPerSample /
				   (luma.bytesPerSample * cp.hsub);
		l.offset = next[cp.memoryPlane];
		next[cp.memoryPlane] += l.stride * l.height;
		layout.push_back(l);
	}
	return layout;
}

} /* namespace v4l2dmabuf */
