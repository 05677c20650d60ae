/* SPDX-License-Identifier: MIT */
#pragma once

#include <linux/videodev2.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace v4l2dmabuf {

class V4l2Device;

/**
 * One control as VIDIOC_QUERY_EXT_CTRL describes it. Only controls holding
 * one scalar value are kept (see V4l2Controls::enumerate()).
 */
struct V4l2Control {
	uint32_t id = 0;     /**< V4L2_CID_* */
	uint32_t type = 0;   /**< V4L2_CTRL_TYPE_* */
	std::string name;    /**< the driver's name, e.g. "Brightness" */
	int64_t min = 0, max = 0, step = 0, def = 0;
	uint32_t flags = 0;  /**< V4L2_CTRL_FLAG_* */
	/**
	 * MENU and INTEGER_MENU: the valid indices (the control's values), in
	 * increasing order, with their label: the driver's name for MENU, the
	 * item's 64-bit value in decimal for INTEGER_MENU. Indices the driver
	 * skips (QUERYMENU answers EINVAL) are absent.
	 */
	std::vector<std::pair<int64_t, std::string>> menu;

	bool readOnly() const { return flags & V4L2_CTRL_FLAG_READ_ONLY; }
	bool writeOnly() const { return flags & V4L2_CTRL_FLAG_WRITE_ONLY; }

	/**
	 * Whether @p value is one the control accepts as it is: within
	 * [min, max] and on the step grid for INTEGER and INTEGER64, a listed
	 * index for the menus, 0 or 1 for BOOLEAN and BUTTON, no bit outside
	 * max for BITMASK. The kernel would clamp, round or mask most of the
	 * others instead of refusing them.
	 */
	bool accepts(int64_t value) const;
};

/**
 * One V4L2_EVENT_CTRL (struct v4l2_event_ctrl): which control changed, how,
 * and its flags and range after the change. The event's range is 32-bit
 * and carries no menu: an INTEGER64 or a menu whose range changed must be
 * queried again. Trivially copyable (it crosses loops as bytes).
 */
struct V4l2ControlChange {
	uint32_t id = 0;      /**< V4L2_CID_* */
	uint32_t changes = 0; /**< V4L2_EVENT_CTRL_CH_VALUE | _FLAGS | _RANGE */
	uint32_t flags = 0;   /**< V4L2_CTRL_FLAG_* now */
	int32_t min = 0, max = 0, step = 0, def = 0;
};

/**
 * The controls of a V4L2 device: enumeration, reading and writing through
 * the extended control ioctls (VIDIOC_QUERY_EXT_CTRL, VIDIOC_QUERYMENU,
 * VIDIOC_G_EXT_CTRLS, VIDIOC_S_EXT_CTRLS with V4L2_CTRL_WHICH_CUR_VAL, so
 * controls of any class mix in one call), as the V4L2 uAPI documents them
 * ("Extended Controls API"). Holds a reference to an open device and no
 * other state. Errors are negative errno and are logged through the
 * device's LogSink.
 *
 * What the kernel (v4l2-ctrls core, as vivid answers in the test VM, Linux
 * 6.1) does with a VIDIOC_S_EXT_CTRLS value outside the control's range:
 * INTEGER and INTEGER64 are clamped and rounded to the step, BITMASK is
 * masked with max, BOOLEAN is turned into 0/1, all with success; a MENU or
 * INTEGER_MENU index outside [min, max] fails with ERANGE, a skipped index
 * with EINVAL; a READ_ONLY control fails with EACCES. set() refuses what
 * the kernel would change, so nothing is silently clamped.
 */
class V4l2Controls
{
public:
	explicit V4l2Controls(V4l2Device &device) : device_(device) {}

	/**
	 * Every control of the device, in driver order (VIDIOC_QUERY_EXT_CTRL
	 * with V4L2_CTRL_FLAG_NEXT_CTRL | V4L2_CTRL_FLAG_NEXT_COMPOUND). Left
	 * out: DISABLED controls, control classes (CTRL_CLASS), and controls
	 * that are not one scalar: STRING, compound types and arrays. Kept:
	 * INTEGER, BOOLEAN, MENU, INTEGER_MENU, BUTTON, INTEGER64, BITMASK
	 * (U8/U16/U32 take a payload pointer even as one element: left out
	 * too), with their flags (READ_ONLY, WRITE_ONLY,
	 * INACTIVE, VOLATILE, ...). Menus are filled with VIDIOC_QUERYMENU.
	 * @p controls is cleared first.
	 * @return 0 (also for a device without controls: ENOTTY, EINVAL), or
	 * -errno of a failing ioctl (the list then holds what was found).
	 */
	int enumerate(std::vector<V4l2Control> *controls) const;

	/**
	 * VIDIOC_QUERY_EXT_CTRL of one control, with its menu.
	 * @return 0; -EINVAL no such control; -errno.
	 */
	int query(uint32_t id, V4l2Control *control) const;

	/**
	 * VIDIOC_G_EXT_CTRLS of one control (value, or value64 for INTEGER64).
	 * @return 0; -EINVAL no such control; -EACCES a write-only control
	 * (BUTTON); -errno. A BITMASK reads as its 32 bits, unsigned.
	 */
	int get(uint32_t id, int64_t *value) const;
	/** get() of an enumerated control, without querying it again. */
	int get(const V4l2Control &control, int64_t *value) const;

	/**
	 * Writes one control after checking it against a fresh
	 * VIDIOC_QUERY_EXT_CTRL. @return 0; -EINVAL no such control;
	 * -EACCES read-only; -ERANGE @p value not accepted (see
	 * V4l2Control::accepts()); -EBUSY grabbed (e.g. while streaming);
	 * -errno of VIDIOC_S_EXT_CTRLS. A BUTTON is pressed by 1; 0 writes
	 * nothing (the kernel would press it for any value).
	 */
	int set(uint32_t id, int64_t value);

	/**
	 * Writes several controls in one VIDIOC_S_EXT_CTRLS, which the kernel
	 * applies all or none of (it validates every value first). No checks
	 * beyond the kernel's: callers validate with V4l2Control::accepts()
	 * and readOnly() first. @p values[i] goes to @p controls[i] (in
	 * value64 for INTEGER64, else in value). @return 0 or -errno of the
	 * ioctl (-EINVAL also for sizes that differ). Any BUTTON in the list
	 * is pressed, whatever its value: leave out those set to 0.
	 */
	int setMany(const std::vector<V4l2Control> &controls, const std::vector<int64_t> &values);

	/**
	 * VIDIOC_SUBSCRIBE_EVENT(V4L2_EVENT_CTRL) for each of @p controls, so
	 * that changes made by other programs, or by the driver itself (an
	 * auto control, a control becoming inactive), are reported: the fd
	 * then polls with POLLPRI. Changes written through this fd are not
	 * reported back (no V4L2_EVENT_SUB_FL_ALLOW_FEEDBACK). Read-only
	 * controls are not subscribed: nobody can write them, and some change
	 * with every frame (vivid's "Read-Only Integer 32 Bits"), which would
	 * turn every frame into a Props update for every client.
	 * @return 0; -ENOTTY the driver has no events; -errno.
	 */
	int subscribe(const std::vector<V4l2Control> &controls);

	/**
	 * Drains pending events with VIDIOC_DQEVENT into @p changes (cleared
	 * first), at most @p max of them (the rest stay queued in the kernel).
	 * Only ioctls, no state: callable from any thread.
	 * @return how many, 0 when none is pending, or -errno.
	 */
	int dequeueChanges(std::vector<V4l2ControlChange> *changes, size_t max = SIZE_MAX) const;

private:
	int queryMenu(V4l2Control *control) const;

	V4l2Device &device_;
};

/** "integer", "menu", ... for a V4L2_CTRL_TYPE_* (for logs and tools). */
const char *controlTypeName(uint32_t type);

} /* namespace v4l2dmabuf */
