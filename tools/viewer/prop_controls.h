/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <spa/pod/builder.h>
#include <spa/pod/pod.h>

namespace v4l2dmabuf::viewer {

/** What kind of widget a control gets. */
enum class ControlKind { Integer, Boolean, Menu };

/**
 * One control of a node, read from a SPA_PARAM_PropInfo object whose type
 * is an Int or Bool choice (the plugin's V4L2 controls). Int64, bitmask and
 * string properties (device, io-mode) are not controls here.
 */
struct ControlInfo {
	uint32_t id = 0;          /**< the Props key (SPA_PROP_brightness, custom ids) */
	std::string name;         /**< PropInfo name ("api.v4l2.brightness"); may be empty */
	std::string description;  /**< PropInfo description ("Brightness"); may be empty */
	ControlKind kind = ControlKind::Integer;
	int32_t def = 0, min = 0, max = 0, step = 1; /**< Boolean: 0/1 */
	bool readOnly = false;    /**< SPA_POD_PROP_FLAG_READONLY on the type */
	/** Menu: (value, label) in PropInfo order; label is the value as text when the labels are missing. */
	std::vector<std::pair<int32_t, std::string>> menu;
	/** The label to show: description, else name, else the id in hex. */
	std::string label() const;
};

/**
 * Parses one PropInfo object.
 * @return 0 with @p out filled; -EINVAL when @p param is not a PropInfo
 * object or has no id or type; -ENOTSUP when its type is not an Int range,
 * step or enum or a Bool (the caller skips it).
 */
int parsePropInfo(const spa_pod *param, ControlInfo *out);

/**
 * The Int and Bool values of a SPA_PARAM_Props object, by key (Bool as 0/1).
 * Other keys are left out; an invalid object gives an empty map.
 */
std::map<uint32_t, int32_t> parsePropsValues(const spa_pod *props);

/**
 * Builds the Props object that sets @p control to @p value (an Int, or a
 * Bool for ControlKind::Boolean) into @p b.
 * @return the object, or nullptr if @p b overflowed.
 */
const spa_pod *buildControlProps(spa_pod_builder *b, const ControlInfo &control, int32_t value);

/**
 * The control of @p controls called @p name: its PropInfo name
 * ("api.v4l2.brightness"), that name without "api.v4l2." ("brightness"),
 * or its description ("Brightness"), compared case-insensitively.
 * @return the control, or nullptr.
 */
const ControlInfo *findControl(const std::vector<ControlInfo> &controls, const std::string &name);

/**
 * Splits "NAME=VALUE" (VALUE a decimal int32; for booleans 0/1).
 * @return 0; -EINVAL when there is no '=', no name, or VALUE is no int32.
 */
int parseControlAssignment(const std::string &text, std::string *name, int32_t *value);

} /* namespace v4l2dmabuf::viewer */
