/* SPDX-License-Identifier: MIT */
/*
 * Fuzzer (a): validatePod() alone on any bytes. A POD it accepts is then
 * read whole with libspa's iterators (libspa_walk.h): under ASan that
 * proves an accepted POD keeps libspa inside it. validateParam() must agree
 * with validatePod() on the POD's own size.
 */
#include <cstdlib>
#include <string>

#include "fuzz_input.h"
#include "libspa_walk.h"
#include "pod_validator.h"

using namespace v4l2dmabuf;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz::FuzzInput in(data, size);
	std::string why;
	if (validatePod(in.data(), in.size(), &why) < 0) {
		if (why.empty())
			abort(); /* every refusal says why */
		return 0;
	}
	const struct spa_pod *pod = reinterpret_cast<const struct spa_pod *>(in.data());
	if (validateParam(pod) != 0)
		abort();
	volatile uint64_t sink = fuzz::libspaWalk(pod);
	(void)sink;
	return 0;
}
