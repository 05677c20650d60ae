/* SPDX-License-Identifier: MIT */
/*
 * Writes the seed corpora of the fuzzers: the PODs the node builds and
 * clients send (node_pods.h), the crashers of issue 10, and given-buffer
 * descriptions in fuzz_given_buffers.cpp's input layout.
 * Usage: make-fuzz-corpus DIR   (writes DIR/<target>/<name>; run once,
 * the output is committed under tests/fuzz/corpus/)
 */
#include <spa/param/format.h>
#include <spa/param/param.h>
#include <spa/param/props.h>
#include <spa/buffer/buffer.h>
#include <spa/pod/pod.h>
#include <spa/utils/type.h>

#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <string>
#include <sys/stat.h>
#include <vector>

#include "node_pods.h"

using namespace v4l2dmabuf::fuzz;

namespace {

bool write(const std::string &dir, const std::string &name, const Pod &bytes)
{
	mkdir(dir.c_str(), 0755);
	std::string path = dir + "/" + name;
	FILE *f = fopen(path.c_str(), "wb");
	if (!f)
		return false;
	bool ok = fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
	return fclose(f) == 0 && ok;
}

/* The crashers of issue 10, as bytes. */
std::vector<NamedPod> crashers()
{
	return {
		{"crash-props-choice-none-no-value-string-256mib", words({
			40, SPA_TYPE_Object, SPA_TYPE_OBJECT_Props, SPA_PARAM_Props,
			SPA_PROP_device, 0, 16, SPA_TYPE_Choice,
			SPA_CHOICE_None, 0, 256u << 20, SPA_TYPE_String})},
		{"crash-filter-enum-no-values", words({
			64, SPA_TYPE_Object, SPA_TYPE_OBJECT_Format, SPA_PARAM_EnumFormat,
			SPA_FORMAT_mediaType, 0, 4, SPA_TYPE_Id, SPA_MEDIA_TYPE_video, 0,
			SPA_FORMAT_VIDEO_format, 0, 16, SPA_TYPE_Choice, SPA_CHOICE_Enum, 0, 4,
			SPA_TYPE_Id})},
		{"crash-props-control-choice-last", words({
			48, SPA_TYPE_Object, SPA_TYPE_OBJECT_Props, SPA_PARAM_Props,
			SPA_PROP_brightness, 0, 20, SPA_TYPE_Choice, SPA_CHOICE_None, 0, 4,
			SPA_TYPE_Int, 200, 0})},
		{"crash-filter-step-zero", words({
			72, SPA_TYPE_Object, SPA_TYPE_OBJECT_Format, SPA_PARAM_EnumFormat,
			SPA_FORMAT_VIDEO_size, 0, 48, SPA_TYPE_Choice, SPA_CHOICE_Step, 0, 8,
			SPA_TYPE_Rectangle, 640, 480, 16, 16, 1920, 1080, 0, 0})},
	};
}

/* fuzz_given_buffers.cpp's layout. */
struct GivenWriter {
	Pod bytes;
	template <typename T> GivenWriter &put(T v)
	{
		const uint8_t *p = reinterpret_cast<const uint8_t *>(&v);
		bytes.insert(bytes.end(), p, p + sizeof(T));
		return *this;
	}
};

Pod given(uint8_t flags, std::vector<uint32_t> sizes, uint8_t n, uint8_t fdKind,
	  uint32_t fdSize, uint32_t type, uint8_t fdSel, uint32_t maxsize, uint8_t dflags)
{
	GivenWriter w;
	w.put<uint8_t>(flags).put<uint8_t>(uint8_t(sizes.size()));
	for (uint32_t s : sizes)
		w.put<uint32_t>(s);
	w.put<uint8_t>(n);
	for (int i = 0; i < 4; i++)
		w.put<uint8_t>(fdKind).put<uint32_t>(fdSize);
	for (uint8_t i = 0; i < n; i++) {
		w.put<uint8_t>(0).put<uint8_t>(uint8_t(sizes.size()));
		for (size_t p = 0; p < sizes.size(); p++)
			w.put<uint32_t>(type).put<uint8_t>(uint8_t(fdSel + p)).put<uint32_t>(0)
				.put<uint32_t>(maxsize).put<uint8_t>(dflags);
	}
	return w.bytes;
}

} /* namespace */

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	std::string top = argv[1];
	mkdir(top.c_str(), 0755);
	auto put = [&](const char *target, const std::vector<NamedPod> &pods) {
		for (const NamedPod &p : pods)
			if (!write(top + "/" + target, p.name, p.bytes))
				return false;
		return true;
	};
	bool ok = true;
	for (auto list : {nodeEnumFormats(), nodeFormats(), nodeBuffersParams(), controlPropInfos(),
			  nodeProps(), clientFilters(), clientFormats(), clientProps(), otherPods(),
			  crashers()})
		ok &= put("pod-validator", list);
	for (auto list : {nodeFormats(), clientFormats(), crashers()})
		ok &= put("format", list);
	for (auto list : {nodeProps(), clientProps(), crashers()})
		ok &= put("props", list);
	for (auto list : {clientFilters(), nodeEnumFormats(), crashers()})
		ok &= put("filter", list);

	const uint32_t kDmaBuf = SPA_DATA_DmaBuf, kMemFd = SPA_DATA_MemFd, kMemPtr = SPA_DATA_MemPtr;
	ok &= put("given-buffers", {
		{"dmabuf-nv12m-4", given(0, {307200, 153600}, 4, 1, 1 << 20, kDmaBuf, 1, 0, 0)},
		{"dmabuf-yuyv-2", given(0, {614400}, 2, 1, 614400, kDmaBuf, 1, 0, 0)},
		{"memfd-unmapped", given(0, {614400}, 2, 2, 1 << 20, kMemFd, 1, 614400, 0)},
		{"memptr-mapped", given(0, {64}, 3, 0, 0, kMemPtr, 0, 64, 1)},
		{"convert-memfd", given(2, {64, 32}, 2, 2, 4096, kMemFd, 1, 64, 1)},
		{"alloc-mask", given(1, {307200, 153600}, 8, 0, 0,
				     (1u << kDmaBuf) | (1u << kMemFd) | (1u << kMemPtr), 0, 0, 0)},
		{"dmabuf-truncated-fd", given(0, {4096}, 1, 1, 1 << 20, kDmaBuf, 5, 0, 0)},
	});
	if (!ok) {
		perror("make-fuzz-corpus");
		return 1;
	}
	return 0;
}
