/* SPDX-License-Identifier: MIT */
#include "format_params.h"

#include <algorithm>
#include <cerrno>

#include <spa/buffer/meta.h>
#include <spa/param/buffers.h>
#include <spa/param/format-utils.h>
#include <spa/param/param.h>
#include <spa/param/video/format-utils.h>
#include <spa/pod/iter.h>

#include "v4l2-dmabuf/keys.h"

namespace v4l2dmabuf::capture {

namespace {

/* Defaults and bounds offered when the request leaves size or rate open. */
constexpr spa_rectangle kDefaultSize{640, 480};
constexpr spa_rectangle kMinSize{1, 1};
constexpr spa_rectangle kMaxSize{16384, 16384};
constexpr spa_fraction kDefaultRate{30, 1};
constexpr spa_fraction kMinRate{0, 1};
constexpr spa_fraction kMaxRate{1000, 1};

void addSizeAndRate(spa_pod_builder *b, const FormatRequest &request)
{
	spa_pod_frame f;
	spa_pod_builder_prop(b, SPA_FORMAT_VIDEO_size, 0);
	if (request.width && request.height) {
		spa_pod_builder_rectangle(b, request.width, request.height);
	} else {
		spa_pod_builder_push_choice(b, &f, SPA_CHOICE_Range, 0);
		for (const spa_rectangle &r : {kDefaultSize, kMinSize, kMaxSize})
			spa_pod_builder_rectangle(b, r.width, r.height);
		spa_pod_builder_pop(b, &f);
	}

	spa_pod_builder_prop(b, SPA_FORMAT_VIDEO_framerate, 0);
	if (request.framerateNum && request.framerateDenom) {
		spa_pod_builder_fraction(b, request.framerateNum, request.framerateDenom);
	} else {
		spa_pod_builder_push_choice(b, &f, SPA_CHOICE_Range, 0);
		for (const spa_fraction &r : {kDefaultRate, kMinRate, kMaxRate})
			spa_pod_builder_fraction(b, r.num, r.denom);
		spa_pod_builder_pop(b, &f);
	}
}

void beginVideo(spa_pod_builder *b, spa_pod_frame *f, uint32_t subtype)
{
	spa_pod_builder_push_object(b, f, SPA_TYPE_OBJECT_Format, SPA_PARAM_EnumFormat);
	spa_pod_builder_prop(b, SPA_FORMAT_mediaType, 0);
	spa_pod_builder_id(b, SPA_MEDIA_TYPE_video);
	spa_pod_builder_prop(b, SPA_FORMAT_mediaSubtype, 0);
	spa_pod_builder_id(b, subtype);
}

const spa_pod *buildEncoded(spa_pod_builder *b, MediaKind kind, const FormatRequest &request)
{
	spa_pod_frame f;
	beginVideo(b, &f, kind == MediaKind::H264 ? SPA_MEDIA_SUBTYPE_h264 : SPA_MEDIA_SUBTYPE_mjpg);
	addSizeAndRate(b, request);
	return static_cast<const spa_pod *>(spa_pod_builder_pop(b, &f));
}

const spa_pod *buildRaw(spa_pod_builder *b, const FormatRequest &request)
{
	spa_pod_frame f, choice;
	beginVideo(b, &f, SPA_MEDIA_SUBTYPE_raw);
	spa_pod_builder_prop(b, SPA_FORMAT_VIDEO_format, 0);
	if (request.format) {
		spa_pod_builder_id(b, request.format->spaFormat);
	} else {
		/* Every raw SPA format of the table, once, in table order (first: default). */
		std::vector<uint32_t> formats;
		for (const FormatInfo &info : formatTable())
			if (info.kind == MediaKind::Raw &&
			    std::find(formats.begin(), formats.end(), info.spaFormat) == formats.end())
				formats.push_back(info.spaFormat);
		spa_pod_builder_push_choice(b, &choice, SPA_CHOICE_Enum, 0);
		spa_pod_builder_id(b, formats.front());
		for (uint32_t id : formats)
			spa_pod_builder_id(b, id);
		spa_pod_builder_pop(b, &choice);
	}
	addSizeAndRate(b, request);
	if (request.format) {
		uint32_t planes = memoryPlanesKeyFor(*request.format);
		if (planes) {
			spa_pod_builder_prop(b, V4L2_DMABUF_FORMAT_VIDEO_memoryPlanes, 0);
			spa_pod_builder_int(b, int32_t(planes));
		}
	}
	return static_cast<const spa_pod *>(spa_pod_builder_pop(b, &f));
}

/* The (first) value of property @p key of @p obj as an Int; false if absent. */
bool findInt(const spa_pod *obj, uint32_t key, int32_t *value)
{
	const spa_pod_prop *prop = spa_pod_find_prop(obj, nullptr, key);
	if (!prop)
		return false;
	uint32_t n = 0, choice = 0;
	const spa_pod *v = spa_pod_get_values(&prop->value, &n, &choice);
	return n > 0 && spa_pod_get_int(v, value) == 0;
}

} /* namespace */

uint32_t memoryPlanesKeyFor(const FormatInfo &info)
{
	if (info.kind != MediaKind::Raw)
		return 0;
	for (const FormatInfo &other : formatTable())
		if (other.kind == MediaKind::Raw && other.spaFormat == info.spaFormat &&
		    other.memoryPlanes != info.memoryPlanes)
			return info.memoryPlanes;
	return info.memoryPlanes > 1 ? info.memoryPlanes : 0;
}

std::vector<const spa_pod *> buildEnumFormats(spa_pod_builder *b, const FormatRequest &request)
{
	std::vector<const spa_pod *> params;
	if (request.format && request.format->kind != MediaKind::Raw) {
		params.push_back(buildEncoded(b, request.format->kind, request));
	} else {
		params.push_back(buildRaw(b, request));
		if (!request.format) {
			params.push_back(buildEncoded(b, MediaKind::Mjpeg, request));
			params.push_back(buildEncoded(b, MediaKind::H264, request));
		}
	}
	/* An overflowing builder returns pointers into its scratch; reject them all. */
	if (b->state.offset > b->size)
		params.clear();
	return params;
}

int parseFormat(const spa_pod *format, const FormatInfo *requested, NegotiatedFormat *out)
{
	uint32_t mediaType = 0, subtype = 0;
	if (!format || spa_format_parse(format, &mediaType, &subtype) < 0 ||
	    mediaType != SPA_MEDIA_TYPE_video)
		return -EINVAL;

	*out = NegotiatedFormat{};
	out->hasModifier = spa_pod_find_prop(format, nullptr, SPA_FORMAT_VIDEO_modifier) != nullptr;
	spa_rectangle size{};
	spa_fraction rate{};

	switch (subtype) {
	case SPA_MEDIA_SUBTYPE_raw: {
		spa_video_info_raw raw{};
		if (spa_format_video_raw_parse(format, &raw) < 0)
			return -EINVAL;
		size = raw.size;
		rate = raw.framerate;
		int32_t planes = 0;
		if (findInt(format, V4L2_DMABUF_FORMAT_VIDEO_memoryPlanes, &planes) && planes > 0)
			out->memoryPlanesKey = uint32_t(planes);
		if (requested && requested->kind == MediaKind::Raw &&
		    requested->spaFormat == raw.format &&
		    (!out->memoryPlanesKey || out->memoryPlanesKey == requested->memoryPlanes))
			out->info = requested;
		else
			out->info = findFormatBySpa(raw.format, out->memoryPlanesKey);
		break;
	}
	case SPA_MEDIA_SUBTYPE_mjpg:
	case SPA_MEDIA_SUBTYPE_h264: {
		MediaKind kind = subtype == SPA_MEDIA_SUBTYPE_h264 ? MediaKind::H264 : MediaKind::Mjpeg;
		if (kind == MediaKind::Mjpeg) {
			spa_video_info_mjpg mjpg{};
			if (spa_format_video_mjpg_parse(format, &mjpg) < 0)
				return -EINVAL;
			size = mjpg.size;
			rate = mjpg.framerate;
		} else {
			spa_video_info_h264 h264{};
			if (spa_format_video_h264_parse(format, &h264) < 0)
				return -EINVAL;
			size = h264.size;
			rate = h264.framerate;
		}
		out->info = requested && requested->kind == kind ? requested : findFormatByKind(kind);
		break;
	}
	default:
		return -ENOTSUP;
	}

	if (!out->info)
		return -ENOTSUP;
	out->width = size.width;
	out->height = size.height;
	out->framerateNum = rate.num;
	out->framerateDenom = rate.denom;
	return 0;
}

std::vector<const spa_pod *> buildBufferParams(spa_pod_builder *b, uint32_t dataTypeMask)
{
	std::vector<const spa_pod *> params;
	spa_pod_frame f, choice;

	spa_pod_builder_push_object(b, &f, SPA_TYPE_OBJECT_ParamBuffers, SPA_PARAM_Buffers);
	spa_pod_builder_prop(b, SPA_PARAM_BUFFERS_buffers, 0);
	spa_pod_builder_push_choice(b, &choice, SPA_CHOICE_Range, 0);
	spa_pod_builder_int(b, 8);  /* default */
	spa_pod_builder_int(b, 2);  /* min */
	spa_pod_builder_int(b, 32); /* max */
	spa_pod_builder_pop(b, &choice);
	spa_pod_builder_prop(b, SPA_PARAM_BUFFERS_dataType, 0);
	spa_pod_builder_push_choice(b, &choice, SPA_CHOICE_Flags, 0);
	spa_pod_builder_int(b, int32_t(dataTypeMask));
	spa_pod_builder_pop(b, &choice);
	params.push_back(static_cast<const spa_pod *>(spa_pod_builder_pop(b, &f)));

	spa_pod_builder_push_object(b, &f, SPA_TYPE_OBJECT_ParamMeta, SPA_PARAM_Meta);
	spa_pod_builder_prop(b, SPA_PARAM_META_type, 0);
	spa_pod_builder_id(b, SPA_META_Header);
	spa_pod_builder_prop(b, SPA_PARAM_META_size, 0);
	spa_pod_builder_int(b, int32_t(sizeof(spa_meta_header)));
	params.push_back(static_cast<const spa_pod *>(spa_pod_builder_pop(b, &f)));

	if (b->state.offset > b->size)
		params.clear();
	return params;
}

} /* namespace v4l2dmabuf::capture */
