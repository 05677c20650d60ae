/* SPDX-License-Identifier: MIT */
/*
 * Fuzzer (b): a port_set_param(Format) as the node would take it:
 * validatePod(), then parseFormat() (spa_format_parse,
 * spa_format_video_*_parse, spa_pod_parse_object) and formatMatches()
 * against every row of the format table.
 */
#include <spa/param/format.h>

#include "format_pod.h"
#include "format_table.h"
#include "fuzz_input.h"
#include "pod_validator.h"

using namespace v4l2dmabuf;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz::FuzzInput in(data, size);
	if (validatePod(in.data(), in.size()) < 0)
		return 0;
	const struct spa_pod *pod = reinterpret_cast<const struct spa_pod *>(in.data());
	FormatRequest request;
	if (parseFormat(pod, &request) < 0)
		return 0;
	if (request.width == 0 || request.height == 0)
		__builtin_trap();
	for (const FormatInfo &info : formatTable())
		formatMatches(info, request);
	return 0;
}
