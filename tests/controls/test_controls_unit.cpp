/* SPDX-License-Identifier: MIT */
/*
 * V4L2 controls as SPA props, without a device: the id mapping, the names,
 * and the PropInfo/Props PODs of synthetic controls of every type, read
 * back with libspa's parsers.
 */
#include <linux/videodev2.h>

#include <cmath>

#include "catch.h"
#include <spa/param/param.h>
#include <spa/param/props.h>
#include <spa/pod/iter.h>
#include <spa/pod/parser.h>

#include <cstring>
#include <string>
#include <vector>

#include "controls.h"
#include "synthetic_control.h"
#include "v4l2-dmabuf/keys.h"

using namespace v4l2dmabuf;

namespace {

/* vivid's private "Boolean" control id. */
constexpr uint32_t kVividBoolean = 0x0098f901;

using testenv::control;

/* The choice under SPA_PROP_INFO_type, with its values as int64. */
struct Choice {
	uint32_t choice = 0;
	uint32_t valueType = 0;
	uint32_t propFlags = 0;
	std::vector<int64_t> values;
};

Choice typeChoice(const struct spa_pod *info)
{
	Choice out;
	const struct spa_pod_prop *prop = spa_pod_find_prop(info, nullptr, SPA_PROP_INFO_type);
	REQUIRE(prop != nullptr);
	out.propFlags = prop->flags;
	REQUIRE(spa_pod_is_choice(&prop->value));
	out.choice = SPA_POD_CHOICE_TYPE(&prop->value);
	uint32_t n = 0, choice = 0;
	const struct spa_pod *values = spa_pod_get_values(&prop->value, &n, &choice);
	out.valueType = SPA_POD_TYPE(values);
	const void *body = SPA_POD_BODY_CONST(values);
	for (uint32_t i = 0; i < n; i++) {
		switch (out.valueType) {
		case SPA_TYPE_Bool:
			out.values.push_back(static_cast<const int32_t *>(body)[i] != 0);
			break;
		case SPA_TYPE_Int:
			out.values.push_back(static_cast<const int32_t *>(body)[i]);
			break;
		case SPA_TYPE_Long:
			out.values.push_back(static_cast<const int64_t *>(body)[i]);
			break;
		default:
			FAIL("unexpected choice value type " << out.valueType);
		}
	}
	return out;
}

struct Common {
	uint32_t id = 0;
	std::string name, description;
};

Common common(const struct spa_pod *info)
{
	uint32_t id = 0;
	const char *name = nullptr, *description = nullptr;
	REQUIRE(spa_pod_parse_object(info, SPA_TYPE_OBJECT_PropInfo, nullptr,
				     SPA_PROP_INFO_id, SPA_POD_Id(&id),
				     SPA_PROP_INFO_name, SPA_POD_String(&name),
				     SPA_PROP_INFO_description, SPA_POD_String(&description)) >= 0);
	return { id, name, description };
}

} /* namespace */

TEST_CASE("Standard controls get the SPA video props", "[controls]")
{
	CHECK(standardControlPropId(V4L2_CID_BRIGHTNESS) == SPA_PROP_brightness);
	CHECK(standardControlPropId(V4L2_CID_CONTRAST) == SPA_PROP_contrast);
	CHECK(standardControlPropId(V4L2_CID_SATURATION) == SPA_PROP_saturation);
	CHECK(standardControlPropId(V4L2_CID_HUE) == SPA_PROP_hue);
	CHECK(standardControlPropId(V4L2_CID_GAMMA) == SPA_PROP_gamma);
	CHECK(standardControlPropId(V4L2_CID_GAIN) == SPA_PROP_gain);
	CHECK(standardControlPropId(V4L2_CID_SHARPNESS) == SPA_PROP_sharpness);
	CHECK(standardControlPropId(V4L2_CID_EXPOSURE) == SPA_PROP_exposure);
	CHECK(standardControlPropId(V4L2_CID_EXPOSURE_ABSOLUTE) == SPA_PROP_exposure);
	CHECK(standardControlPropId(V4L2_CID_AUDIO_VOLUME) == SPA_ID_INVALID);
	CHECK(standardControlPropId(kVividBoolean) == SPA_ID_INVALID);
}

TEST_CASE("Other controls get kControlPropBase + cid, clear of the plugin's props", "[controls]")
{
	CHECK(kControlPropBase == SPA_PROP_START_CUSTOM + 0x1000);
	CHECK(customControlPropId(kVividBoolean) == 0x01001000u + 0x0098f901u);
	CHECK(customControlPropId(V4L2_CID_AUDIO_VOLUME) == kControlPropBase + V4L2_CID_AUDIO_VOLUME);
	CHECK(customControlPropId(V4L2_CID_EXPOSURE_AUTO) ==
	      kControlPropBase + V4L2_CID_CAMERA_CLASS_BASE + 1);
	/* The largest control id still fits a uint32_t above the base. */
	CHECK(customControlPropId(V4L2_CTRL_ID_MASK) == 0x11000fffu);
	CHECK(customControlPropId(V4L2_CID_BRIGHTNESS) > V4L2_DMABUF_PROP_allocator);
}

TEST_CASE("Prop ids are unique; SPA_PROP_exposure prefers EXPOSURE_ABSOLUTE", "[controls]")
{
	V4l2Control exposure = control(V4L2_CID_EXPOSURE, V4L2_CTRL_TYPE_INTEGER, "Exposure",
				       0, 100, 1, 10);
	V4l2Control absolute = control(V4L2_CID_EXPOSURE_ABSOLUTE, V4L2_CTRL_TYPE_INTEGER,
				       "Exposure Time, Absolute", 3, 2047, 1, 250);
	V4l2Control brightness = control(V4L2_CID_BRIGHTNESS, V4L2_CTRL_TYPE_INTEGER,
					 "Brightness", 0, 255, 1, 128);

	std::vector<uint32_t> both = assignControlPropIds({ brightness, exposure, absolute });
	REQUIRE(both.size() == 3);
	CHECK(both[0] == SPA_PROP_brightness);
	CHECK(both[1] == customControlPropId(V4L2_CID_EXPOSURE));
	CHECK(both[2] == SPA_PROP_exposure);

	std::vector<uint32_t> one = assignControlPropIds({ exposure, brightness });
	CHECK(one[0] == SPA_PROP_exposure);
	CHECK(one[1] == SPA_PROP_brightness);
}

TEST_CASE("Prop names follow v4l2-ctl's names under api.v4l2.", "[controls]")
{
	CHECK(controlPropName("Brightness") == "api.v4l2.brightness");
	CHECK(controlPropName("Integer 32 Bits") == "api.v4l2.integer_32_bits");
	CHECK(controlPropName("Limited RGB Range (16-235)") == "api.v4l2.limited_rgb_range_16_235");
	CHECK(controlPropName("Exposure Time, Absolute") == "api.v4l2.exposure_time_absolute");
	CHECK(controlPropName("  Red/Green  ") == "api.v4l2.red_green");
	CHECK(controlPropName("") == "api.v4l2.");
}

TEST_CASE("V4l2Control::accepts refuses what the kernel would clamp", "[controls]")
{
	V4l2Control i = control(V4L2_CID_BRIGHTNESS, V4L2_CTRL_TYPE_INTEGER, "B", 0, 255, 1, 128);
	CHECK(i.accepts(0));
	CHECK(i.accepts(255));
	CHECK_FALSE(i.accepts(256));
	CHECK_FALSE(i.accepts(-1));
	V4l2Control s = control(1, V4L2_CTRL_TYPE_INTEGER, "S", -10, 10, 4, 2);
	CHECK(s.accepts(-10));
	CHECK(s.accepts(6));
	CHECK_FALSE(s.accepts(7));
	V4l2Control m = control(2, V4L2_CTRL_TYPE_MENU, "M", 1, 4, 1, 3);
	m.menu = { { 1, "one" }, { 3, "three" }, { 4, "four" } };
	CHECK(m.accepts(3));
	CHECK_FALSE(m.accepts(2)); /* skipped by the driver */
	CHECK_FALSE(m.accepts(5));
	V4l2Control bm = control(3, V4L2_CTRL_TYPE_BITMASK, "BM", 0, 0x80402010, 0, 0x80002000);
	CHECK(bm.accepts(0x80000010));
	CHECK_FALSE(bm.accepts(0x1));
	V4l2Control b = control(4, V4L2_CTRL_TYPE_BOOLEAN, "B", 0, 1, 1, 1);
	CHECK(b.accepts(1));
	CHECK_FALSE(b.accepts(2));
	V4l2Control l = control(5, V4L2_CTRL_TYPE_INTEGER64, "L", INT64_MIN, INT64_MAX, 1, 0);
	CHECK(l.accepts(INT64_MIN));
	CHECK(l.accepts(INT64_MAX));
}

TEST_CASE("PropInfo of each control type", "[controls]")
{
	uint8_t buf[8192];
	struct spa_pod_builder b = SPA_POD_BUILDER_INIT(buf, sizeof(buf));

	SECTION("INTEGER: Range Int, or Step Int when step > 1") {
		V4l2Control c = control(V4L2_CID_BRIGHTNESS, V4L2_CTRL_TYPE_INTEGER, "Brightness",
					0, 255, 1, 128);
		struct spa_pod *info = buildControlPropInfo(&b, SPA_PARAM_PropInfo, SPA_PROP_brightness, c);
		REQUIRE(info);
		CHECK(spa_pod_is_object_type(info, SPA_TYPE_OBJECT_PropInfo));
		CHECK(SPA_POD_OBJECT_ID(info) == SPA_PARAM_PropInfo);
		Common k = common(info);
		CHECK(k.id == SPA_PROP_brightness);
		CHECK(k.name == "api.v4l2.brightness");
		CHECK(k.description == "Brightness");
		Choice t = typeChoice(info);
		CHECK(t.choice == SPA_CHOICE_Range);
		CHECK(t.valueType == SPA_TYPE_Int);
		CHECK(t.values == std::vector<int64_t>{ 128, 0, 255 });
		CHECK(t.propFlags == SPA_POD_PROP_FLAG_HARDWARE);
		CHECK(spa_pod_find_prop(info, nullptr, SPA_PROP_INFO_labels) == nullptr);

		c.step = 5;
		info = buildControlPropInfo(&b, SPA_PARAM_PropInfo, SPA_PROP_brightness, c);
		t = typeChoice(info);
		CHECK(t.choice == SPA_CHOICE_Step);
		CHECK(t.values == std::vector<int64_t>{ 128, 0, 255, 5 });
	}
	SECTION("read-only INTEGER: the type is flagged READONLY") {
		V4l2Control c = control(0x0098f90c, V4L2_CTRL_TYPE_INTEGER, "Read-Only Integer 32 Bits",
					0, 255, 1, 0, V4L2_CTRL_FLAG_READ_ONLY);
		struct spa_pod *info = buildControlPropInfo(&b, SPA_PARAM_PropInfo,
							    customControlPropId(c.id), c);
		REQUIRE(info);
		CHECK(common(info).name == "api.v4l2.read_only_integer_32_bits");
		CHECK(typeChoice(info).propFlags ==
		      (SPA_POD_PROP_FLAG_HARDWARE | SPA_POD_PROP_FLAG_READONLY));
	}
	SECTION("BOOLEAN: Bool enum, default first") {
		V4l2Control c = control(kVividBoolean, V4L2_CTRL_TYPE_BOOLEAN, "Boolean", 0, 1, 1, 1);
		struct spa_pod *info = buildControlPropInfo(&b, SPA_PARAM_PropInfo,
							    customControlPropId(c.id), c);
		REQUIRE(info);
		CHECK(common(info).id == kControlPropBase + kVividBoolean);
		Choice t = typeChoice(info);
		CHECK(t.choice == SPA_CHOICE_Enum);
		CHECK(t.valueType == SPA_TYPE_Bool);
		CHECK(t.values == std::vector<int64_t>{ 1, 1, 0 });
	}
	SECTION("BUTTON: Bool enum, default false") {
		V4l2Control c = control(0x0098f900, V4L2_CTRL_TYPE_BUTTON, "Button", 0, 0, 0, 0,
					V4L2_CTRL_FLAG_WRITE_ONLY | V4L2_CTRL_FLAG_EXECUTE_ON_WRITE);
		struct spa_pod *info = buildControlPropInfo(&b, SPA_PARAM_PropInfo, 7, c);
		REQUIRE(info);
		Choice t = typeChoice(info);
		CHECK(t.valueType == SPA_TYPE_Bool);
		CHECK(t.values == std::vector<int64_t>{ 0, 0, 1 });
	}
	SECTION("MENU and INTEGER_MENU: Enum Int with labels") {
		V4l2Control c = control(0x0098f904, V4L2_CTRL_TYPE_MENU, "Menu", 1, 4, 1, 3);
		c.menu = { { 1, "Menu Item 1" }, { 3, "Menu Item 3" }, { 4, "Menu Item 4" } };
		V4l2Control im = control(0x0098f907, V4L2_CTRL_TYPE_INTEGER_MENU, "Integer Menu",
					 1, 3, 1, 2);
		im.menu = { { 1, "2" }, { 2, "3" }, { 3, "5" } };
		for (const V4l2Control *m : { &c, &im }) {
			struct spa_pod *info = buildControlPropInfo(&b, SPA_PARAM_PropInfo, 9, *m);
			REQUIRE(info);
			Choice t = typeChoice(info);
			CHECK(t.choice == SPA_CHOICE_Enum);
			CHECK(t.valueType == SPA_TYPE_Int);
			std::vector<int64_t> expect{ m->def };
			for (const auto &item : m->menu)
				expect.push_back(item.first);
			CHECK(t.values == expect);

			struct spa_pod *labels = nullptr;
			REQUIRE(spa_pod_parse_object(info, SPA_TYPE_OBJECT_PropInfo, nullptr,
						     SPA_PROP_INFO_labels, SPA_POD_Pod(&labels)) >= 0);
			REQUIRE(spa_pod_is_struct(labels));
			struct spa_pod_parser p;
			struct spa_pod_frame f;
			spa_pod_parser_pod(&p, labels);
			REQUIRE(spa_pod_parser_push_struct(&p, &f) == 0);
			for (const auto &item : m->menu) {
				int32_t value = -1;
				const char *label = nullptr;
				REQUIRE(spa_pod_parser_get(&p, SPA_POD_Int(&value), SPA_POD_String(&label),
							   nullptr) == 2);
				CHECK(value == item.first);
				CHECK(std::string(label) == item.second);
			}
			struct spa_pod *extra = spa_pod_parser_next(&p);
			CHECK(extra == nullptr);
		}
	}
	SECTION("INTEGER64: Range Long") {
		V4l2Control c = control(0x0098f903, V4L2_CTRL_TYPE_INTEGER64, "Integer 64 Bits",
					INT64_MIN, INT64_MAX, 1, 0);
		struct spa_pod *info = buildControlPropInfo(&b, SPA_PARAM_PropInfo, 9, c);
		REQUIRE(info);
		Choice t = typeChoice(info);
		CHECK(t.choice == SPA_CHOICE_Range);
		CHECK(t.valueType == SPA_TYPE_Long);
		CHECK(t.values == std::vector<int64_t>{ 0, INT64_MIN, INT64_MAX });
	}
	SECTION("BITMASK: Flags Int, default then each bit of the mask") {
		V4l2Control c = control(0x0098f906, V4L2_CTRL_TYPE_BITMASK, "Bitmask", 0, 0x80402010,
					0, 0x80002000);
		struct spa_pod *info = buildControlPropInfo(&b, SPA_PARAM_PropInfo, 9, c);
		REQUIRE(info);
		Choice t = typeChoice(info);
		CHECK(t.choice == SPA_CHOICE_Flags);
		CHECK(t.valueType == SPA_TYPE_Int);
		CHECK(t.values == std::vector<int64_t>{ static_cast<int32_t>(0x80002000u), 0x10, 0x2000,
							 0x400000, static_cast<int32_t>(0x80000000u) });
	}
	SECTION("labels that do not fit are left out, the rest stays") {
		uint8_t small[1024];
		struct spa_pod_builder sb = SPA_POD_BUILDER_INIT(small, sizeof(small));
		V4l2Control c = control(0x00f0f03f, V4L2_CTRL_TYPE_MENU, "DV Timings", 0, 110, 1, 0);
		for (int i = 0; i <= 110; i++)
			c.menu.emplace_back(i, "1920x1080p60 and some more text");
		struct spa_pod *info = buildControlPropInfo(&sb, SPA_PARAM_PropInfo, 9, c);
		REQUIRE(info);
		CHECK(spa_pod_find_prop(info, nullptr, SPA_PROP_INFO_labels) == nullptr);
		CHECK(typeChoice(info).values.size() == 112);
	}
}

TEST_CASE("Props values and their parsing", "[controls]")
{
	uint8_t buf[1024];
	struct spa_pod_builder b = SPA_POD_BUILDER_INIT(buf, sizeof(buf));
	V4l2Control integer = control(V4L2_CID_BRIGHTNESS, V4L2_CTRL_TYPE_INTEGER, "Brightness",
				      0, 255, 1, 128);
	V4l2Control boolean = control(kVividBoolean, V4L2_CTRL_TYPE_BOOLEAN, "Boolean", 0, 1, 1, 1);
	V4l2Control int64 = control(0x0098f903, V4L2_CTRL_TYPE_INTEGER64, "Integer 64 Bits",
				    INT64_MIN, INT64_MAX, 1, 0);
	V4l2Control bitmask = control(0x0098f906, V4L2_CTRL_TYPE_BITMASK, "Bitmask", 0,
				      0x80402010, 0, 0x80002000);
	V4l2Control ro = control(0x0098f90c, V4L2_CTRL_TYPE_INTEGER, "RO", 0, 255, 1, 0,
				 V4L2_CTRL_FLAG_READ_ONLY);

	struct spa_pod_frame f;
	spa_pod_builder_push_object(&b, &f, SPA_TYPE_OBJECT_Props, SPA_PARAM_Props);
	addControlValue(&b, 1, integer, 200);
	addControlValue(&b, 2, boolean, 1);
	addControlValue(&b, 3, int64, INT64_MIN + 5);
	addControlValue(&b, 4, bitmask, 0x80000010u);
	addControlValue(&b, 5, ro, 7);
	struct spa_pod *props = static_cast<struct spa_pod *>(spa_pod_builder_pop(&b, &f));
	REQUIRE(props);

	int32_t i = 0, bits = 0, r = 0;
	bool bo = false;
	int64_t l = 0;
	REQUIRE(spa_pod_parse_object(props, SPA_TYPE_OBJECT_Props, nullptr, 1, SPA_POD_Int(&i),
				     2, SPA_POD_Bool(&bo), 3, SPA_POD_Long(&l), 4, SPA_POD_Int(&bits),
				     5, SPA_POD_Int(&r)) == 5);
	CHECK(i == 200);
	CHECK(bo);
	CHECK(l == INT64_MIN + 5);
	CHECK(static_cast<uint32_t>(bits) == 0x80000010u);
	CHECK(r == 7);
	CHECK(spa_pod_find_prop(props, nullptr, 5)->flags ==
	      (SPA_POD_PROP_FLAG_HARDWARE | SPA_POD_PROP_FLAG_READONLY));
	CHECK(spa_pod_find_prop(props, nullptr, 1)->flags == SPA_POD_PROP_FLAG_HARDWARE);

	/* Each value parses back into what was written. */
	int64_t v = 0;
	CHECK(parseControlValue(&spa_pod_find_prop(props, nullptr, 1)->value, integer, &v) == 0);
	CHECK(v == 200);
	CHECK(parseControlValue(&spa_pod_find_prop(props, nullptr, 2)->value, boolean, &v) == 0);
	CHECK(v == 1);
	CHECK(parseControlValue(&spa_pod_find_prop(props, nullptr, 3)->value, int64, &v) == 0);
	CHECK(v == INT64_MIN + 5);
	CHECK(parseControlValue(&spa_pod_find_prop(props, nullptr, 4)->value, bitmask, &v) == 0);
	CHECK(v == 0x80000010);

	/* Wrong types are refused. */
	CHECK(parseControlValue(&spa_pod_find_prop(props, nullptr, 2)->value, integer, &v) == -EINVAL);
	CHECK(parseControlValue(&spa_pod_find_prop(props, nullptr, 3)->value, boolean, &v) == -EINVAL);
	uint8_t sbuf[128];
	struct spa_pod_builder sb = SPA_POD_BUILDER_INIT(sbuf, sizeof(sbuf));
	spa_pod_builder_string(&sb, "200");
	CHECK(parseControlValue(reinterpret_cast<struct spa_pod *>(sbuf), integer, &v) == -EINVAL);
	/* Int into a boolean is fine (range checked later); a None choice is unwrapped. */
	struct spa_pod_builder cb = SPA_POD_BUILDER_INIT(sbuf, sizeof(sbuf));
	spa_pod_builder_push_choice(&cb, &f, SPA_CHOICE_None, 0);
	spa_pod_builder_int(&cb, 1);
	struct spa_pod *choice = static_cast<struct spa_pod *>(spa_pod_builder_pop(&cb, &f));
	CHECK(parseControlValue(choice, boolean, &v) == 0);
	CHECK(v == 1);
	/* PipeWire 1.x's pw-cli sends numbers as Float: a whole one is taken,
	 * a fraction, a non-finite value or a Float for a boolean is not. */
	struct spa_pod_builder fb = SPA_POD_BUILDER_INIT(sbuf, sizeof(sbuf));
	spa_pod_builder_float(&fb, 200.0f);
	CHECK(parseControlValue(reinterpret_cast<struct spa_pod *>(sbuf), integer, &v) == 0);
	CHECK(v == 200);
	struct spa_pod_builder db = SPA_POD_BUILDER_INIT(sbuf, sizeof(sbuf));
	spa_pod_builder_double(&db, -3.0);
	CHECK(parseControlValue(reinterpret_cast<struct spa_pod *>(sbuf), int64, &v) == 0);
	CHECK(v == -3);
	struct spa_pod_builder hb = SPA_POD_BUILDER_INIT(sbuf, sizeof(sbuf));
	spa_pod_builder_float(&hb, 1.5f);
	CHECK(parseControlValue(reinterpret_cast<struct spa_pod *>(sbuf), integer, &v) == -EINVAL);
	struct spa_pod_builder nb = SPA_POD_BUILDER_INIT(sbuf, sizeof(sbuf));
	spa_pod_builder_double(&nb, HUGE_VAL);
	CHECK(parseControlValue(reinterpret_cast<struct spa_pod *>(sbuf), integer, &v) == -EINVAL);
	struct spa_pod_builder bb = SPA_POD_BUILDER_INIT(sbuf, sizeof(sbuf));
	spa_pod_builder_float(&bb, 1.0f);
	CHECK(parseControlValue(reinterpret_cast<struct spa_pod *>(sbuf), boolean, &v) == -EINVAL);
}
