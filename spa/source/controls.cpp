/* SPDX-License-Identifier: MIT */
/*
 * ControlProps: V4L2 controls as SPA PropInfo and Props (spa/param/props.h
 * and spa/pod/ of PipeWire 0.3.65; the V4L2 side is V4l2Controls).
 */
#include "controls.h"

#include <cmath>

#include <cctype>
#include <cerrno>

#include <spa/debug/types.h>
#include <spa/pod/iter.h>
#include <spa/utils/defs.h>

#include "v4l2_device.h"

namespace v4l2dmabuf {

namespace {

constexpr uint32_t kHardware = SPA_POD_PROP_FLAG_HARDWARE;

uint32_t valueFlags(const V4l2Control &control)
{
	return kHardware | (control.readOnly() ? SPA_POD_PROP_FLAG_READONLY : 0);
}

int32_t toInt(int64_t v)
{
	return static_cast<int32_t>(v);
}

void addType(struct spa_pod_builder *b, const V4l2Control &c)
{
	struct spa_pod_frame f;
	spa_pod_builder_prop(b, SPA_PROP_INFO_type, valueFlags(c));
	switch (c.type) {
	case V4L2_CTRL_TYPE_INTEGER:
		spa_pod_builder_push_choice(b, &f, c.step > 1 ? SPA_CHOICE_Step : SPA_CHOICE_Range, 0);
		spa_pod_builder_int(b, toInt(c.def));
		spa_pod_builder_int(b, toInt(c.min));
		spa_pod_builder_int(b, toInt(c.max));
		if (c.step > 1)
			spa_pod_builder_int(b, toInt(c.step));
		break;
	case V4L2_CTRL_TYPE_INTEGER64:
		spa_pod_builder_push_choice(b, &f, c.step > 1 ? SPA_CHOICE_Step : SPA_CHOICE_Range, 0);
		spa_pod_builder_long(b, c.def);
		spa_pod_builder_long(b, c.min);
		spa_pod_builder_long(b, c.max);
		if (c.step > 1)
			spa_pod_builder_long(b, c.step);
		break;
	case V4L2_CTRL_TYPE_BOOLEAN:
	case V4L2_CTRL_TYPE_BUTTON: {
		bool def = c.type == V4L2_CTRL_TYPE_BOOLEAN && c.def != 0;
		spa_pod_builder_push_choice(b, &f, SPA_CHOICE_Enum, 0);
		spa_pod_builder_bool(b, def);
		spa_pod_builder_bool(b, def);
		spa_pod_builder_bool(b, !def);
		break;
	}
	case V4L2_CTRL_TYPE_MENU:
	case V4L2_CTRL_TYPE_INTEGER_MENU:
		spa_pod_builder_push_choice(b, &f, SPA_CHOICE_Enum, 0);
		spa_pod_builder_int(b, toInt(c.def));
		for (const auto &item : c.menu)
			spa_pod_builder_int(b, toInt(item.first));
		break;
	case V4L2_CTRL_TYPE_BITMASK: {
		spa_pod_builder_push_choice(b, &f, SPA_CHOICE_Flags, 0);
		spa_pod_builder_int(b, toInt(c.def));
		uint32_t mask = static_cast<uint32_t>(c.max);
		for (uint32_t bit = 0; bit < 32; bit++)
			if (mask & (1u << bit))
				spa_pod_builder_int(b, toInt(static_cast<int64_t>(1u << bit)));
		break;
	}
	default:
		/* enumerate() keeps no other type; a None choice keeps the object valid. */
		spa_pod_builder_push_choice(b, &f, SPA_CHOICE_None, 0);
		spa_pod_builder_int(b, toInt(c.def));
		break;
	}
	spa_pod_builder_pop(b, &f);
}

struct spa_pod *buildPropInfoObject(struct spa_pod_builder *b, uint32_t paramId,
				    uint32_t propId, const V4l2Control &c, bool labels)
{
	struct spa_pod_frame f;
	std::string name = controlPropName(c.name);

	spa_pod_builder_push_object(b, &f, SPA_TYPE_OBJECT_PropInfo, paramId);
	spa_pod_builder_prop(b, SPA_PROP_INFO_id, kHardware);
	spa_pod_builder_id(b, propId);
	spa_pod_builder_prop(b, SPA_PROP_INFO_name, kHardware);
	spa_pod_builder_string(b, name.c_str());
	spa_pod_builder_prop(b, SPA_PROP_INFO_description, kHardware);
	spa_pod_builder_string(b, c.name.c_str());
	addType(b, c);
	if (labels && (c.type == V4L2_CTRL_TYPE_MENU || c.type == V4L2_CTRL_TYPE_INTEGER_MENU)) {
		struct spa_pod_frame s;
		spa_pod_builder_prop(b, SPA_PROP_INFO_labels, kHardware);
		spa_pod_builder_push_struct(b, &s);
		for (const auto &item : c.menu) {
			spa_pod_builder_int(b, toInt(item.first));
			spa_pod_builder_string(b, item.second.c_str());
		}
		spa_pod_builder_pop(b, &s);
	}
	return static_cast<struct spa_pod *>(spa_pod_builder_pop(b, &f));
}

} /* namespace */

uint32_t standardControlPropId(uint32_t cid)
{
	switch (cid) {
	case V4L2_CID_BRIGHTNESS: return SPA_PROP_brightness;
	case V4L2_CID_CONTRAST: return SPA_PROP_contrast;
	case V4L2_CID_SATURATION: return SPA_PROP_saturation;
	case V4L2_CID_HUE: return SPA_PROP_hue;
	case V4L2_CID_GAMMA: return SPA_PROP_gamma;
	case V4L2_CID_GAIN: return SPA_PROP_gain;
	case V4L2_CID_SHARPNESS: return SPA_PROP_sharpness;
	case V4L2_CID_EXPOSURE_ABSOLUTE:
	case V4L2_CID_EXPOSURE: return SPA_PROP_exposure;
	default: return SPA_ID_INVALID;
	}
}

uint32_t customControlPropId(uint32_t cid)
{
	return kControlPropBase + (cid & V4L2_CTRL_ID_MASK);
}

std::vector<uint32_t> assignControlPropIds(const std::vector<V4l2Control> &controls)
{
	bool haveAbsolute = false;
	for (const V4l2Control &c : controls)
		haveAbsolute |= c.id == V4L2_CID_EXPOSURE_ABSOLUTE;

	std::vector<uint32_t> ids;
	ids.reserve(controls.size());
	for (const V4l2Control &c : controls) {
		uint32_t id = standardControlPropId(c.id);
		if (c.id == V4L2_CID_EXPOSURE && haveAbsolute)
			id = SPA_ID_INVALID;
		ids.push_back(id != SPA_ID_INVALID ? id : customControlPropId(c.id));
	}
	return ids;
}

std::string controlPropName(const std::string &v4l2Name)
{
	std::string key;
	bool pendingSeparator = false;
	for (char ch : v4l2Name) {
		unsigned char u = static_cast<unsigned char>(ch);
		if (u < 0x80 && isalnum(u)) {
			if (pendingSeparator && !key.empty())
				key += '_';
			pendingSeparator = false;
			key += static_cast<char>(tolower(u));
		} else {
			pendingSeparator = true;
		}
	}
	return "api.v4l2." + key;
}

struct spa_pod *buildControlPropInfo(struct spa_pod_builder *b, uint32_t paramId,
				     uint32_t propId, const V4l2Control &control)
{
	struct spa_pod_builder_state state;
	spa_pod_builder_get_state(b, &state);
	struct spa_pod *pod = buildPropInfoObject(b, paramId, propId, control, true);
	if (pod != nullptr)
		return pod;
	/* Too many labels for this builder: the rest still helps a client. */
	spa_pod_builder_reset(b, &state);
	return buildPropInfoObject(b, paramId, propId, control, false);
}

void addControlValue(struct spa_pod_builder *b, uint32_t propId, const V4l2Control &control,
		     int64_t value)
{
	spa_pod_builder_prop(b, propId, valueFlags(control));
	switch (control.type) {
	case V4L2_CTRL_TYPE_BOOLEAN:
	case V4L2_CTRL_TYPE_BUTTON:
		spa_pod_builder_bool(b, value != 0);
		break;
	case V4L2_CTRL_TYPE_INTEGER64:
		spa_pod_builder_long(b, value);
		break;
	default:
		spa_pod_builder_int(b, toInt(value));
		break;
	}
}

int parseControlValue(const struct spa_pod *pod, const V4l2Control &control, int64_t *value)
{
	if (spa_pod_is_choice(pod)) {
		/* The value count is the Choice's, read before stepping into its child. */
		if (SPA_POD_CHOICE_TYPE(pod) != SPA_CHOICE_None || SPA_POD_CHOICE_N_VALUES(pod) < 1)
			return -EINVAL;
		pod = SPA_POD_CHOICE_CHILD(pod);
	}
	bool boolean = control.type == V4L2_CTRL_TYPE_BOOLEAN ||
		       control.type == V4L2_CTRL_TYPE_BUTTON;
	switch (SPA_POD_TYPE(pod)) {
	case SPA_TYPE_Bool: {
		bool v;
		if (!boolean || spa_pod_get_bool(pod, &v) < 0)
			return -EINVAL;
		*value = v ? 1 : 0;
		return 0;
	}
	case SPA_TYPE_Int: {
		int32_t v;
		if (spa_pod_get_int(pod, &v) < 0)
			return -EINVAL;
		*value = control.type == V4L2_CTRL_TYPE_BITMASK ? static_cast<uint32_t>(v) : v;
		return 0;
	}
	case SPA_TYPE_Long: {
		int64_t v;
		if (boolean || spa_pod_get_long(pod, &v) < 0)
			return -EINVAL;
		*value = v;
		return 0;
	}
	case SPA_TYPE_Float:
	case SPA_TYPE_Double: {
		/* PipeWire 1.x's pw-cli writes every number it parses as a Float
		 * ("{ brightness: 200 }"): a whole number within range is taken,
		 * a fraction is refused rather than rounded. */
		double v;
		if (SPA_POD_TYPE(pod) == SPA_TYPE_Float) {
			float f;
			if (spa_pod_get_float(pod, &f) < 0)
				return -EINVAL;
			v = f;
		} else if (spa_pod_get_double(pod, &v) < 0) {
			return -EINVAL;
		}
		if (boolean || !std::isfinite(v) || v != std::trunc(v) || v < -9.2e18 || v > 9.2e18)
			return -EINVAL;
		*value = static_cast<int64_t>(v);
		return 0;
	}
	default:
		return -EINVAL;
	}
}

ControlProps::ControlProps(V4l2Device &device)
	: device_(device), v4l2_(device)
{
}

int ControlProps::refresh()
{
	int ret = v4l2_.enumerate(&controls_);
	propIds_ = assignControlPropIds(controls_);
	device_.log(LogLevel::Debug, std::to_string(controls_.size()) + " control(s)");
	return ret;
}

int ControlProps::subscribe()
{
	return v4l2_.subscribe(controls_);
}

int ControlProps::takeChanges(Changes *changes)
{
	*changes = Changes();
	std::vector<V4l2ControlChange> events;
	int ret = v4l2_.dequeueChanges(&events);
	if (ret < 0)
		return ret;
	*changes = applyChanges(events);
	return 0;
}

ControlProps::Changes ControlProps::applyChanges(const std::vector<V4l2ControlChange> &events)
{
	Changes changes;
	bool enumerate = false;
	for (const V4l2ControlChange &e : events) {
		changes.values |= (e.changes & (V4L2_EVENT_CTRL_CH_VALUE | V4L2_EVENT_CTRL_CH_FLAGS)) != 0;
		bool info = (e.changes & (V4L2_EVENT_CTRL_CH_RANGE | V4L2_EVENT_CTRL_CH_FLAGS)) != 0;
		changes.infos |= info;
		V4l2Control *c = e.id ? findControl(e.id) : nullptr;
		if (e.id == 0 || (info && (e.flags & V4L2_CTRL_FLAG_DISABLED))) {
			enumerate = true;
			continue;
		}
		if (c == nullptr || !info)
			continue; /* not one of ours (left out at enumeration), or a value */
		if (e.changes & V4L2_EVENT_CTRL_CH_FLAGS)
			c->flags = e.flags;
		if (!(e.changes & V4L2_EVENT_CTRL_CH_RANGE))
			continue;
		if (c->type == V4L2_CTRL_TYPE_MENU || c->type == V4L2_CTRL_TYPE_INTEGER_MENU ||
		    c->type == V4L2_CTRL_TYPE_INTEGER64) {
			V4l2Control fresh;
			if (v4l2_.query(c->id, &fresh) == 0 && fresh.type == c->type)
				*c = std::move(fresh);
			else
				enumerate = true;
			continue;
		}
		c->min = e.min;
		c->max = e.max;
		c->step = e.step;
		c->def = e.def;
	}
	if (enumerate)
		refresh();
	return changes;
}

V4l2Control *ControlProps::findControl(uint32_t cid)
{
	for (V4l2Control &c : controls_)
		if (c.id == cid)
			return &c;
	return nullptr;
}

const V4l2Control *ControlProps::find(uint32_t propId) const
{
	for (size_t i = 0; i < propIds_.size(); i++)
		if (propIds_[i] == propId)
			return &controls_[i];
	return nullptr;
}

struct spa_pod *ControlProps::buildPropInfo(struct spa_pod_builder *b, uint32_t id,
					    uint32_t index) const
{
	if (index >= controls_.size())
		return nullptr;
	return buildControlPropInfo(b, id, propIds_[index], controls_[index]);
}

void ControlProps::addProps(struct spa_pod_builder *b) const
{
	for (size_t i = 0; i < controls_.size(); i++) {
		const V4l2Control &c = controls_[i];
		int64_t value = 0;
		if (!c.writeOnly() && v4l2_.get(c, &value) < 0)
			continue;
		addControlValue(b, propIds_[i], c, value);
	}
}

int ControlProps::setProps(const struct spa_pod *props, bool *changed)
{
	if (changed)
		*changed = false;
	if (props == nullptr || !spa_pod_is_object_type(props, SPA_TYPE_OBJECT_Props)) {
		device_.log(LogLevel::Error, "controls: not a Props object");
		return -EINVAL;
	}

	std::vector<V4l2Control> toWrite;
	std::vector<int64_t> values;
	const struct spa_pod_object *object = reinterpret_cast<const struct spa_pod_object *>(props);
	const struct spa_pod_prop *prop;
	SPA_POD_OBJECT_FOREACH(object, prop) {
		const V4l2Control *c = find(prop->key);
		if (c == nullptr)
			continue;
		std::string what = controlPropName(c->name);
		int64_t value;
		if (parseControlValue(&prop->value, *c, &value) < 0) {
			const char *type = spa_debug_type_find_short_name(spa_types,
									   SPA_POD_TYPE(&prop->value));
			device_.log(LogLevel::Error, "controls: " + what + ": a " +
				    (type ? type : "?") + " value does not fit control type " +
				    controlTypeName(c->type));
			return -EINVAL;
		}
		if (c->readOnly()) {
			/* A Props read back and written whole (PipeWire's
			 * setup_props at node load does) carries read-only
			 * controls at their current value: that is no write. */
			int64_t current = 0;
			if (v4l2_.get(*c, &current) == 0 && current == value)
				continue;
			device_.log(LogLevel::Error, "controls: " + what + " is read-only");
			return -EACCES;
		}
		if (!c->accepts(value)) {
			device_.log(LogLevel::Error, "controls: " + what + ": " +
				    std::to_string(value) + " is not a valid value (" +
				    controlTypeName(c->type) + ", " + std::to_string(c->min) + ".." +
				    std::to_string(c->max) + ", step " + std::to_string(c->step) + ")");
			return -EINVAL;
		}
		/* Writing a button presses it: only true does. */
		if (c->type == V4L2_CTRL_TYPE_BUTTON && value == 0)
			continue;
		toWrite.push_back(*c);
		values.push_back(value);
	}
	if (toWrite.empty())
		return 0;
	int ret = v4l2_.setMany(toWrite, values);
	if (ret < 0)
		return ret;
	if (changed)
		*changed = true;
	return 0;
}

} /* namespace v4l2dmabuf */
