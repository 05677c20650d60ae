/* SPDX-License-Identifier: MIT */
/*
 * V4L2 controls against real vivid (/dev/video0), run inside the test VM:
 * V4l2Controls, what the kernel itself answers, and ControlProps from SPA
 * Props to the device and back. Exits 77 (skipped) where /dev/video0 is
 * not vivid's (VividFixture).
 *
 * vivid's own controls (drivers/media/test-drivers/vivid/vivid-ctrls.c,
 * Linux 6.1) are named "Boolean", "Menu", "Integer 64 Bits", "Bitmask",
 * "Button", "Read-Only Integer 32 Bits", ... (v4l2-ctl -L: boolean, menu,
 * integer_64_bits, bitmask, button, read_only_integer_32_bits).
 */

#include <spa/param/param.h>
#include <spa/param/props.h>
#include <spa/pod/builder.h>
#include <spa/pod/iter.h>
#include <spa/pod/parser.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "catch.h"
#include "controls.h"
#include "fixtures.h"
#include "v4l2_controls.h"
#include "v4l2_device.h"
#include "vivid.h"

using namespace v4l2dmabuf;

namespace {

const char *const kDevice = vivid::kSinglePlanar;

/* vivid's single-planar node and its controls, enumerated. */
struct ControlsFixture : testenv::VividFixture {
	V4l2Device &dev = open(kDevice);
	std::vector<V4l2Control> list;

	ControlsFixture()
	{
		V4l2Controls controls(dev);
		REQUIRE(controls.enumerate(&list) == 0);
	}

	/* The control v4l2-ctl calls @p key, or a failed test. */
	const V4l2Control &byKey(const std::string &key) const
	{
		for (const V4l2Control &c : list)
			if (controlPropName(c.name) == "api.v4l2." + key)
				return c;
		FAIL("no control " << key);
		return list.front();
	}

	/* VIDIOC_G_EXT_CTRLS by hand, not through the code under test. */
	int64_t rawGet(const V4l2Control &c) const
	{
		struct v4l2_ext_control ec = {};
		ec.id = c.id;
		struct v4l2_ext_controls cs = {};
		cs.which = V4L2_CTRL_WHICH_CUR_VAL;
		cs.count = 1;
		cs.controls = &ec;
		REQUIRE(dev.ioctl(VIDIOC_G_EXT_CTRLS, &cs) == 0);
		return c.type == V4L2_CTRL_TYPE_INTEGER64 ? ec.value64 : ec.value;
	}

	int rawSet(const V4l2Control &c, int64_t value)
	{
		struct v4l2_ext_control ec = {};
		ec.id = c.id;
		if (c.type == V4L2_CTRL_TYPE_INTEGER64)
			ec.value64 = value;
		else
			ec.value = static_cast<int32_t>(value);
		struct v4l2_ext_controls cs = {};
		cs.which = V4L2_CTRL_WHICH_CUR_VAL;
		cs.count = 1;
		cs.controls = &ec;
		return dev.ioctl(VIDIOC_S_EXT_CTRLS, &cs);
	}
};

/* `v4l2-ctl -d /dev/video0 -C key` -> its "key: value" line. */
std::string v4l2ctlGet(const std::string &key)
{
	std::string cmd = std::string("v4l2-ctl -d ") + kDevice + " -C " + key + " 2>&1";
	FILE *p = popen(cmd.c_str(), "r");
	REQUIRE(p != nullptr);
	std::string out;
	char line[256];
	while (fgets(line, sizeof(line), p))
		out += line;
	pclose(p);
	while (!out.empty() && (out.back() == '\n' || out.back() == ' '))
		out.pop_back();
	return out;
}

/* A Props object with the given Int/Bool/Long/String properties. */
struct PropsBuilder {
	uint8_t buf[1024];
	struct spa_pod_builder b = SPA_POD_BUILDER_INIT(buf, sizeof(buf));
	struct spa_pod_frame f;

	PropsBuilder() { spa_pod_builder_push_object(&b, &f, SPA_TYPE_OBJECT_Props, SPA_PARAM_Props); }
	PropsBuilder &integer(uint32_t key, int32_t v)
	{
		spa_pod_builder_prop(&b, key, 0);
		spa_pod_builder_int(&b, v);
		return *this;
	}
	PropsBuilder &boolean(uint32_t key, bool v)
	{
		spa_pod_builder_prop(&b, key, 0);
		spa_pod_builder_bool(&b, v);
		return *this;
	}
	PropsBuilder &longInt(uint32_t key, int64_t v)
	{
		spa_pod_builder_prop(&b, key, 0);
		spa_pod_builder_long(&b, v);
		return *this;
	}
	PropsBuilder &string(uint32_t key, const char *v)
	{
		spa_pod_builder_prop(&b, key, 0);
		spa_pod_builder_string(&b, v);
		return *this;
	}
	const struct spa_pod *done() { return static_cast<struct spa_pod *>(spa_pod_builder_pop(&b, &f)); }
};

} /* namespace */

TEST_CASE_METHOD(ControlsFixture, "enumerate() finds vivid's controls of every kept type", "[controls]")
{
	REQUIRE(list.size() > 20);

	const V4l2Control &brightness = byKey("brightness");
	CHECK(brightness.id == V4L2_CID_BRIGHTNESS);
	CHECK(brightness.type == V4L2_CTRL_TYPE_INTEGER);
	CHECK(brightness.min == 0);
	CHECK(brightness.max == 255);
	CHECK(brightness.def == 128);
	CHECK(byKey("boolean").type == V4L2_CTRL_TYPE_BOOLEAN);

	const V4l2Control &menu = byKey("menu");
	CHECK(menu.type == V4L2_CTRL_TYPE_MENU);
	REQUIRE(menu.menu.size() == 3); /* index 2 is skipped by vivid */
	CHECK(menu.menu[0] == std::make_pair(int64_t(1), std::string("Menu Item 1")));
	CHECK(menu.menu[1].first == 3);
	CHECK(menu.menu[2].first == 4);

	const V4l2Control &imenu = byKey("integer_menu");
	CHECK(imenu.type == V4L2_CTRL_TYPE_INTEGER_MENU);
	REQUIRE(imenu.menu.size() == 7);
	CHECK(imenu.menu.back() == std::make_pair(int64_t(8), std::string("42")));

	const V4l2Control &int64 = byKey("integer_64_bits");
	CHECK(int64.type == V4L2_CTRL_TYPE_INTEGER64);
	CHECK(int64.min == INT64_MIN);
	CHECK(int64.max == INT64_MAX);

	const V4l2Control &bitmask = byKey("bitmask");
	CHECK(bitmask.type == V4L2_CTRL_TYPE_BITMASK);
	CHECK(bitmask.max == 0x80402010);

	const V4l2Control &button = byKey("button");
	CHECK(button.type == V4L2_CTRL_TYPE_BUTTON);
	CHECK(button.writeOnly());

	const V4l2Control &ro = byKey("read_only_integer_32_bits");
	CHECK(ro.type == V4L2_CTRL_TYPE_INTEGER);
	CHECK(ro.readOnly());

	/* Left out: classes, strings, arrays, compound types. */
	for (const V4l2Control &c : list) {
		INFO(c.name);
		CHECK(c.type != V4L2_CTRL_TYPE_CTRL_CLASS);
		CHECK(c.type != V4L2_CTRL_TYPE_STRING);
		CHECK(c.type < V4L2_CTRL_COMPOUND_TYPES);
		CHECK_FALSE(c.flags & V4L2_CTRL_FLAG_DISABLED);
	}
}

TEST_CASE_METHOD(ControlsFixture, "What the kernel answers by itself: clamps integers, refuses read-only", "[controls]")
{
	const V4l2Control &brightness = byKey("brightness");
	const V4l2Control &ro = byKey("read_only_integer_32_bits");
	const V4l2Control &menu = byKey("menu");
	const V4l2Control &bitmask = byKey("bitmask");

	CHECK(rawSet(brightness, 300) == 0);
	CHECK(rawGet(brightness) == 255);
	CHECK(rawSet(bitmask, 0xffffffff) == 0);
	CHECK(static_cast<uint32_t>(rawGet(bitmask)) == 0x80402010u);
	CHECK(rawSet(ro, 5) == -EACCES);
	CHECK(rawSet(menu, 9) == -ERANGE);
	CHECK(rawSet(menu, 2) == -EINVAL);

	CHECK(rawSet(brightness, brightness.def) == 0);
	CHECK(rawSet(bitmask, bitmask.def) == 0);
}

TEST_CASE_METHOD(ControlsFixture, "V4l2Controls get/set refuse what the kernel would clamp", "[controls]")
{
	V4l2Controls controls(dev);
	const V4l2Control &brightness = byKey("brightness");
	const V4l2Control &ro = byKey("read_only_integer_32_bits");

	REQUIRE(controls.set(brightness.id, 77) == 0);
	int64_t v = 0;
	REQUIRE(controls.get(brightness.id, &v) == 0);
	CHECK(v == 77);
	CHECK(rawGet(brightness) == 77);

	CHECK(controls.set(brightness.id, 300) == -ERANGE);
	CHECK(controls.set(brightness.id, -1) == -ERANGE);
	CHECK(rawGet(brightness) == 77);
	CHECK(controls.set(ro.id, 5) == -EACCES);
	CHECK(controls.get(ro.id, &v) == 0);
	CHECK(v == 0);
	CHECK(controls.set(byKey("menu").id, 2) == -ERANGE);
	CHECK(controls.set(byKey("bitmask").id, 0x1) == -ERANGE);
	CHECK(controls.set(0x0098ffff, 1) == -EINVAL); /* no such control */
	CHECK(controls.get(byKey("button").id, &v) == -EACCES);

	/* Every type round-trips. */
	const V4l2Control &int64 = byKey("integer_64_bits");
	REQUIRE(controls.set(int64.id, INT64_MIN + 3) == 0);
	REQUIRE(controls.get(int64.id, &v) == 0);
	CHECK(v == INT64_MIN + 3);
	const V4l2Control &bitmask = byKey("bitmask");
	REQUIRE(controls.set(bitmask.id, 0x80000010) == 0);
	REQUIRE(controls.get(bitmask.id, &v) == 0);
	CHECK(v == 0x80000010);
	REQUIRE(controls.set(byKey("integer_menu").id, 8) == 0);
	REQUIRE(controls.get(byKey("integer_menu").id, &v) == 0);
	CHECK(v == 8);
	REQUIRE(controls.set(byKey("boolean").id, 0) == 0);
	REQUIRE(controls.get(byKey("boolean").id, &v) == 0);
	CHECK(v == 0);

	CHECK(controls.set(brightness.id, brightness.def) == 0);
	CHECK(controls.set(int64.id, int64.def) == 0);
	CHECK(controls.set(bitmask.id, bitmask.def) == 0);
	CHECK(controls.set(byKey("integer_menu").id, byKey("integer_menu").def) == 0);
	CHECK(controls.set(byKey("boolean").id, byKey("boolean").def) == 0);
}

TEST_CASE_METHOD(ControlsFixture, "subscribed control events report changes made through another fd only", "[controls]")
{
	V4l2Controls controls(dev);
	const V4l2Control &brightness = byKey("brightness");
	const V4l2Control &contrast = byKey("contrast");
	const int64_t brightnessBefore = rawGet(brightness), contrastBefore = rawGet(contrast);
	REQUIRE(controls.subscribe({brightness, contrast}) == 0);
	std::vector<V4l2ControlChange> changes;
	CHECK(controls.dequeueChanges(&changes) == 0);

	/* Our own write: no feedback. */
	REQUIRE(controls.set(brightness.id, 90) == 0);
	CHECK(controls.dequeueChanges(&changes) == 0);

	/* Another program's writes (a second open of the node). */
	V4l2Device other;
	REQUIRE(other.open(kDevice) == 0);
	V4l2Controls otherControls(other);
	REQUIRE(otherControls.set(brightness.id, 91) == 0);
	REQUIRE(otherControls.set(contrast.id, 92) == 0);
	REQUIRE(controls.dequeueChanges(&changes) == 2);
	CHECK(changes[0].id == brightness.id);
	CHECK(changes[1].id == contrast.id);
	for (const V4l2ControlChange &c : changes)
		CHECK((c.changes & V4L2_EVENT_CTRL_CH_VALUE) != 0);
	CHECK(controls.dequeueChanges(&changes) == 0);
	/* The later tests expect vivid's values as they were. */
	CHECK(controls.setMany({brightness, contrast}, {brightnessBefore, contrastBefore}) == 0);
}

TEST_CASE_METHOD(ControlsFixture, "ControlProps: PropInfo, setProps and Props against vivid", "[controls]")
{
	ControlProps props(dev);
	REQUIRE(props.refresh() == 0);
	REQUIRE(props.count() == list.size());
	const V4l2Control &brightness = byKey("brightness");
	const V4l2Control &ro = byKey("read_only_integer_32_bits");
	uint32_t roId = customControlPropId(ro.id);

	/* Every control has a PropInfo that fits the node's 8 KiB builders. */
	bool sawBrightness = false;
	for (uint32_t i = 0; i < props.count(); i++) {
		uint8_t buf[8192];
		struct spa_pod_builder b = SPA_POD_BUILDER_INIT(buf, sizeof(buf));
		struct spa_pod *info = props.buildPropInfo(&b, SPA_PARAM_PropInfo, i);
		REQUIRE(info != nullptr);
		uint32_t id = 0;
		const char *name = nullptr;
		REQUIRE(spa_pod_parse_object(info, SPA_TYPE_OBJECT_PropInfo, nullptr,
					     SPA_PROP_INFO_id, SPA_POD_Id(&id),
					     SPA_PROP_INFO_name, SPA_POD_String(&name)) == 2);
		const V4l2Control &c = props.controls()[i];
		if (c.type == V4L2_CTRL_TYPE_MENU || c.type == V4L2_CTRL_TYPE_INTEGER_MENU) {
			INFO(c.name);
			CHECK(spa_pod_find_prop(info, nullptr, SPA_PROP_INFO_labels) != nullptr);
		}
		if (id == SPA_PROP_brightness) {
			sawBrightness = true;
			CHECK(std::string(name) == "api.v4l2.brightness");
		}
	}
	CHECK(sawBrightness);
	{
		uint8_t buf[256];
		struct spa_pod_builder b = SPA_POD_BUILDER_INIT(buf, sizeof(buf));
		CHECK(props.buildPropInfo(&b, SPA_PARAM_PropInfo, props.count()) == nullptr);
	}
	CHECK(props.handles(SPA_PROP_brightness));
	CHECK(props.handles(SPA_PROP_gain));
	CHECK(props.handles(roId));
	CHECK_FALSE(props.handles(SPA_PROP_sharpness)); /* vivid has none */

	/* brightness 200 reaches the device. */
	bool changed = false;
	{
		PropsBuilder pb;
		REQUIRE(props.setProps(pb.integer(SPA_PROP_brightness, 200).done(), &changed) == 0);
	}
	CHECK(changed);
	CHECK(rawGet(brightness) == 200);
	CHECK(v4l2ctlGet("brightness") == "brightness: 200");

	/* Out of range, read-only, wrong type: refused, nothing written. */
	{
		PropsBuilder pb;
		CHECK(props.setProps(pb.integer(SPA_PROP_brightness, 300).done(), &changed) == -EINVAL);
		CHECK_FALSE(changed);
	}
	{
		PropsBuilder pb;
		CHECK(props.setProps(pb.integer(SPA_PROP_brightness, 10).integer(roId, 5).done(),
				     &changed) == -EACCES);
		CHECK_FALSE(changed);
	}
	{
		PropsBuilder pb;
		CHECK(props.setProps(pb.integer(SPA_PROP_contrast, 10)
					     .string(SPA_PROP_brightness, "10").done(),
				     &changed) == -EINVAL);
	}
	CHECK(rawGet(brightness) == 200);
	/* Props read back and written whole: read-only controls come at their
	 * current value, which is not a write (PipeWire's node load does it). */
	{
		PropsBuilder pb;
		CHECK(props.setProps(pb.integer(SPA_PROP_brightness, 200)
					     .integer(roId, int32_t(rawGet(ro))).done(),
				     &changed) == 0);
		CHECK(changed);
	}
	CHECK(rawGet(ro) == 0);
	CHECK(rawGet(byKey("contrast")) == 128);
	CHECK(v4l2ctlGet("brightness") == "brightness: 200");

	/* Unknown keys (the node's own props) are ignored. */
	{
		PropsBuilder pb;
		CHECK(props.setProps(pb.string(SPA_PROP_device, "/dev/video0").done(), &changed) == 0);
		CHECK_FALSE(changed);
	}

	/* Several controls of several types and classes in one call. */
	const V4l2Control &int64 = byKey("integer_64_bits");
	const V4l2Control &bitmask = byKey("bitmask");
	const V4l2Control &boolean = byKey("boolean");
	const V4l2Control &menu = byKey("menu");
	const V4l2Control &pattern = byKey("test_pattern"); /* vivid's own class */
	{
		PropsBuilder pb;
		pb.integer(SPA_PROP_contrast, 50)
			.longInt(customControlPropId(int64.id), 1234567890123LL)
			.integer(customControlPropId(bitmask.id), static_cast<int32_t>(0x80400000u))
			.boolean(customControlPropId(boolean.id), false)
			.integer(customControlPropId(menu.id), 4)
			.integer(customControlPropId(pattern.id), 6)
			.boolean(customControlPropId(byKey("button").id), true);
		REQUIRE(props.setProps(pb.done(), &changed) == 0);
		CHECK(changed);
	}
	CHECK(rawGet(byKey("contrast")) == 50);
	CHECK(rawGet(int64) == 1234567890123LL);
	CHECK(static_cast<uint32_t>(rawGet(bitmask)) == 0x80400000u);
	CHECK(rawGet(boolean) == 0);
	CHECK(rawGet(menu) == 4);
	CHECK(rawGet(pattern) == 6);

	/* Props built now show the new values. */
	uint8_t buf[8192];
	struct spa_pod_builder b = SPA_POD_BUILDER_INIT(buf, sizeof(buf));
	struct spa_pod_frame f;
	spa_pod_builder_push_object(&b, &f, SPA_TYPE_OBJECT_Props, SPA_PARAM_Props);
	props.addProps(&b);
	struct spa_pod *current = static_cast<struct spa_pod *>(spa_pod_builder_pop(&b, &f));
	REQUIRE(current != nullptr);
	int32_t bright = 0, contrast = 0, menuValue = 0, roValue = -1, bits = 0;
	int64_t big = 0;
	bool boolValue = true, buttonValue = true;
	REQUIRE(spa_pod_parse_object(current, SPA_TYPE_OBJECT_Props, nullptr,
				     SPA_PROP_brightness, SPA_POD_Int(&bright),
				     SPA_PROP_contrast, SPA_POD_Int(&contrast),
				     customControlPropId(int64.id), SPA_POD_Long(&big),
				     customControlPropId(bitmask.id), SPA_POD_Int(&bits),
				     customControlPropId(boolean.id), SPA_POD_Bool(&boolValue),
				     customControlPropId(menu.id), SPA_POD_Int(&menuValue),
				     roId, SPA_POD_Int(&roValue),
				     customControlPropId(byKey("button").id), SPA_POD_Bool(&buttonValue)) == 8);
	CHECK(bright == 200);
	CHECK(contrast == 50);
	CHECK(big == 1234567890123LL);
	CHECK(static_cast<uint32_t>(bits) == 0x80400000u);
	CHECK_FALSE(boolValue);
	CHECK(menuValue == 4);
	CHECK(roValue == 0);
	CHECK_FALSE(buttonValue);
	CHECK(spa_pod_find_prop(current, nullptr, roId)->flags & SPA_POD_PROP_FLAG_READONLY);
	CHECK_FALSE(spa_pod_find_prop(current, nullptr, SPA_PROP_brightness)->flags &
		    SPA_POD_PROP_FLAG_READONLY);
}
