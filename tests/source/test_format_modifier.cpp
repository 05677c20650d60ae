/* SPDX-License-Identifier: MIT */
/*
 * The LINEAR-modifier half of the EnumFormat list (spa/source/format_pod.h):
 * its order, how spa_pod_filter (the headers this is built with: 0.3.65 on
 * bookworm, 1.4.2 on trixie) matches it against the EnumFormats real
 * consumers send, and how parseFormat reads the modifier of a Format.
 */
#include "catch.h"

#include <drm_fourcc.h>

#include <spa/param/param.h>
#include <spa/param/video/format-utils.h>
#include <spa/pod/filter.h>

#include <initializer_list>
#include <vector>

#include "format_pod.h"

using namespace v4l2dmabuf;

namespace {

V4l2FrameSize vga()
{
	V4l2FrameSize s;
	s.minWidth = s.maxWidth = 640;
	s.minHeight = s.maxHeight = 480;
	return s;
}

V4l2FrameIntervals thirty()
{
	V4l2FrameIntervals i;
	i.type = V4l2FrameIntervals::Type::Discrete;
	i.discrete = {{1, 30}};
	return i;
}

/*
 * A consumer's YUY2 EnumFormat. @p modifiers empty: none (the system-memory
 * kind); else SPA_FORMAT_VIDEO_modifier with @p flags, one Long or an Enum
 * (first value also the default, as pipewiresrc builds it).
 */
struct spa_pod *consumer(struct spa_pod_builder *b, std::initializer_list<uint64_t> modifiers,
			 uint32_t flags)
{
	struct spa_pod_frame f, c;
	spa_pod_builder_push_object(b, &f, SPA_TYPE_OBJECT_Format, SPA_PARAM_EnumFormat);
	spa_pod_builder_add(b, SPA_FORMAT_mediaType, SPA_POD_Id(SPA_MEDIA_TYPE_video),
			    SPA_FORMAT_mediaSubtype, SPA_POD_Id(SPA_MEDIA_SUBTYPE_raw),
			    SPA_FORMAT_VIDEO_format, SPA_POD_Id(SPA_VIDEO_FORMAT_YUY2), 0);
	if (modifiers.size() == 1) {
		spa_pod_builder_prop(b, SPA_FORMAT_VIDEO_modifier, flags);
		spa_pod_builder_long(b, int64_t(*modifiers.begin()));
	} else if (modifiers.size() > 1) {
		spa_pod_builder_prop(b, SPA_FORMAT_VIDEO_modifier, flags);
		spa_pod_builder_push_choice(b, &c, SPA_CHOICE_Enum, 0);
		spa_pod_builder_long(b, int64_t(*modifiers.begin()));
		for (uint64_t m : modifiers)
			spa_pod_builder_long(b, int64_t(m));
		spa_pod_builder_pop(b, &c);
	}
	return static_cast<struct spa_pod *>(spa_pod_builder_pop(b, &f));
}

/* A fixed raw YUY2 640x480 Format, with a modifier property built by @p add. */
template <typename Add>
struct spa_pod *formatWith(struct spa_pod_builder *b, Add add)
{
	struct spa_pod_frame f;
	struct spa_rectangle size = SPA_RECTANGLE(640, 480);
	spa_pod_builder_push_object(b, &f, SPA_TYPE_OBJECT_Format, SPA_PARAM_Format);
	spa_pod_builder_add(b, SPA_FORMAT_mediaType, SPA_POD_Id(SPA_MEDIA_TYPE_video),
			    SPA_FORMAT_mediaSubtype, SPA_POD_Id(SPA_MEDIA_SUBTYPE_raw),
			    SPA_FORMAT_VIDEO_format, SPA_POD_Id(SPA_VIDEO_FORMAT_YUY2),
			    SPA_FORMAT_VIDEO_size, SPA_POD_Rectangle(&size), 0);
	add(b);
	return static_cast<struct spa_pod *>(spa_pod_builder_pop(b, &f));
}

constexpr uint32_t kMandatory = SPA_POD_PROP_FLAG_MANDATORY;
constexpr uint32_t kDontFixate = SPA_POD_PROP_FLAG_MANDATORY | SPA_POD_PROP_FLAG_DONT_FIXATE;

} /* namespace */

TEST_CASE("EnumFormat order: every choice without a modifier, then the raw ones with LINEAR",
	  "[params][modifier]")
{
	std::vector<MediaKind> kinds = {MediaKind::Raw, MediaKind::Raw, MediaKind::Mjpeg,
					MediaKind::Raw};
	std::vector<std::pair<size_t, bool>> seen;
	EnumFormatSlot slot;
	for (uint32_t i = 0; enumFormatSlot(i, kinds, true, &slot); i++)
		seen.emplace_back(slot.choice, slot.modifier);
	std::vector<std::pair<size_t, bool>> expected = {
		{0, false}, {1, false}, {2, false}, {3, false}, {0, true}, {1, true}, {3, true}};
	CHECK(seen == expected);

	/* Without modifiers (io-mode mmap, userptr, convert) the list stops at 4. */
	CHECK(enumFormatSlot(3, kinds, false, &slot));
	CHECK_FALSE(enumFormatSlot(4, kinds, false, &slot));
	CHECK_FALSE(enumFormatSlot(0, {}, true, &slot));
}

TEST_CASE("the LINEAR EnumFormat matches modifier-aware consumers and only them",
	  "[params][modifier]")
{
	uint8_t buf[2048], cbuf[1024], out[2048];
	struct spa_pod_builder b = SPA_POD_BUILDER_INIT(buf, sizeof(buf));
	const FormatInfo &yuyv = *findFormatByName("YUYV");
	struct spa_pod *plain = buildEnumFormat(&b, SPA_PARAM_EnumFormat, yuyv, vga(), thirty());
	struct spa_pod *linear = buildEnumFormat(&b, SPA_PARAM_EnumFormat, yuyv, vga(), thirty(), true);
	REQUIRE(plain);
	REQUIRE(linear);
	CHECK(spa_pod_find_prop(plain, nullptr, SPA_FORMAT_VIDEO_modifier) == nullptr);
	const struct spa_pod_prop *prop = spa_pod_find_prop(linear, nullptr, SPA_FORMAT_VIDEO_modifier);
	REQUIRE(prop);
	CHECK(prop->flags == SPA_POD_PROP_FLAG_MANDATORY);
	int64_t value = -1;
	REQUIRE(spa_pod_get_long(&prop->value, &value) == 0);
	CHECK(uint64_t(value) == DRM_FORMAT_MOD_LINEAR);

	struct spa_pod_builder cb = SPA_POD_BUILDER_INIT(cbuf, sizeof(cbuf));
	struct spa_pod_builder ob = SPA_POD_BUILDER_INIT(out, sizeof(out));
	struct spa_pod *result = nullptr;

	SECTION("a system-memory consumer matches only the modifier-less object") {
		struct spa_pod *filter = consumer(&cb, {}, 0);
		CHECK(spa_pod_filter(&ob, &result, plain, filter) == 0);
		ob = SPA_POD_BUILDER_INIT(out, sizeof(out));
		CHECK(spa_pod_filter(&ob, &result, linear, filter) < 0);
	}

	/* Each kind of modifier-aware consumer: matches only the LINEAR object,
	 * and the result fixates to a Format parseFormat reads as LINEAR. */
	auto linearOnly = [&](struct spa_pod *filter) {
		CHECK(spa_pod_filter(&ob, &result, plain, filter) < 0);
		ob = SPA_POD_BUILDER_INIT(out, sizeof(out));
		REQUIRE(spa_pod_filter(&ob, &result, linear, filter) == 0);
		const struct spa_pod_prop *p = spa_pod_find_prop(result, nullptr,
								 SPA_FORMAT_VIDEO_modifier);
		REQUIRE(p);
		/* The flags are ANDed: DONT_FIXATE does not survive our single value. */
		CHECK_FALSE(p->flags & SPA_POD_PROP_FLAG_DONT_FIXATE);
		spa_pod_fixate(result);
		FormatRequest req;
		REQUIRE(parseFormat(result, &req) == 0);
		CHECK(req.hasModifier);
		CHECK(req.modifier == DRM_FORMAT_MOD_LINEAR);
		CHECK(req.spaFormat == SPA_VIDEO_FORMAT_YUY2);
		CHECK(req.width == 640);
	};
	SECTION("LINEAR only, MANDATORY") {
		linearOnly(consumer(&cb, {DRM_FORMAT_MOD_LINEAR}, kMandatory));
	}
	SECTION("LINEAR only, MANDATORY | DONT_FIXATE") {
		linearOnly(consumer(&cb, {DRM_FORMAT_MOD_LINEAR}, kDontFixate));
	}
	SECTION("pipewiresrc 0.3.65's memory:DMABuf list: INVALID, LINEAR (DONT_FIXATE)") {
		linearOnly(consumer(&cb, {DRM_FORMAT_MOD_INVALID, DRM_FORMAT_MOD_INVALID,
					  DRM_FORMAT_MOD_LINEAR}, kDontFixate));
	}
	SECTION("pipewiresrc 1.4's: LINEAR, INVALID (DONT_FIXATE)") {
		linearOnly(consumer(&cb, {DRM_FORMAT_MOD_LINEAR, DRM_FORMAT_MOD_INVALID}, kDontFixate));
	}
	SECTION("a consumer of tiled layouts only matches nothing") {
		struct spa_pod *filter = consumer(&cb, {I915_FORMAT_MOD_X_TILED,
							I915_FORMAT_MOD_Y_TILED}, kDontFixate);
		CHECK(spa_pod_filter(&ob, &result, plain, filter) < 0);
		ob = SPA_POD_BUILDER_INIT(out, sizeof(out));
		CHECK(spa_pod_filter(&ob, &result, linear, filter) < 0);
	}
	SECTION("encoded formats get no modifier") {
		b = SPA_POD_BUILDER_INIT(buf, sizeof(buf));
		struct spa_pod *mjpg = buildEnumFormat(&b, SPA_PARAM_EnumFormat,
						       *findFormatByName("MJPEG"), vga(), thirty(), true);
		REQUIRE(mjpg);
		CHECK(spa_pod_find_prop(mjpg, nullptr, SPA_FORMAT_VIDEO_modifier) == nullptr);
	}
}

TEST_CASE("the negotiated Format carries the modifier, not MANDATORY", "[params][modifier]")
{
	uint8_t buf[1024], cbuf[1024], out[2048];
	struct spa_pod_builder b = SPA_POD_BUILDER_INIT(buf, sizeof(buf));
	V4l2Format fmt;
	fmt.width = 640;
	fmt.height = 480;
	const FormatInfo &yuyv = *findFormatByName("YUYV");
	struct spa_pod *withMod = buildFormat(&b, SPA_PARAM_Format, yuyv, fmt, {1, 30}, true);
	struct spa_pod *without = buildFormat(&b, SPA_PARAM_Format, yuyv, fmt, {1, 30}, false);
	REQUIRE(withMod);
	REQUIRE(without);
	CHECK(spa_pod_find_prop(without, nullptr, SPA_FORMAT_VIDEO_modifier) == nullptr);
	const struct spa_pod_prop *prop = spa_pod_find_prop(withMod, nullptr, SPA_FORMAT_VIDEO_modifier);
	REQUIRE(prop);
	CHECK(prop->flags == 0);

	/* A later link filters its consumer's EnumFormat with this Format
	 * (pw_context_find_format): a modifier-less consumer still matches and
	 * is told the modifier of the DmaBuf buffers it will share. */
	struct spa_pod_builder cb = SPA_POD_BUILDER_INIT(cbuf, sizeof(cbuf));
	struct spa_pod_builder ob = SPA_POD_BUILDER_INIT(out, sizeof(out));
	struct spa_pod *result = nullptr;
	REQUIRE(spa_pod_filter(&ob, &result, consumer(&cb, {}, 0), withMod) == 0);
	FormatRequest req;
	REQUIRE(parseFormat(result, &req) == 0);
	CHECK(req.hasModifier);
	CHECK(req.modifier == DRM_FORMAT_MOD_LINEAR);
	/* A modifier-aware one cannot join a link that negotiated none. */
	cb = SPA_POD_BUILDER_INIT(cbuf, sizeof(cbuf));
	ob = SPA_POD_BUILDER_INIT(out, sizeof(out));
	CHECK(spa_pod_filter(&ob, &result, consumer(&cb, {DRM_FORMAT_MOD_LINEAR}, kMandatory),
			     without) < 0);
}

TEST_CASE("parseFormat reads a fixed modifier and refuses an unfixed or mistyped one",
	  "[params][modifier]")
{
	uint8_t buf[1024];
	struct spa_pod_builder b = SPA_POD_BUILDER_INIT(buf, sizeof(buf));
	FormatRequest req;

	struct spa_pod *none = formatWith(&b, [](struct spa_pod_builder *) {});
	REQUIRE(parseFormat(none, &req) == 0);
	CHECK_FALSE(req.hasModifier);

	b = SPA_POD_BUILDER_INIT(buf, sizeof(buf));
	struct spa_pod *tiled = formatWith(&b, [](struct spa_pod_builder *p) {
		spa_pod_builder_prop(p, SPA_FORMAT_VIDEO_modifier, 0);
		spa_pod_builder_long(p, int64_t(I915_FORMAT_MOD_X_TILED));
	});
	/* Parsed as given; the node refuses anything but LINEAR (vm-consumers). */
	REQUIRE(parseFormat(tiled, &req) == 0);
	CHECK(req.hasModifier);
	CHECK(req.modifier == I915_FORMAT_MOD_X_TILED);

	b = SPA_POD_BUILDER_INIT(buf, sizeof(buf));
	struct spa_pod *sameTwice = formatWith(&b, [](struct spa_pod_builder *p) {
		struct spa_pod_frame c;
		spa_pod_builder_prop(p, SPA_FORMAT_VIDEO_modifier, SPA_POD_PROP_FLAG_MANDATORY);
		spa_pod_builder_push_choice(p, &c, SPA_CHOICE_Enum, 0);
		spa_pod_builder_long(p, 0);
		spa_pod_builder_long(p, 0);
		spa_pod_builder_pop(p, &c);
	});
	REQUIRE(parseFormat(sameTwice, &req) == 0);
	CHECK(req.hasModifier);
	CHECK(req.modifier == DRM_FORMAT_MOD_LINEAR);

	b = SPA_POD_BUILDER_INIT(buf, sizeof(buf));
	struct spa_pod *unfixed = formatWith(&b, [](struct spa_pod_builder *p) {
		struct spa_pod_frame c;
		spa_pod_builder_prop(p, SPA_FORMAT_VIDEO_modifier, kDontFixate);
		spa_pod_builder_push_choice(p, &c, SPA_CHOICE_Enum, 0);
		spa_pod_builder_long(p, int64_t(DRM_FORMAT_MOD_LINEAR));
		spa_pod_builder_long(p, int64_t(DRM_FORMAT_MOD_LINEAR));
		spa_pod_builder_long(p, int64_t(DRM_FORMAT_MOD_INVALID));
		spa_pod_builder_pop(p, &c);
	});
	CHECK(parseFormat(unfixed, &req) == -EINVAL);

	b = SPA_POD_BUILDER_INIT(buf, sizeof(buf));
	struct spa_pod *notLong = formatWith(&b, [](struct spa_pod_builder *p) {
		spa_pod_builder_prop(p, SPA_FORMAT_VIDEO_modifier, 0);
		spa_pod_builder_int(p, 0);
	});
	CHECK(parseFormat(notLong, &req) == -EINVAL);
}
