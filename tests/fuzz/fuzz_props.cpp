/* SPDX-License-Identifier: MIT */
/*
 * Fuzzer (c): a set_param(Props) as SourceNode::setProps() reads it:
 * validatePod(), spa_pod_parse_object() of SPA_PROP_device, ioMode and
 * allocator, parseIoMode(), then for every property what
 * ControlProps::setProps() does per value: parseControlValue() and
 * V4l2Control::accepts() (ControlProps itself needs a V4l2Device; its
 * controls come from VIDIOC_QUERY_EXT_CTRL). The controls are the
 * synthetic set of node_pods.h; a key that is no control's prop id is
 * tried against control (key % count), so every value meets every type.
 *
 * The input is used exactly as long as it is: parseControlValue() once
 * read 4 bytes past a valid Choice (regressions/props-control-choice-overread).
 */
#include <spa/param/props.h>
#include <spa/pod/iter.h>
#include <spa/pod/parser.h>

#include <cstdlib>

#include "controls.h"
#include "v4l2-dmabuf/keys.h"
#include "fuzz_input.h"
#include "io_plan.h"
#include "node_pods.h"
#include "pod_validator.h"

using namespace v4l2dmabuf;

namespace {

const std::vector<V4l2Control> &controls()
{
	static const std::vector<V4l2Control> c = fuzz::syntheticControls();
	return c;
}

const std::vector<uint32_t> &propIds()
{
	static const std::vector<uint32_t> ids = assignControlPropIds(controls());
	return ids;
}

size_t slack()
{
	return 0;
}

const V4l2Control &controlFor(uint32_t key)
{
	for (size_t i = 0; i < propIds().size(); i++)
		if (propIds()[i] == key)
			return controls()[i];
	return controls()[key % controls().size()];
}

} /* namespace */

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz::FuzzInput in(data, size, slack());
	if (validatePod(in.data(), in.size()) < 0)
		return 0;
	const struct spa_pod *param = reinterpret_cast<const struct spa_pod *>(in.data());

	const char *device = nullptr, *ioMode = nullptr, *allocator = nullptr;
	if (spa_pod_parse_object(param, SPA_TYPE_OBJECT_Props, nullptr,
				 SPA_PROP_device, SPA_POD_OPT_String(&device),
				 V4L2_DMABUF_PROP_ioMode, SPA_POD_OPT_String(&ioMode),
				 V4L2_DMABUF_PROP_allocator, SPA_POD_OPT_String(&allocator)) < 0)
		return 0;
	IoMode mode;
	if (ioMode)
		parseIoMode(ioMode, &mode);
	volatile size_t sink = (device ? strlen(device) : 0) + (allocator ? strlen(allocator) : 0);
	(void)sink;

	/* ControlProps::setProps(): a Props object, each property a value. */
	if (!spa_pod_is_object_type(param, SPA_TYPE_OBJECT_Props))
		return 0;
	const struct spa_pod_object *o = reinterpret_cast<const struct spa_pod_object *>(param);
	for (const struct spa_pod_prop *p = spa_pod_prop_first(&o->body);
	     spa_pod_prop_is_inside(&o->body, SPA_POD_BODY_SIZE(o), p); p = spa_pod_prop_next(p)) {
		const V4l2Control &c = controlFor(p->key);
		int64_t value = 0;
		if (parseControlValue(&p->value, c, &value) == 0)
			c.accepts(value);
	}
	return 0;
}
