/* SPDX-License-Identifier: MIT */
#pragma once

#include <spa/pod/builder.h>
#include <spa/pod/pod.h>
#include <spa/utils/defs.h>

#include <cstdint>

#include "format_table.h"
#include "v4l2_device.h"

namespace v4l2dmabuf {

/**
 * Builds one SPA_PARAM_EnumFormat object (SPA_TYPE_OBJECT_Format) for format
 * @p info at the frame sizes of @p size, with the frame rates of
 * @p intervals (frames per second: the inverse of V4L2's intervals).
 *
 * There is no SPA_FORMAT_VIDEO_modifier: V4L2 buffers are linear and
 * mmapable (the "v4l2 special case" of PipeWire's doc/dma-buf.dox).
 * Raw formats carry V4L2_DMABUF_FORMAT_VIDEO_memoryPlanes (v4l2-dmabuf/keys.h).
 *
 * @return the object in @p builder's memory, or nullptr when it overflowed.
 */
struct spa_pod *buildEnumFormat(struct spa_pod_builder *builder, uint32_t id,
				const FormatInfo &info, const V4l2FrameSize &size,
				const V4l2FrameIntervals &intervals);

/**
 * Builds the fixed SPA_PARAM_Format object describing the format the device
 * was set to: @p fmt (size in pixels) and @p frameInterval (seconds per
 * frame; 0/0 when the driver has none, then no framerate is given).
 */
struct spa_pod *buildFormat(struct spa_pod_builder *builder, uint32_t id,
			    const FormatInfo &info, const V4l2Format &fmt,
			    const V4l2Fraction &frameInterval);

/** What a client asked for in a SPA_PARAM_Format object. */
struct FormatRequest {
	MediaKind kind = MediaKind::Raw;
	uint32_t spaFormat = 0;     /**< enum spa_video_format (raw only) */
	uint32_t memoryPlanes = 0;  /**< 0: not given */
	uint32_t width = 0;         /**< pixels */
	uint32_t height = 0;        /**< pixels */
	struct spa_fraction framerate = {0, 1}; /**< frames per second; 0/1 not given */
};

/**
 * Reads a fixed SPA_PARAM_Format object with libspa's parsers
 * (spa_format_parse, spa_format_video_*_parse).
 * @return 0; -EINVAL when it is not a video format object, is not fixed, or
 * lacks a size; -ENOTSUP for a media subtype other than raw, mjpg and h264.
 */
int parseFormat(const struct spa_pod *format, FormatRequest *request);

/**
 * True when table row @p info can serve @p request (media kind, SPA format,
 * and the memory plane count when the request gives one).
 */
bool formatMatches(const FormatInfo &info, const FormatRequest &request);

} /* namespace v4l2dmabuf */
