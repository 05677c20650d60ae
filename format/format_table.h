/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <vector>

namespace v4l2dmabuf {

/**
 * One colour plane inside a memory plane.
 *
 * Sizes are derived from the luma (first) colour plane of its memory plane:
 * width / hsub samples of @ref bytesPerSample bytes per line, height / vsub
 * lines. For contiguous multi-colour-plane formats (NV12, YUV420, ...) the
 * V4L2 rule applies: a chroma plane's bytesperline is
 * lumaBytesperline * bytesPerSample / (lumaBytesPerSample * hsub), and it
 * follows the previous colour plane with no gap.
 */
struct ColourPlane {
	uint8_t memoryPlane;    /**< index of the memory plane holding it */
	uint8_t bytesPerSample; /**< bytes per sample (a sample: pixel, or CbCr pair) */
	uint8_t hsub;           /**< horizontal subsampling divisor (1, 2) */
	uint8_t vsub;           /**< vertical subsampling divisor (1, 2) */
};

/** How the encoded, unstructured formats are told apart from raw video. */
enum class MediaKind : uint8_t { Raw, Mjpeg, H264 };

/**
 * One row of the format table: a V4L2 pixel format and everything the
 * plugin and its tools need to know of it.
 */
struct FormatInfo {
	uint32_t v4l2Fourcc;      /**< V4L2_PIX_FMT_* */
	MediaKind kind;           /**< raw video or encoded */
	uint32_t spaFormat;       /**< enum spa_video_format (ENCODED for encoded kinds) */
	uint32_t drmFourcc;       /**< DRM_FORMAT_* from libdrm's drm_fourcc.h; 0 if none */
	uint8_t memoryPlanes;     /**< planes the V4L2 queue allocates (1 for NV12, 2 for NV12M) */
	uint8_t colourPlaneCount; /**< entries used in @ref colourPlanes (0 for encoded) */
	ColourPlane colourPlanes[3];
	const char *name;         /**< short name for tools: "NV12M" */
	bool deprecated;          /**< a V4L2 fourcc kept only for old drivers (RGB32, BGR32) */
};

/** Every row, in the order formats are preferred when a consumer does not care. */
const std::vector<FormatInfo> &formatTable();

/** The row for V4L2 fourcc @p v4l2Fourcc, or nullptr. */
const FormatInfo *findFormatByV4l2(uint32_t v4l2Fourcc);

/**
 * The row for SPA video format @p spaFormat (raw kind) with @p memoryPlanes
 * memory planes (0: any, the first match, deprecated rows last), or nullptr.
 */
const FormatInfo *findFormatBySpa(uint32_t spaFormat, uint32_t memoryPlanes = 0);

/** The row for an encoded kind (Mjpeg: MJPEG, then JPEG; H264). */
const FormatInfo *findFormatByKind(MediaKind kind, uint32_t v4l2Fourcc = 0);

/** The row whose @ref FormatInfo::name is @p name (case-insensitive), or nullptr. */
const FormatInfo *findFormatByName(const char *name);

/** Where one colour plane sits in a frame, in bytes. */
struct ColourPlaneLayout {
	uint32_t memoryPlane;
	uint32_t offset; /**< from the start of the memory plane's image data */
	uint32_t stride; /**< bytesperline */
	uint32_t width;  /**< samples per line */
	uint32_t height; /**< lines */
};

/**
 * Colour plane layout for a frame of @p width x @p height pixels in format
 * @p info, given the bytesperline of each memory plane in @p strides
 * (@ref FormatInfo::memoryPlanes entries). Empty for encoded formats.
 */
std::vector<ColourPlaneLayout> colourPlaneLayout(const FormatInfo &info, uint32_t width,
						 uint32_t height,
						 const std::vector<uint32_t> &strides);

} /* namespace v4l2dmabuf */
