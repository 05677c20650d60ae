/* SPDX-License-Identifier: MIT */
#include "format_pod.h"

#include <cstring>

#include <cerrno>

#include <spa/param/format-utils.h>
#include <spa/param/video/format-utils.h>
#include <spa/pod/parser.h>

#include "v4l2-dmabuf/keys.h"

namespace v4l2dmabuf {

namespace {

uint32_t mediaSubtype(MediaKind kind)
{
	switch (kind) {
	case MediaKind::Mjpeg:
		return SPA_MEDIA_SUBTYPE_mjpg;
	case MediaKind::H264:
		return SPA_MEDIA_SUBTYPE_h264;
	case MediaKind::Raw:
	default:
		return SPA_MEDIA_SUBTYPE_raw;
	}
}

/* Opens a format object with the properties every format has. */
void pushFormatObject(struct spa_pod_builder *b, struct spa_pod_frame *f, uint32_t id,
		      const FormatInfo &info)
{
	spa_pod_builder_push_object(b, f, SPA_TYPE_OBJECT_Format, id);
	spa_pod_builder_add(b,
			    SPA_FORMAT_mediaType, SPA_POD_Id(SPA_MEDIA_TYPE_video),
			    SPA_FORMAT_mediaSubtype, SPA_POD_Id(mediaSubtype(info.kind)), 0);
	if (info.kind == MediaKind::Raw) {
		spa_pod_builder_add(b,
				    SPA_FORMAT_VIDEO_format, SPA_POD_Id(info.spaFormat),
				    V4L2_DMABUF_FORMAT_VIDEO_memoryPlanes,
				    SPA_POD_Int(info.memoryPlanes), 0);
	}
}

/* SPA_FORMAT_VIDEO_modifier = LINEAR, with @p flags (SPA_POD_PROP_FLAG_*). */
void addLinearModifier(struct spa_pod_builder *b, uint32_t flags)
{
	spa_pod_builder_prop(b, SPA_FORMAT_VIDEO_modifier, flags);
	spa_pod_builder_long(b, int64_t(kLinearModifier));
}

/*
 * The modifier of a Format: absent (0), one fixed Long (1), or -EINVAL for
 * another type or a Choice with different values (not fixated: a consumer's
 * DONT_FIXATE list the producer never narrowed).
 */
int readModifier(const struct spa_pod *format, uint64_t *modifier)
{
	const struct spa_pod_prop *prop = spa_pod_find_prop(format, nullptr,
							    SPA_FORMAT_VIDEO_modifier);
	if (prop == nullptr)
		return 0;
	uint32_t n = 0, choice = 0;
	const struct spa_pod *values = spa_pod_get_values(&prop->value, &n, &choice);
	if (values == nullptr || n == 0 || values->type != SPA_TYPE_Long ||
	    values->size != sizeof(int64_t))
		return -EINVAL;
	const int64_t *v = static_cast<const int64_t *>(SPA_POD_BODY_CONST(values));
	for (uint32_t i = 1; i < n; i++)
		if (v[i] != v[0])
			return -EINVAL;
	*modifier = uint64_t(v[0]);
	return 1;
}

void addSize(struct spa_pod_builder *b, const V4l2FrameSize &size)
{
	struct spa_pod_frame f;
	struct spa_rectangle min = SPA_RECTANGLE(size.minWidth, size.minHeight);
	struct spa_rectangle max = SPA_RECTANGLE(size.maxWidth, size.maxHeight);

	spa_pod_builder_prop(b, SPA_FORMAT_VIDEO_size, 0);
	if (size.type == V4l2FrameSize::Type::Discrete) {
		spa_pod_builder_rectangle(b, min.width, min.height);
		return;
	}
	struct spa_rectangle step = size.type == V4l2FrameSize::Type::Continuous
		? SPA_RECTANGLE(1, 1)
		/* A driver's step of 0 would make spa_pod_filter divide by zero. */
		: SPA_RECTANGLE(SPA_MAX(size.stepWidth, 1u), SPA_MAX(size.stepHeight, 1u));
	spa_pod_builder_push_choice(b, &f, SPA_CHOICE_Step, 0);
	spa_pod_builder_rectangle(b, max.width, max.height); /* default: the largest */
	spa_pod_builder_rectangle(b, min.width, min.height);
	spa_pod_builder_rectangle(b, max.width, max.height);
	spa_pod_builder_rectangle(b, step.width, step.height);
	spa_pod_builder_pop(b, &f);
}

/* A V4L2 frame interval (seconds per frame) as a SPA rate (frames per second). */
struct spa_fraction toRate(const V4l2Fraction &interval)
{
	return SPA_FRACTION(interval.denominator, interval.numerator);
}

void addFramerates(struct spa_pod_builder *b, const V4l2FrameIntervals &intervals)
{
	struct spa_pod_frame f;

	switch (intervals.type) {
	case V4l2FrameIntervals::Type::None:
		return;
	case V4l2FrameIntervals::Type::Discrete: {
		if (intervals.discrete.empty())
			return;
		spa_pod_builder_prop(b, SPA_FORMAT_VIDEO_framerate, 0);
		if (intervals.discrete.size() == 1) {
			struct spa_fraction r = toRate(intervals.discrete[0]);
			spa_pod_builder_fraction(b, r.num, r.denom);
			return;
		}
		spa_pod_builder_push_choice(b, &f, SPA_CHOICE_Enum, 0);
		/* The default is the driver's first (its preferred) interval. */
		struct spa_fraction def = toRate(intervals.discrete[0]);
		spa_pod_builder_fraction(b, def.num, def.denom);
		for (const V4l2Fraction &i : intervals.discrete) {
			struct spa_fraction r = toRate(i);
			spa_pod_builder_fraction(b, r.num, r.denom);
		}
		spa_pod_builder_pop(b, &f);
		return;
	}
	case V4l2FrameIntervals::Type::Stepwise:
	case V4l2FrameIntervals::Type::Continuous: {
		/* The shortest interval is the highest rate. */
		struct spa_fraction fastest = toRate(intervals.min);
		struct spa_fraction slowest = toRate(intervals.max);
		spa_pod_builder_prop(b, SPA_FORMAT_VIDEO_framerate, 0);
		spa_pod_builder_push_choice(b, &f, SPA_CHOICE_Range, 0);
		spa_pod_builder_fraction(b, fastest.num, fastest.denom);
		spa_pod_builder_fraction(b, slowest.num, slowest.denom);
		spa_pod_builder_fraction(b, fastest.num, fastest.denom);
		spa_pod_builder_pop(b, &f);
		return;
	}
	}
}

} /* namespace */

struct spa_pod *buildEnumFormat(struct spa_pod_builder *b, uint32_t id, const FormatInfo &info,
				const V4l2FrameSize &size, const V4l2FrameIntervals &intervals,
				bool withModifier)
{
	struct spa_pod_frame f;

	pushFormatObject(b, &f, id, info);
	if (withModifier && info.kind == MediaKind::Raw)
		addLinearModifier(b, SPA_POD_PROP_FLAG_MANDATORY);
	addSize(b, size);
	addFramerates(b, intervals);
	return static_cast<struct spa_pod *>(spa_pod_builder_pop(b, &f));
}

struct spa_pod *buildFormat(struct spa_pod_builder *b, uint32_t id, const FormatInfo &info,
			    const V4l2Format &fmt, const V4l2Fraction &frameInterval,
			    bool withModifier)
{
	struct spa_pod_frame f;

	pushFormatObject(b, &f, id, info);
	if (withModifier && info.kind == MediaKind::Raw)
		addLinearModifier(b, 0);
	spa_pod_builder_prop(b, SPA_FORMAT_VIDEO_size, 0);
	spa_pod_builder_rectangle(b, fmt.width, fmt.height);
	if (frameInterval.numerator && frameInterval.denominator) {
		spa_pod_builder_prop(b, SPA_FORMAT_VIDEO_framerate, 0);
		spa_pod_builder_fraction(b, frameInterval.denominator, frameInterval.numerator);
	}
	return static_cast<struct spa_pod *>(spa_pod_builder_pop(b, &f));
}

int parseFormat(const struct spa_pod *format, FormatRequest *request)
{
	uint32_t mediaType = 0, subtype = 0;
	struct spa_video_info info = {};

	if (format == nullptr || !spa_pod_is_object_type(format, SPA_TYPE_OBJECT_Format))
		return -EINVAL;
	if (spa_format_parse(format, &mediaType, &subtype) < 0 ||
	    mediaType != SPA_MEDIA_TYPE_video)
		return -EINVAL;

	*request = FormatRequest{};
	int ret;
	struct spa_rectangle size = {};
	switch (subtype) {
	case SPA_MEDIA_SUBTYPE_raw:
		if (spa_format_video_raw_parse(format, &info.info.raw) < 0)
			return -EINVAL;
		request->kind = MediaKind::Raw;
		/* libspa stored whatever Id the client sent in an enum: read its bits. */
		static_assert(sizeof(info.info.raw.format) == sizeof(uint32_t));
		memcpy(&request->spaFormat, &info.info.raw.format, sizeof(uint32_t));
		size = info.info.raw.size;
		request->framerate = info.info.raw.framerate;
		break;
	case SPA_MEDIA_SUBTYPE_mjpg:
		if (spa_format_video_mjpg_parse(format, &info.info.mjpg) < 0)
			return -EINVAL;
		request->kind = MediaKind::Mjpeg;
		size = info.info.mjpg.size;
		request->framerate = info.info.mjpg.framerate;
		break;
	case SPA_MEDIA_SUBTYPE_h264:
		if (spa_format_video_h264_parse(format, &info.info.h264) < 0)
			return -EINVAL;
		request->kind = MediaKind::H264;
		size = info.info.h264.size;
		request->framerate = info.info.h264.framerate;
		break;
	default:
		return -ENOTSUP;
	}
	if (size.width == 0 || size.height == 0)
		return -EINVAL;
	if (request->kind == MediaKind::Raw && request->spaFormat == SPA_VIDEO_FORMAT_UNKNOWN)
		return -EINVAL;
	request->width = size.width;
	request->height = size.height;

	/* Optional: the memory layout this plugin adds (v4l2-dmabuf/keys.h). The
	 * parser also accepts the fixated Choice a link's filter leaves. */
	int32_t planes = 0;
	if (spa_pod_parse_object(format, SPA_TYPE_OBJECT_Format, nullptr,
				 V4L2_DMABUF_FORMAT_VIDEO_memoryPlanes, SPA_POD_OPT_Int(&planes)) < 0)
		return -EINVAL;
	if (planes != 0) {
		if (planes < 1 || planes > 3)
			return -EINVAL;
		request->memoryPlanes = planes;
	}

	uint64_t modifier = 0;
	ret = readModifier(format, &modifier);
	if (ret < 0)
		return ret;
	if (ret > 0 && request->kind != MediaKind::Raw)
		return -EINVAL;
	request->hasModifier = ret > 0;
	request->modifier = modifier;
	return 0;
}

bool enumFormatSlot(uint32_t index, const std::vector<MediaKind> &kinds, bool withModifiers,
		    EnumFormatSlot *slot)
{
	if (index < kinds.size()) {
		*slot = {index, false};
		return true;
	}
	if (!withModifiers)
		return false;
	size_t rest = index - kinds.size();
	for (size_t i = 0; i < kinds.size(); i++) {
		if (kinds[i] != MediaKind::Raw)
			continue;
		if (rest-- == 0) {
			*slot = {i, true};
			return true;
		}
	}
	return false;
}

bool formatMatches(const FormatInfo &info, const FormatRequest &request)
{
	if (info.kind != request.kind)
		return false;
	if (info.kind == MediaKind::Raw && info.spaFormat != request.spaFormat)
		return false;
	return request.memoryPlanes == 0 || request.memoryPlanes == info.memoryPlanes;
}

} /* namespace v4l2dmabuf */
