/* SPDX-License-Identifier: MIT */
#pragma once

#include <spa/param/props.h>
#include <spa/pod/builder.h>
#include <spa/pod/pod.h>

#include <cstdint>
#include <string>
#include <vector>

#include "v4l2-dmabuf/keys.h"
#include "v4l2_controls.h"

namespace v4l2dmabuf {

class V4l2Device;

/**
 * SPA prop id of the first V4L2 control without a standard SPA prop
 * (v4l2-dmabuf/keys.h keeps SPA_PROP_START_CUSTOM + 0x100.. for the plugin's
 * own props).
 *
 * Id formula: a control without a standard SPA prop (see
 * standardControlPropId()) is `kControlPropBase + cid`, where cid is the
 * V4L2 control id, which the uAPI packs as (control class << 16 | offset
 * of the control within its class), e.g. vivid's "Boolean" 0x0098f901 is
 * 0x01001000 + 0x0098f901 = 0x0199f901. The id depends on nothing but the
 * cid: standard cids are uAPI, a driver's private cids are fixed in its
 * header, so the same control has the same prop id on every device, boot
 * and enumeration order (an index within the class would not be). Ids go
 * from 0x01001000 to 0x11000fff (cid & V4L2_CTRL_ID_MASK, 28 bits). The
 * stock PipeWire plugin uses SPA_PROP_START_CUSTOM + cid for the same
 * controls: ours are 0x1000 higher.
 */
inline constexpr uint32_t kControlPropBase = V4L2_DMABUF_PROP_CONTROL_BASE;

/**
 * The standard SPA prop of a V4L2 control, or SPA_ID_INVALID:
 * BRIGHTNESS, CONTRAST, SATURATION, HUE, GAMMA, GAIN, SHARPNESS map to
 * SPA_PROP_brightness ... SPA_PROP_sharpness; EXPOSURE_ABSOLUTE and
 * EXPOSURE both to SPA_PROP_exposure (assignControlPropIds() gives it to
 * one of them). These are all the video props of spa/param/props.h in
 * PipeWire 0.3.65.
 */
uint32_t standardControlPropId(uint32_t cid);

/** kControlPropBase + cid (see kControlPropBase). */
uint32_t customControlPropId(uint32_t cid);

/**
 * The prop id of each control, in the same order: the standard one where
 * there is one, else customControlPropId(). SPA_PROP_exposure goes to
 * V4L2_CID_EXPOSURE_ABSOLUTE when the device has it (UVC cameras: the
 * exposure time in 100 us units), else to V4L2_CID_EXPOSURE; the other one
 * keeps a custom id. No two controls get the same id.
 */
std::vector<uint32_t> assignControlPropIds(const std::vector<V4l2Control> &controls);

/**
 * The PropInfo name of a control: "api.v4l2." + the V4L2 name lowercased,
 * each run of characters other than ASCII letters and digits turned into
 * one '_', none at either end: "Brightness" -> "api.v4l2.brightness",
 * "Limited RGB Range (16-235)" -> "api.v4l2.limited_rgb_range_16_235".
 * The suffix is the name `v4l2-ctl -L` shows and takes.
 */
std::string controlPropName(const std::string &v4l2Name);

/**
 * A PropInfo object (SPA_TYPE_OBJECT_PropInfo, param id @p paramId) for
 * @p control under prop id @p propId:
 *   SPA_PROP_INFO_id          Id @p propId
 *   SPA_PROP_INFO_name        String controlPropName()
 *   SPA_PROP_INFO_description String the V4L2 name
 *   SPA_PROP_INFO_type        INTEGER: Range Int (default, min, max), Step
 *                             Int when step > 1; BOOLEAN: Bool choice
 *                             (default first); BUTTON: Bool choice with
 *                             default false (writing true presses it);
 *                             MENU, INTEGER_MENU: Enum Int (default, then
 *                             every valid index); INTEGER64: Range Long
 *                             (Step Long when step > 1); BITMASK: Flags Int
 *                             (default, then each bit of max; bit 31 makes
 *                             the Int negative)
 *   SPA_PROP_INFO_labels      MENU, INTEGER_MENU only: Struct of (Int index,
 *                             String label) pairs, label the menu name or
 *                             the INTEGER_MENU item's value in decimal.
 * Every property of the object has SPA_POD_PROP_FLAG_HARDWARE; the type
 * of a read-only control also SPA_POD_PROP_FLAG_READONLY. When the labels
 * do not fit @p b, the object is rebuilt without them (vivid's largest
 * menu, 111 DV timings, needs about 5 KiB: use builders of 8 KiB).
 * @return the object, or nullptr when even that does not fit @p b.
 */
struct spa_pod *buildControlPropInfo(struct spa_pod_builder *b, uint32_t paramId,
				     uint32_t propId, const V4l2Control &control);

/**
 * Adds property @p propId with @p value to an open Props object in @p b:
 * Bool for BOOLEAN and BUTTON, Long for INTEGER64, Int for the rest
 * (BITMASK as its 32 bits). Flags: HARDWARE, plus READONLY for read-only
 * controls.
 */
void addControlValue(struct spa_pod_builder *b, uint32_t propId, const V4l2Control &control,
		     int64_t value);

/**
 * The value a Props property @p pod asks for @p control (a plain value or
 * a None choice of one). Accepted: Bool or Int for BOOLEAN and BUTTON;
 * Int or Long for the other types (Int of a BITMASK read as 32 unsigned
 * bits). @return 0; -EINVAL any other type. Ranges are not checked here
 * (V4l2Control::accepts()).
 */
int parseControlValue(const struct spa_pod *pod, const V4l2Control &control, int64_t *value);

/**
 * The V4L2 controls of a node's device as SPA PropInfo and Props. The node
 * calls refresh() after opening the device, lists buildPropInfo() after
 * its own PropInfo, adds addProps() into its Props object and hands every
 * set_param(Props) to setProps(). Logs through the device's LogSink.
 * Issues no ioctl itself: V4l2Controls does.
 */
class ControlProps
{
public:
	explicit ControlProps(V4l2Device &device);

	/**
	 * Enumerates the device's controls (V4l2Controls::enumerate()) and
	 * assigns their prop ids. @return 0 or its -errno; the list then
	 * holds the controls found before the error.
	 */
	int refresh();

	/** Number of controls, i.e. of PropInfo objects. */
	uint32_t count() const { return static_cast<uint32_t>(controls_.size()); }

	/**
	 * PropInfo of control @p index (0-based, in driver order) with param
	 * id @p id (SPA_PARAM_PropInfo). @return nullptr past the end.
	 */
	struct spa_pod *buildPropInfo(struct spa_pod_builder *b, uint32_t id, uint32_t index) const;

	/**
	 * Adds the current value of every control, read from the device now
	 * (VIDIOC_G_EXT_CTRLS), into the Props object open in @p b. A button
	 * (write-only) shows false; a control that cannot be read is left out.
	 */
	void addProps(struct spa_pod_builder *b) const;

	/**
	 * Applies every property of the Props object @p props whose key is a
	 * control's prop id; other keys are ignored (they are the node's).
	 * Every value is checked before any is written, then all are written
	 * in one VIDIOC_S_EXT_CTRLS, which the kernel applies all or none of.
	 * A BUTTON set to true is pressed, to false left alone.
	 * @p changed (may be null) is set to whether anything was written.
	 * @return 0; -EINVAL @p props not a Props object, a value of the wrong
	 * type, or one the control does not accept (out of range, off the
	 * step, not a menu index, bits outside the mask: the kernel would
	 * clamp or mask these silently); -EACCES a read-only control; else the
	 * ioctl's -errno (-EBUSY grabbed, ...). Each refusal is logged; on any
	 * error nothing is written.
	 */
	int setProps(const struct spa_pod *props, bool *changed);

	/** What changed on the device since the last takeChanges(). */
	struct Changes {
		bool values = false; /**< Props: a value (or its flags) changed */
		bool infos = false;  /**< PropInfo: a range or flags changed; refreshed */
	};

	/**
	 * Asks the device to report control changes made elsewhere (see
	 * V4l2Controls::subscribe()). @return 0; -ENOTTY no events; -errno.
	 */
	int subscribe();
	/**
	 * Reads the reported changes (dequeueChanges(), then applyChanges()).
	 * @return 0 or the -errno of VIDIOC_DQEVENT.
	 */
	int takeChanges(Changes *changes);
	/**
	 * VIDIOC_DQEVENT of up to @p max pending changes; ioctls only, no
	 * state of this object: the data loop calls it while streaming (the
	 * device fd polls there, see SourceNode::start()). @return how many,
	 * or -errno.
	 */
	int dequeueChanges(std::vector<V4l2ControlChange> *events, size_t max) const
	{
		return v4l2_.dequeueChanges(events, max);
	}
	/**
	 * Brings the enumerated controls up to date with @p events, on the
	 * thread that owns them (the main loop): flags and integer ranges are
	 * taken from the events themselves; a menu or INTEGER64 whose range
	 * changed is queried again (VIDIOC_QUERY_EXT_CTRL and its QUERYMENUs),
	 * and a control that became DISABLED, or an event of id 0 ("too many
	 * to forward"), has every control enumerated again (refresh()).
	 */
	Changes applyChanges(const std::vector<V4l2ControlChange> &events);

	/** True when @p propId is one of this device's control props. */
	bool handles(uint32_t propId) const { return find(propId) != nullptr; }

	/** The controls as enumerated, and their prop ids, in the same order. */
	const std::vector<V4l2Control> &controls() const { return controls_; }
	const std::vector<uint32_t> &propIds() const { return propIds_; }

private:
	const V4l2Control *find(uint32_t propId) const;
	V4l2Control *findControl(uint32_t cid);

	V4l2Device &device_;
	V4l2Controls v4l2_;
	std::vector<V4l2Control> controls_;
	std::vector<uint32_t> propIds_;
};

} /* namespace v4l2dmabuf */
