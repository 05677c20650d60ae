/* SPDX-License-Identifier: MIT */
/*
 * Fuzzer (d): an enum_params/port_enum_params filter as SourceNode::
 * emitParams() applies it: validatePod() of the filter, then spa_pod_filter()
 * of each of the node's real params (EnumFormats of YUYV, NV12, NV12M at
 * discrete, stepwise and continuous sizes; Buffers; Props) against it, in
 * an 8 KiB builder as the node has. What the filter makes must itself be
 * a valid POD; a filtered EnumFormat is then fixated and parsed as a link
 * would set it (spa_pod_fixate, parseFormat).
 */
#include <spa/param/format.h>
#include <spa/pod/filter.h>

#include <vector>

#include "format_pod.h"
#include "fuzz_input.h"
#include "node_pods.h"
#include "pod_validator.h"

using namespace v4l2dmabuf;

namespace {

const std::vector<fuzz::NamedPod> &references()
{
	static const std::vector<fuzz::NamedPod> all = [] {
		std::vector<fuzz::NamedPod> r = fuzz::nodeEnumFormats();
		for (auto list : {fuzz::nodeBuffersParams(), fuzz::nodeProps()})
			r.insert(r.end(), list.begin(), list.end());
		return r;
	}();
	return all;
}

} /* namespace */

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz::FuzzInput in(data, size);
	if (validatePod(in.data(), in.size()) < 0)
		return 0;
	const struct spa_pod *filter = reinterpret_cast<const struct spa_pod *>(in.data());
	for (const fuzz::NamedPod &ref : references()) {
		uint8_t buffer[8192];
		struct spa_pod_builder b = SPA_POD_BUILDER_INIT(buffer, sizeof(buffer));
		struct spa_pod *result = nullptr;
		const struct spa_pod *param = reinterpret_cast<const struct spa_pod *>(ref.bytes.data());
		if (spa_pod_filter(&b, &result, param, filter) < 0 || result == nullptr)
			continue;
		if (validatePod(result, SPA_POD_SIZE(result)) < 0)
			__builtin_trap(); /* the filter made a POD our own parsers would refuse */
		if (!spa_pod_is_object_type(result, SPA_TYPE_OBJECT_Format))
			continue;
		std::vector<uint8_t> fixed(reinterpret_cast<const uint8_t *>(result),
					   reinterpret_cast<const uint8_t *>(result) + SPA_POD_SIZE(result));
		struct spa_pod *format = reinterpret_cast<struct spa_pod *>(fixed.data());
		spa_pod_fixate(format);
		FormatRequest request;
		parseFormat(format, &request);
	}
	return 0;
}
