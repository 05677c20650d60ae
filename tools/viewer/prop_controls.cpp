/* SPDX-License-Identifier: MIT */
#include "prop_controls.h"

#include <cerrno>
#include <cstdlib>
#include <strings.h>
#include <algorithm>
#include <cstdio>

#include <spa/param/param.h>
#include <spa/param/props.h>
#include <spa/pod/iter.h>

namespace v4l2dmabuf::viewer {

namespace {

/* The values of the choice (or plain value) @p pod as ints; false when they
 * are not Int or Bool. @p choice gets the choice type (None for a value). */
bool intValues(const spa_pod *pod, std::vector<int32_t> *values, uint32_t *choice, bool *isBool)
{
	uint32_t n = 0;
	const spa_pod *value = spa_pod_get_values(pod, &n, choice);
	if (!value || n == 0)
		return false;
	const void *body = SPA_POD_BODY_CONST(value);
	if (value->type == SPA_TYPE_Int && value->size >= sizeof(int32_t)) {
		for (uint32_t i = 0; i < n; i++)
			values->push_back(static_cast<const int32_t *>(body)[i]);
		*isBool = false;
		return true;
	}
	if (value->type == SPA_TYPE_Bool && value->size >= sizeof(int32_t)) {
		for (uint32_t i = 0; i < n; i++)
			values->push_back(static_cast<const int32_t *>(body)[i] != 0);
		*isBool = true;
		return true;
	}
	return false;
}

void parseLabels(const spa_pod *labels, ControlInfo *c)
{
	std::map<int32_t, std::string> byValue;
	if (labels && spa_pod_is_struct(labels)) {
		/* By hand: libspa 0.3.65's SPA_POD_STRUCT_FOREACH does not compile as C++. */
		const uint8_t *p = static_cast<const uint8_t *>(SPA_POD_BODY_CONST(labels));
		const uint8_t *end = p + labels->size;
		int32_t value = 0;
		bool haveValue = false;
		while (size_t(end - p) >= sizeof(spa_pod)) {
			const spa_pod *item = reinterpret_cast<const spa_pod *>(p);
			if (item->size > size_t(end - p) - sizeof(spa_pod))
				break;
			p += std::min<size_t>(SPA_ROUND_UP_N(sizeof(spa_pod) + item->size, 8), size_t(end - p));
			const char *text = nullptr;
			if (!haveValue && spa_pod_get_int(item, &value) == 0)
				haveValue = true;
			else if (haveValue && spa_pod_get_string(item, &text) == 0) {
				byValue[value] = text;
				haveValue = false;
			} else
				haveValue = false;
		}
	}
	for (auto &entry : c->menu) {
		auto it = byValue.find(entry.first);
		entry.second = it != byValue.end() ? it->second : std::to_string(entry.first);
	}
}

} /* namespace */

std::string ControlInfo::label() const
{
	if (!description.empty())
		return description;
	if (!name.empty())
		return name;
	char hex[16];
	snprintf(hex, sizeof(hex), "0x%x", id);
	return hex;
}

int parsePropInfo(const spa_pod *param, ControlInfo *out)
{
	if (!param || !spa_pod_is_object_type(param, SPA_TYPE_OBJECT_PropInfo))
		return -EINVAL;
	ControlInfo c;
	bool haveId = false;
	const spa_pod *type = nullptr, *labels = nullptr;
	uint32_t typeFlags = 0;
	const spa_pod_object *obj = reinterpret_cast<const spa_pod_object *>(param);
	const spa_pod_prop *prop;
	SPA_POD_OBJECT_FOREACH(obj, prop) {
		const char *text = nullptr;
		switch (prop->key) {
		case SPA_PROP_INFO_id:
			haveId = spa_pod_get_id(&prop->value, &c.id) == 0;
			break;
		case SPA_PROP_INFO_name:
			if (spa_pod_get_string(&prop->value, &text) == 0)
				c.name = text;
			break;
		case SPA_PROP_INFO_description:
			if (spa_pod_get_string(&prop->value, &text) == 0)
				c.description = text;
			break;
		case SPA_PROP_INFO_type:
			type = &prop->value;
			typeFlags = prop->flags;
			break;
		case SPA_PROP_INFO_labels:
			labels = &prop->value;
			break;
		default:
			break;
		}
	}
	if (!haveId || !type)
		return -EINVAL;

	std::vector<int32_t> v;
	uint32_t choice = SPA_CHOICE_None;
	bool isBool = false;
	if (!intValues(type, &v, &choice, &isBool))
		return -ENOTSUP;
	c.readOnly = (typeFlags & SPA_POD_PROP_FLAG_READONLY) != 0;
	c.def = v[0];
	if (isBool) {
		c.kind = ControlKind::Boolean;
		c.min = 0;
		c.max = 1;
	} else if ((choice == SPA_CHOICE_Range && v.size() >= 3) ||
		   (choice == SPA_CHOICE_Step && v.size() >= 4)) {
		c.kind = ControlKind::Integer;
		c.min = v[1];
		c.max = v[2];
		c.step = choice == SPA_CHOICE_Step && v[3] > 0 ? v[3] : 1;
	} else if (choice == SPA_CHOICE_Enum && v.size() >= 2) {
		c.kind = ControlKind::Menu;
		for (size_t i = 1; i < v.size(); i++)
			c.menu.emplace_back(v[i], std::string());
		parseLabels(labels, &c);
	} else {
		return -ENOTSUP;
	}
	*out = std::move(c);
	return 0;
}

std::map<uint32_t, int32_t> parsePropsValues(const spa_pod *props)
{
	std::map<uint32_t, int32_t> values;
	if (!props || !spa_pod_is_object_type(props, SPA_TYPE_OBJECT_Props))
		return values;
	const spa_pod_object *obj = reinterpret_cast<const spa_pod_object *>(props);
	const spa_pod_prop *prop;
	SPA_POD_OBJECT_FOREACH(obj, prop) {
		int32_t i;
		bool b;
		if (spa_pod_get_int(&prop->value, &i) == 0)
			values[prop->key] = i;
		else if (spa_pod_get_bool(&prop->value, &b) == 0)
			values[prop->key] = b;
	}
	return values;
}

const spa_pod *buildControlProps(spa_pod_builder *b, const ControlInfo &control, int32_t value)
{
	spa_pod_frame f;
	spa_pod_builder_push_object(b, &f, SPA_TYPE_OBJECT_Props, SPA_PARAM_Props);
	spa_pod_builder_prop(b, control.id, 0);
	if (control.kind == ControlKind::Boolean)
		spa_pod_builder_bool(b, value != 0);
	else
		spa_pod_builder_int(b, value);
	auto *pod = static_cast<const spa_pod *>(spa_pod_builder_pop(b, &f));
	return b->state.offset > b->size ? nullptr : pod;
}

const ControlInfo *findControl(const std::vector<ControlInfo> &controls, const std::string &name)
{
	static const std::string prefix = "api.v4l2.";
	for (const ControlInfo &c : controls) {
		const std::string shortName = c.name.rfind(prefix, 0) == 0 ? c.name.substr(prefix.size()) : c.name;
		for (const std::string *candidate : {&c.name, &shortName, &c.description})
			if (!candidate->empty() && strcasecmp(candidate->c_str(), name.c_str()) == 0)
				return &c;
	}
	return nullptr;
}

int parseControlAssignment(const std::string &text, std::string *name, int32_t *value)
{
	size_t eq = text.find('=');
	if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
		return -EINVAL;
	const char *start = text.c_str() + eq + 1;
	char *end = nullptr;
	errno = 0;
	long long v = strtoll(start, &end, 10);
	if (errno || *end || v < INT32_MIN || v > INT32_MAX)
		return -EINVAL;
	*name = text.substr(0, eq);
	*value = int32_t(v);
	return 0;
}

} /* namespace v4l2dmabuf::viewer */
