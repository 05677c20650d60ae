/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "format_table.h"

namespace v4l2dmabuf::capture {

/** The bytes of one memory plane, starting at its image data (after the chunk offset). */
struct PlaneBytes {
	const uint8_t *data = nullptr;
	size_t size = 0; /**< bytes readable from @ref data */
};

/**
 * One captured frame as the converter sees it: a format table row, the
 * negotiated size, and for each memory plane its bytesperline and bytes.
 */
struct FrameView {
	const FormatInfo *info = nullptr;
	uint32_t width = 0;            /**< pixels */
	uint32_t height = 0;           /**< lines */
	std::vector<uint32_t> strides; /**< bytes per line, one per memory plane */
	std::vector<PlaneBytes> planes; /**< one per memory plane */
};

/** A packed 8-bit RGB image: 3 bytes a pixel (R, G, B), width * 3 bytes a line, no padding. */
struct RgbImage {
	uint32_t width = 0;
	uint32_t height = 0;
	std::vector<uint8_t> pixels;
};

/** The mean value of one colour component over a frame. */
struct ChannelMean {
	std::string name; /**< "Y", "Cb", "Cr", "R", "G", "B" */
	double mean = 0;  /**< in the component's sample unit (0..255; 0..65535 for Y16) */
};

/**
 * Converts @p frame to RGB. YUV is read as BT.601 limited range (Y 16..235,
 * Cb/Cr 16..240), chroma by nearest sample; GREY/Y16 as full-range grey
 * (Y16 keeps its high byte); RGB565 is widened to 8 bits.
 *
 * @return 0 with @p out filled; -EINVAL for an encoded or unknown format, a
 * zero size, or a plane/stride count that does not match the format;
 * -ERANGE when a plane is too small for the layout its stride implies.
 */
int convertToRgb(const FrameView &frame, RgbImage *out);

/**
 * Mean of every colour component of @p frame, over all its samples: Y, Cb,
 * Cr for YUV (chroma over the subsampled grid), R, G, B for RGB (RGB565
 * widened to 8 bits), Y alone for GREY/Y16.
 *
 * @return 0 with @p out filled; the errors of convertToRgb().
 */
int channelMeans(const FrameView &frame, std::vector<ChannelMean> *out);

/**
 * Converts one BT.601 limited-range YCbCr sample to 8-bit RGB.
 * Y=235, Cb=Cr=128 is white (255,255,255); Y=16, Cb=Cr=128 is black.
 */
void yuvToRgb(uint8_t y, uint8_t cb, uint8_t cr, uint8_t rgb[3]);

} /* namespace v4l2dmabuf::capture */
