/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <vector>

#include <spa/pod/builder.h>

#include "format_table.h"

namespace v4l2dmabuf::capture {

/** What the consumer asks for; zero fields mean "any". */
struct FormatRequest {
	const FormatInfo *format = nullptr; /**< a format table row; nullptr: any in the table */
	uint32_t width = 0, height = 0;     /**< pixels, lines */
	uint32_t framerateNum = 0, framerateDenom = 0;
};

/** The format that was negotiated, mapped back onto the format table. */
struct NegotiatedFormat {
	const FormatInfo *info = nullptr;
	uint32_t width = 0, height = 0;
	uint32_t framerateNum = 0, framerateDenom = 0;
	uint32_t memoryPlanesKey = 0; /**< the Format's memoryPlanes key; 0 when absent */
	bool hasModifier = false;     /**< the Format carried SPA_FORMAT_VIDEO_modifier */
};

/**
 * The memoryPlanes value to put in the EnumFormat for @p info: its own count
 * when it is multi-planar or has a twin with another count (NV12 vs NV12M),
 * 0 (leave the key out) when the layout is unambiguous.
 */
uint32_t memoryPlanesKeyFor(const FormatInfo &info);

/**
 * Builds the EnumFormat objects for @p request into @p b: one object for a
 * requested format, or (no format requested) one raw object listing every
 * raw format in the table plus one MJPEG and one H264 object. No modifier
 * property: V4L2 buffers are linear and mmapable (doc/dma-buf.dox, "v4l2").
 * @return the objects, pointing into @p b's buffer; empty if it overflowed.
 */
std::vector<const spa_pod *> buildEnumFormats(spa_pod_builder *b, const FormatRequest &request);

/**
 * Parses a SPA_PARAM_Format object. @p requested (may be nullptr) picks the
 * table row when several share a SPA format (XRGB32 vs BGR32).
 * @return 0; -EINVAL when @p format is not a video format or fails to
 * parse; -ENOTSUP when it maps to no row of the format table.
 */
int parseFormat(const spa_pod *format, const FormatInfo *requested, NegotiatedFormat *out);

/**
 * Builds the consumer's Buffers param (dataType: CHOICE_FLAGS of
 * @p dataTypeMask, bits 1 << SPA_DATA_*) and a Meta param asking for
 * SPA_META_Header. Blocks, size and stride are left to the producer.
 * @return the two params, or empty if @p b overflowed.
 */
std::vector<const spa_pod *> buildBufferParams(spa_pod_builder *b, uint32_t dataTypeMask);

} /* namespace v4l2dmabuf::capture */
