/* SPDX-License-Identifier: MIT */
#pragma once

#include <spa/pod/builder.h>
#include <spa/pod/pod.h>
#include <spa/utils/defs.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "format_table.h"
#include "v4l2_device.h"

namespace v4l2dmabuf {

/** DRM_FORMAT_MOD_LINEAR (libdrm's drm_fourcc.h): the layout of every V4L2 buffer. */
inline constexpr uint64_t kLinearModifier = 0;

/**
 * Builds one SPA_PARAM_EnumFormat object (SPA_TYPE_OBJECT_Format) for format
 * @p info at the frame sizes of @p size, with the frame rates of
 * @p intervals (frames per second: the inverse of V4L2's intervals).
 *
 * Without @p withModifier there is no SPA_FORMAT_VIDEO_modifier: V4L2
 * buffers are linear and mmapable, the "v4l2 special case" of PipeWire's
 * doc/dma-buf.dox, which modifier-less consumers negotiate. With it (raw
 * formats only), SPA_FORMAT_VIDEO_modifier = DRM_FORMAT_MOD_LINEAR, flagged
 * MANDATORY: spa_pod_filter (spa/pod/filter.h) then fails this object
 * against any filter without a modifier, and a modifier-aware consumer's
 * MANDATORY modifier fails the modifier-less one, so each kind of consumer
 * matches only its own objects. One value, so no DONT_FIXATE: the filter
 * ANDs the flags, and the result is fixed for the consumer's DONT_FIXATE
 * list too. Raw formats carry V4L2_DMABUF_FORMAT_VIDEO_memoryPlanes
 * (v4l2-dmabuf/keys.h).
 *
 * @return the object in @p builder's memory, or nullptr when it overflowed.
 */
struct spa_pod *buildEnumFormat(struct spa_pod_builder *builder, uint32_t id,
				const FormatInfo &info, const V4l2FrameSize &size,
				const V4l2FrameIntervals &intervals, bool withModifier = false);

/**
 * Builds the fixed SPA_PARAM_Format object describing the format the device
 * was set to: @p fmt (size in pixels) and @p frameInterval (seconds per
 * frame; 0/0 when the driver has none, then no framerate is given).
 * @p withModifier: the link negotiated SPA_FORMAT_VIDEO_modifier (LINEAR),
 * given here without MANDATORY: a later link on the port filters its
 * EnumFormats with this object (pw_context_find_format) and then reuses
 * this link's DmaBuf buffers whatever it asks for (impl-link.c), so a
 * modifier-less consumer may still join, and learns what it gets.
 */
struct spa_pod *buildFormat(struct spa_pod_builder *builder, uint32_t id,
			    const FormatInfo &info, const V4l2Format &fmt,
			    const V4l2Fraction &frameInterval, bool withModifier = false);

/** One SPA_PARAM_EnumFormat index: which format choice, with a modifier or not. */
struct EnumFormatSlot {
	size_t choice = 0;     /**< index into the node's format choices */
	bool modifier = false; /**< the DRM_FORMAT_MOD_LINEAR variant */
};

/**
 * The order of the EnumFormat list over format choices of media kinds
 * @p kinds: every choice without a modifier first (the v4l2 special case
 * stays what modifier-less consumers see first), then, when
 * @p withModifiers, the raw ones again with the LINEAR modifier.
 * @return false when @p index is past the end.
 */
bool enumFormatSlot(uint32_t index, const std::vector<MediaKind> &kinds, bool withModifiers,
		    EnumFormatSlot *slot);

/** What a client asked for in a SPA_PARAM_Format object. */
struct FormatRequest {
	MediaKind kind = MediaKind::Raw;
	uint32_t spaFormat = 0;     /**< enum spa_video_format (raw only) */
	uint32_t memoryPlanes = 0;  /**< 0: not given */
	uint32_t width = 0;         /**< pixels */
	uint32_t height = 0;        /**< pixels */
	struct spa_fraction framerate = {0, 1}; /**< frames per second; 0/1 not given */
	bool hasModifier = false;   /**< SPA_FORMAT_VIDEO_modifier present (raw only) */
	uint64_t modifier = 0;      /**< its value when present */
};

/**
 * Reads a fixed SPA_PARAM_Format object with libspa's parsers
 * (spa_format_parse, spa_format_video_*_parse).
 * A SPA_FORMAT_VIDEO_modifier must be fixed: one Long, or a Choice whose
 * every value is the same (what spa_pod_filter leaves before fixation).
 * @return 0; -EINVAL when it is not a video format object, is not fixed, or
 * lacks a size, or has a modifier that is not one fixed Long;
 * -ENOTSUP for a media subtype other than raw, mjpg and h264.
 * (Which modifier values the node takes is the caller's business.)
 */
int parseFormat(const struct spa_pod *format, FormatRequest *request);

/**
 * True when table row @p info can serve @p request (media kind, SPA format,
 * and the memory plane count when the request gives one).
 */
bool formatMatches(const FormatInfo &info, const FormatRequest &request);

} /* namespace v4l2dmabuf */
