/* SPDX-License-Identifier: MIT */
/*
 * V4l2Controls: the controls of a V4L2 device through the extended control
 * API. Follows Documentation/userspace-api/media/v4l/ (extended-controls,
 * vidioc-queryctrl for VIDIOC_QUERY_EXT_CTRL and VIDIOC_QUERYMENU,
 * vidioc-g-ext-ctrls).
 */

#include "v4l2_controls.h"

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "v4l2_device.h"

namespace v4l2dmabuf {

namespace {

constexpr uint32_t kNextFlags = V4L2_CTRL_FLAG_NEXT_CTRL | V4L2_CTRL_FLAG_NEXT_COMPOUND;

/* More menu entries than any real control has (UVC's are a handful). */
constexpr int64_t kMaxMenuEntries = 1024;

std::string describe(uint32_t id, const std::string &name)
{
	char buf[16];
	snprintf(buf, sizeof(buf), "0x%08x", id);
	return name.empty() ? std::string("control ") + buf
			    : "control '" + name + "' (" + buf + ")";
}

/* The single-value types this layer handles; the rest need a payload pointer. */
bool isScalarType(uint32_t type)
{
	switch (type) {
	case V4L2_CTRL_TYPE_INTEGER:
	case V4L2_CTRL_TYPE_BOOLEAN:
	case V4L2_CTRL_TYPE_MENU:
	case V4L2_CTRL_TYPE_INTEGER_MENU:
	case V4L2_CTRL_TYPE_BUTTON:
	case V4L2_CTRL_TYPE_INTEGER64:
	case V4L2_CTRL_TYPE_BITMASK:
		return true;
	default:
		return false;
	}
}

void fromQuery(const struct v4l2_query_ext_ctrl &q, V4l2Control *c)
{
	c->id = q.id;
	c->type = q.type;
	c->name = fixedString(q.name);
	c->min = q.minimum;
	c->max = q.maximum;
	c->step = static_cast<int64_t>(q.step);
	c->def = q.default_value;
	c->flags = q.flags;
	c->menu.clear();
}

void putValue(struct v4l2_ext_control *ec, uint32_t type, int64_t value)
{
	if (type == V4L2_CTRL_TYPE_INTEGER64)
		ec->value64 = value;
	else
		ec->value = static_cast<int32_t>(value);
}

} /* namespace */

bool V4l2Control::accepts(int64_t value) const
{
	switch (type) {
	case V4L2_CTRL_TYPE_INTEGER:
	case V4L2_CTRL_TYPE_INTEGER64:
		if (value < min || value > max)
			return false;
		/* The kernel rounds to min + k * step; refuse what it would round. */
		if (step > 1) {
			uint64_t offset = static_cast<uint64_t>(value) - static_cast<uint64_t>(min);
			return offset % static_cast<uint64_t>(step) == 0;
		}
		return true;
	case V4L2_CTRL_TYPE_BOOLEAN:
	case V4L2_CTRL_TYPE_BUTTON:
		return value == 0 || value == 1;
	case V4L2_CTRL_TYPE_MENU:
	case V4L2_CTRL_TYPE_INTEGER_MENU:
		for (const auto &item : menu)
			if (item.first == value)
				return true;
		return false;
	case V4L2_CTRL_TYPE_BITMASK:
		/* max is the mask of valid bits; values are 32-bit. */
		return value >= 0 && value <= UINT32_MAX &&
		       (static_cast<uint64_t>(value) & ~static_cast<uint64_t>(max)) == 0;
	default:
		return false;
	}
}

int V4l2Controls::queryMenu(V4l2Control *control) const
{
	control->menu.clear();
	if (control->type != V4L2_CTRL_TYPE_MENU && control->type != V4L2_CTRL_TYPE_INTEGER_MENU)
		return 0;
	/* A driver's menu range is believed only up to a sane size: every
	 * index costs an ioctl. */
	if (control->min < 0 || control->max > UINT32_MAX || control->max < control->min ||
	    control->max - control->min >= kMaxMenuEntries) {
		device_.log(LogLevel::Error, "menu of " + describe(control->id, control->name) +
			    " spans " + std::to_string(control->min) + ".." +
			    std::to_string(control->max) + ": " + errnoString(-EINVAL));
		return -EINVAL;
	}
	for (int64_t i = control->min; i <= control->max; i++) {
		struct v4l2_querymenu qm = {};
		qm.id = control->id;
		qm.index = static_cast<uint32_t>(i);
		int ret = device_.ioctl(VIDIOC_QUERYMENU, &qm);
		if (ret == -EINVAL)
			continue; /* skipped by the driver (menu_skip_mask) */
		if (ret < 0) {
			device_.log(LogLevel::Error, "VIDIOC_QUERYMENU of " +
				    describe(control->id, control->name) + " index " +
				    std::to_string(i) + " failed: " + errnoString(ret));
			return ret;
		}
		if (control->type == V4L2_CTRL_TYPE_MENU)
			control->menu.emplace_back(i, fixedString(qm.name));
		else
			control->menu.emplace_back(i, std::to_string(static_cast<int64_t>(qm.value)));
	}
	return 0;
}

int V4l2Controls::enumerate(std::vector<V4l2Control> *controls) const
{
	controls->clear();
	uint32_t id = 0;
	for (;;) {
		struct v4l2_query_ext_ctrl q = {};
		q.id = id | kNextFlags;
		int ret = device_.ioctl(VIDIOC_QUERY_EXT_CTRL, &q);
		if (ret == -EINVAL || ret == -ENOTTY)
			return 0; /* past the last one, or no controls at all */
		if (ret < 0) {
			device_.log(LogLevel::Error, "VIDIOC_QUERY_EXT_CTRL after " +
				    describe(id, "") + " failed: " + errnoString(ret));
			return ret;
		}
		if ((q.id & V4L2_CTRL_ID_MASK) <= id) {
			/* A driver bug would loop forever here. */
			device_.log(LogLevel::Error, "VIDIOC_QUERY_EXT_CTRL went backwards");
			return -EIO;
		}
		id = q.id & V4L2_CTRL_ID_MASK;
		q.id = id;

		if (q.flags & V4L2_CTRL_FLAG_DISABLED || q.type == V4L2_CTRL_TYPE_CTRL_CLASS)
			continue;
		if (!isScalarType(q.type) || q.nr_of_dims > 0 || q.elems != 1) {
			device_.log(LogLevel::Debug, "skipping " + describe(q.id, fixedString(q.name)) +
				    ": type " + controlTypeName(q.type) + " is not one scalar");
			continue;
		}
		V4l2Control control;
		fromQuery(q, &control);
		ret = queryMenu(&control);
		if (ret == -EINVAL)
			continue; /* a menu that cannot be listed: the control is left out (logged) */
		if (ret < 0)
			return ret;
		controls->push_back(std::move(control));
	}
}

int V4l2Controls::query(uint32_t id, V4l2Control *control) const
{
	struct v4l2_query_ext_ctrl q = {};
	q.id = id;
	int ret = device_.ioctl(VIDIOC_QUERY_EXT_CTRL, &q);
	if (ret < 0) {
		device_.log(ret == -EINVAL ? LogLevel::Warn : LogLevel::Error,
			    "VIDIOC_QUERY_EXT_CTRL of " + describe(id, "") + " failed: " +
			    errnoString(ret));
		return ret;
	}
	fromQuery(q, control);
	return queryMenu(control);
}

int V4l2Controls::get(uint32_t id, int64_t *value) const
{
	V4l2Control control;
	int ret = query(id, &control);
	if (ret < 0)
		return ret;
	return get(control, value);
}

int V4l2Controls::get(const V4l2Control &control, int64_t *value) const
{
	struct v4l2_ext_control ec = {};
	ec.id = control.id;
	struct v4l2_ext_controls cs = {};
	cs.which = V4L2_CTRL_WHICH_CUR_VAL;
	cs.count = 1;
	cs.controls = &ec;
	int ret = device_.ioctl(VIDIOC_G_EXT_CTRLS, &cs);
	if (ret < 0) {
		/* Write-only controls (buttons) always answer EACCES: not worth a warning. */
		device_.log(ret == -EACCES ? LogLevel::Debug : LogLevel::Error,
			    "VIDIOC_G_EXT_CTRLS of " + describe(control.id, control.name) +
			    " failed: " + errnoString(ret));
		return ret;
	}
	if (control.type == V4L2_CTRL_TYPE_INTEGER64)
		*value = ec.value64;
	else if (control.type == V4L2_CTRL_TYPE_BITMASK)
		*value = static_cast<uint32_t>(ec.value);
	else
		*value = ec.value;
	return 0;
}

int V4l2Controls::set(uint32_t id, int64_t value)
{
	V4l2Control control;
	int ret = query(id, &control);
	if (ret < 0)
		return ret;
	if (control.readOnly()) {
		device_.log(LogLevel::Warn, "not writing read-only " +
			    describe(id, control.name) + ": " + errnoString(-EACCES));
		return -EACCES;
	}
	if (!control.accepts(value)) {
		device_.log(LogLevel::Warn, "not writing " + std::to_string(value) + " to " +
			    describe(id, control.name) + " (" + controlTypeName(control.type) +
			    " " + std::to_string(control.min) + ".." + std::to_string(control.max) +
			    " step " + std::to_string(control.step) + "): " + errnoString(-ERANGE));
		return -ERANGE;
	}
	/* Any write presses a button, whatever the value: 0 means "don't". */
	if (control.type == V4L2_CTRL_TYPE_BUTTON && value == 0)
		return 0;
	return setMany({ control }, { value });
}

int V4l2Controls::setMany(const std::vector<V4l2Control> &controls,
			  const std::vector<int64_t> &values)
{
	if (controls.size() != values.size())
		return -EINVAL;
	if (controls.empty())
		return 0;
	std::vector<struct v4l2_ext_control> ecs(controls.size());
	for (size_t i = 0; i < controls.size(); i++) {
		ecs[i].id = controls[i].id;
		putValue(&ecs[i], controls[i].type, values[i]);
	}
	struct v4l2_ext_controls cs = {};
	cs.which = V4L2_CTRL_WHICH_CUR_VAL;
	cs.count = static_cast<uint32_t>(ecs.size());
	cs.controls = ecs.data();
	int ret = device_.ioctl(VIDIOC_S_EXT_CTRLS, &cs);
	if (ret < 0) {
		/* error_idx == count: the failure is not tied to one control. */
		std::string which = cs.error_idx < controls.size()
			? describe(controls[cs.error_idx].id, controls[cs.error_idx].name)
			: std::to_string(controls.size()) + " control(s)";
		device_.log(LogLevel::Error, "VIDIOC_S_EXT_CTRLS of " + which + " failed: " +
			    errnoString(ret));
		return ret;
	}
	for (size_t i = 0; i < controls.size(); i++)
		device_.log(LogLevel::Debug, "set " + describe(controls[i].id, controls[i].name) +
			    " to " + std::to_string(values[i]));
	return 0;
}

int V4l2Controls::subscribe(const std::vector<V4l2Control> &controls)
{
	for (const V4l2Control &c : controls) {
		if (c.readOnly())
			continue;
		struct v4l2_event_subscription sub = {};
		sub.type = V4L2_EVENT_CTRL;
		sub.id = c.id;
		int ret = device_.ioctl(VIDIOC_SUBSCRIBE_EVENT, &sub);
		if (ret < 0) {
			if (ret != -ENOTTY)
				device_.log(LogLevel::Warn, "VIDIOC_SUBSCRIBE_EVENT for control '" + c.name +
								    "' failed: " + errnoString(ret));
			return ret;
		}
	}
	return 0;
}

int V4l2Controls::dequeueChanges(std::vector<V4l2ControlChange> *changes, size_t max) const
{
	changes->clear();
	while (changes->size() < max) {
		struct v4l2_event event = {};
		int ret = device_.ioctl(VIDIOC_DQEVENT, &event);
		if (ret == -ENOENT || ret == -EAGAIN)
			break;
		if (ret < 0)
			return ret;
		if (event.type == V4L2_EVENT_CTRL) {
			const struct v4l2_event_ctrl &e = event.u.ctrl;
			changes->push_back({event.id, e.changes, e.flags, e.minimum, e.maximum, e.step,
					    e.default_value});
		}
		if (event.pending == 0)
			break;
	}
	return static_cast<int>(changes->size());
}

const char *controlTypeName(uint32_t type)
{
	switch (type) {
	case V4L2_CTRL_TYPE_INTEGER: return "integer";
	case V4L2_CTRL_TYPE_BOOLEAN: return "boolean";
	case V4L2_CTRL_TYPE_MENU: return "menu";
	case V4L2_CTRL_TYPE_BUTTON: return "button";
	case V4L2_CTRL_TYPE_INTEGER64: return "integer64";
	case V4L2_CTRL_TYPE_CTRL_CLASS: return "class";
	case V4L2_CTRL_TYPE_STRING: return "string";
	case V4L2_CTRL_TYPE_BITMASK: return "bitmask";
	case V4L2_CTRL_TYPE_INTEGER_MENU: return "integer menu";
	case V4L2_CTRL_TYPE_U8: return "u8";
	case V4L2_CTRL_TYPE_U16: return "u16";
	case V4L2_CTRL_TYPE_U32: return "u32";
	default: return "compound";
	}
}

} /* namespace v4l2dmabuf */
