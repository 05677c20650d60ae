/* SPDX-License-Identifier: MIT */
#pragma once

/* A V4L2 control as VIDIOC_QUERY_EXT_CTRL would describe it, for tests and
 * fuzzers that need controls without a device. Header only: the fuzzers
 * link no test library. */

#include <cstdint>

#include "v4l2_controls.h"

namespace testenv {

/** @p min..@p max in steps of @p step, default @p def, V4L2_CTRL_FLAG_* @p flags. */
inline v4l2dmabuf::V4l2Control control(uint32_t id, uint32_t type, const char *name, int64_t min,
				       int64_t max, int64_t step, int64_t def, uint32_t flags = 0)
{
	v4l2dmabuf::V4l2Control c;
	c.id = id;
	c.type = type;
	c.name = name;
	c.min = min;
	c.max = max;
	c.step = step;
	c.def = def;
	c.flags = flags;
	return c;
}

} /* namespace testenv */
