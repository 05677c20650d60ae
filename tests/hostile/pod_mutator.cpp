/* SPDX-License-Identifier: MIT */
#include "pod_mutator.h"

#include <cstring>

#include <spa/param/format.h>
#include <spa/param/param.h>
#include <spa/param/props.h>
#include <spa/param/video/format.h>
#include <spa/pod/pod.h>

#include "v4l2-dmabuf/keys.h"

namespace hostile {

namespace {

constexpr uint32_t kHuge = 256u << 20; /* the String size of issue 10 */

/* Appends @p b to @p a. */
void append(PodWords &a, const PodWords &b) { a.insert(a.end(), b.begin(), b.end()); }

/* A POD whose header says @p size bytes of @p type; @p body is padded to 8. */
PodWords podRaw(uint32_t size, uint32_t type, PodWords body)
{
	if (body.size() % 2)
		body.push_back(0);
	PodWords w{size, type};
	append(w, body);
	return w;
}

/* A POD with an honest size: the body's words. */
PodWords pod(uint32_t type, const PodWords &body, uint32_t bytes = UINT32_MAX)
{
	return podRaw(bytes == UINT32_MAX ? uint32_t(body.size() * 4) : bytes, type, body);
}

PodWords intPod(int32_t v) { return pod(SPA_TYPE_Int, {uint32_t(v)}); }
PodWords idPod(uint32_t v) { return pod(SPA_TYPE_Id, {v}); }
PodWords rectPod(uint32_t w, uint32_t h) { return pod(SPA_TYPE_Rectangle, {w, h}); }
PodWords fracPod(uint32_t n, uint32_t d) { return pod(SPA_TYPE_Fraction, {n, d}); }

/* A String POD: @p s, NUL-terminated unless @p terminate is false. */
PodWords stringPod(const std::string &s, bool terminate = true)
{
	size_t bytes = s.size() + (terminate ? 1 : 0);
	PodWords body((bytes + 3) / 4, 0);
	memcpy(body.data(), s.data(), s.size());
	return pod(SPA_TYPE_String, body, uint32_t(bytes));
}

/* A Choice of @p choiceType whose child is @p childSize/@p childType, with @p values words. */
PodWords choicePod(uint32_t choiceType, uint32_t childSize, uint32_t childType, const PodWords &values)
{
	PodWords body{choiceType, 0, childSize, childType};
	append(body, values);
	return pod(SPA_TYPE_Choice, body);
}

PodWords prop(uint32_t key, const PodWords &value, uint32_t flags = 0)
{
	PodWords w{key, flags};
	append(w, value);
	return w;
}

PodWords object(uint32_t type, uint32_t id, const std::vector<PodWords> &props)
{
	PodWords body{type, id};
	for (const PodWords &p : props)
		append(body, p);
	return pod(SPA_TYPE_Object, body);
}

PodWords propsObject(const std::vector<PodWords> &props)
{
	return object(SPA_TYPE_OBJECT_Props, SPA_PARAM_Props, props);
}

/* An EnumFormat filter: video/raw and @p props. */
PodWords formatFilter(const std::vector<PodWords> &props)
{
	std::vector<PodWords> all{prop(SPA_FORMAT_mediaType, idPod(SPA_MEDIA_TYPE_video)),
				  prop(SPA_FORMAT_mediaSubtype, idPod(SPA_MEDIA_SUBTYPE_raw))};
	all.insert(all.end(), props.begin(), props.end());
	return object(SPA_TYPE_OBJECT_Format, SPA_PARAM_EnumFormat, all);
}

/* @p depth Structs, each holding the next, around an Int. */
PodWords nested(unsigned depth)
{
	PodWords w = intPod(1);
	for (unsigned i = 0; i < depth; i++)
		w = pod(SPA_TYPE_Struct, w);
	return w;
}

/* A Choice(None) with no values and a String child claiming 256 MiB. */
PodWords hugeStringChoice() { return choicePod(SPA_CHOICE_None, kHuge, SPA_TYPE_String, {}); }

constexpr uint32_t kInteresting[] = {0, 1, 2, 3, 4, 7, 8, 16, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x10000,
				     0x7fffffff, 0x80000000, 0xfffffff8, 0xfffffffc, 0xffffffff, kHuge};

} /* namespace */

PodWords toWords(const spa_pod *pod)
{
	size_t bytes = SPA_ROUND_UP_N(SPA_POD_SIZE(pod), 8);
	PodWords w(bytes / 4, 0);
	memcpy(w.data(), pod, SPA_POD_SIZE(pod));
	return w;
}

const spa_pod *asPod(PodWords &w)
{
	if (w.size() < 2)
		w.resize(2, 0);
	uint32_t avail = uint32_t((w.size() - 2) * 4);
	if (w[0] > avail)
		w[0] = avail;
	return reinterpret_cast<const spa_pod *>(w.data());
}

PodWords Mutator::mutate(const PodWords &base, std::string *what)
{
	PodWords w = base;
	std::string steps;
	unsigned n = 1 + below(3);
	for (unsigned i = 0; i < n; i++) {
		if (w.size() < 4)
			w.resize(4, 0);
		uint32_t idx = below(uint32_t(w.size()));
		switch (below(8)) {
		case 0: { /* bit flips */
			unsigned flips = 1 + below(8);
			for (unsigned f = 0; f < flips; f++)
				w[below(uint32_t(w.size()))] ^= 1u << below(32);
			steps += "flip" + std::to_string(flips) + " ";
			break;
		}
		case 1: { /* truncation: the children now run past the end */
			uint32_t keep = 2 + below(uint32_t(w.size()) - 1);
			w.resize(keep);
			steps += "trunc" + std::to_string(keep * 4) + " ";
			break;
		}
		case 2: /* an interesting value: most words are sizes, counts, keys */
			w[idx] = kInteresting[below(sizeof(kInteresting) / sizeof(kInteresting[0]))];
			steps += "val@" + std::to_string(idx) + " ";
			break;
		case 3: /* a random type id */
			w[idx] = below(SPA_TYPE_Pod + 2);
			steps += "type@" + std::to_string(idx) + " ";
			break;
		case 4: { /* the issue's Choice(None), appended as a property */
			uint32_t key = w.size() > 4 ? w[4] : uint32_t(SPA_PROP_device);
			append(w, prop(key, hugeStringChoice()));
			w[0] = uint32_t((w.size() - 2) * 4);
			steps += "hugechoice ";
			break;
		}
		case 5: { /* a Choice whose count and body disagree */
			uint32_t type = below(5);
			PodWords values;
			for (unsigned v = below(3); v > 0; v--)
				values.push_back(below(1000));
			uint32_t key = w.size() > 4 ? w[4] : uint32_t(SPA_PROP_brightness);
			append(w, prop(key, choicePod(type, kInteresting[below(20)], SPA_TYPE_Int, values)));
			w[0] = uint32_t((w.size() - 2) * 4);
			steps += "choice" + std::to_string(type) + " ";
			break;
		}
		case 6: { /* splice: copy a run of words elsewhere */
			uint32_t from = below(uint32_t(w.size())), len = 1 + below(8);
			PodWords run(w.begin() + from, w.begin() + std::min<size_t>(w.size(), from + len));
			w.insert(w.begin() + idx, run.begin(), run.end());
			steps += "splice ";
			break;
		}
		default: /* off by a few */
			w[idx] += below(16) - 8;
			steps += "delta@" + std::to_string(idx) + " ";
			break;
		}
	}
	if (below(16) != 0 && w.size() >= 2)
		w[1] = SPA_TYPE_Object;
	if (what)
		*what = steps;
	return w;
}

PodWords hugeStringChoiceProps(uint32_t key) { return propsObject({prop(key, hugeStringChoice())}); }

std::vector<Crafted> craftedProps()
{
	const uint32_t P = SPA_PARAM_Props;
	const uint32_t control = V4L2_DMABUF_PROP_CONTROL_BASE + 0x00980900; /* V4L2_CID_BRIGHTNESS */
	std::vector<Crafted> c{
		{"issue-10 Choice(None) no values, 256 MiB String (device)", P, hugeStringChoiceProps(SPA_PROP_device)},
		{"Choice(None) huge String (ioMode)", P, hugeStringChoiceProps(V4L2_DMABUF_PROP_ioMode)},
		{"Choice(None) huge String (allocator)", P, hugeStringChoiceProps(V4L2_DMABUF_PROP_allocator)},
		{"Choice(None) huge String (brightness)", P, hugeStringChoiceProps(SPA_PROP_brightness)},
		{"Choice(None) huge String (custom control)", P, hugeStringChoiceProps(control)},
		{"Choice(Enum) Int, no values", P,
		 propsObject({prop(SPA_PROP_brightness, choicePod(SPA_CHOICE_Enum, 4, SPA_TYPE_Int, {}))})},
		{"Choice(None) Int, one value", P,
		 propsObject({prop(SPA_PROP_brightness, choicePod(SPA_CHOICE_None, 4, SPA_TYPE_Int, {100}))})},
		{"Choice(Range) Int, one value", P,
		 propsObject({prop(SPA_PROP_brightness, choicePod(SPA_CHOICE_Range, 4, SPA_TYPE_Int, {100}))})},
		{"Choice child size 0", P,
		 propsObject({prop(SPA_PROP_brightness, choicePod(SPA_CHOICE_Enum, 0, SPA_TYPE_Int, {1, 2}))})},
		{"Choice child size 0xffffffff", P,
		 propsObject({prop(SPA_PROP_brightness, choicePod(SPA_CHOICE_Enum, 0xffffffff, SPA_TYPE_Int, {1, 2}))})},
		{"custom control Choice(None) no values", P,
		 propsObject({prop(control, choicePod(SPA_CHOICE_None, 4, SPA_TYPE_Int, {}))})},
		{"brightness as String, not terminated", P,
		 propsObject({prop(SPA_PROP_brightness, stringPod("AAAAAAAA", false))})},
		{"brightness as Float NaN", P, propsObject({prop(SPA_PROP_brightness, pod(SPA_TYPE_Float, {0x7fc00000}))})},
		{"brightness as Double inf", P,
		 propsObject({prop(SPA_PROP_brightness, pod(SPA_TYPE_Double, {0, 0x7ff00000}))})},
		{"brightness as Long max", P,
		 propsObject({prop(SPA_PROP_brightness, pod(SPA_TYPE_Long, {0xffffffff, 0x7fffffff}))})},
		{"brightness Int size 0", P, propsObject({prop(SPA_PROP_brightness, podRaw(0, SPA_TYPE_Int, {5}))})},
		{"brightness Int size 2", P, propsObject({prop(SPA_PROP_brightness, podRaw(2, SPA_TYPE_Int, {5}))})},
		{"ioMode not terminated", P, propsObject({prop(V4L2_DMABUF_PROP_ioMode, stringPod("dmabuf", false))})},
		{"ioMode empty", P, propsObject({prop(V4L2_DMABUF_PROP_ioMode, stringPod(""))})},
		{"ioMode 4096 bytes", P, propsObject({prop(V4L2_DMABUF_PROP_ioMode, stringPod(std::string(4096, 'A')))})},
		{"ioMode convert", P, propsObject({prop(V4L2_DMABUF_PROP_ioMode, stringPod("convert"))})},
		{"ioMode as Int", P, propsObject({prop(V4L2_DMABUF_PROP_ioMode, intPod(3))})},
		{"device String size 0", P, propsObject({prop(SPA_PROP_device, podRaw(0, SPA_TYPE_String, {}))})},
		{"Props key 0 and 0xffffffff", P,
		 propsObject({prop(0, intPod(1)), prop(0xffffffff, intPod(1), 0xffffffff)})},
		{"Props property value past the object", P,
		 propsObject({prop(SPA_PROP_brightness, podRaw(4096, SPA_TYPE_Int, {5}))})},
		{"Props object body size 9", P, podRaw(9, SPA_TYPE_Object, {SPA_TYPE_OBJECT_Props, P, 0, 0})},
		{"Props object body size 0", P, podRaw(0, SPA_TYPE_Object, {})},
		{"Props nested 200 Structs", P, propsObject({prop(SPA_PROP_brightness, nested(200))})},
		{"Props Array of Int, child size 0", P,
		 propsObject({prop(SPA_PROP_brightness, pod(SPA_TYPE_Array, {0, SPA_TYPE_Int, 1, 2, 3, 4}))})},
		{"Props Array child size 0xffffffff", P,
		 propsObject({prop(SPA_PROP_brightness, pod(SPA_TYPE_Array, {0xffffffff, SPA_TYPE_Int, 1, 2}))})},
		{"Props object type Format", P, object(SPA_TYPE_OBJECT_Format, P, {prop(1, intPod(1))})},
		{"Props duplicate key 1000 times", P, [] {
			 std::vector<PodWords> props(1000, prop(SPA_PROP_brightness, intPod(128)));
			 return propsObject(props);
		 }()},
	};
	for (const char *path : {"/dev/ptmx", "/dev/tty", "/dev/console", "/proc/self/mem", "/dev/video0",
				 "/dev/dri/../../dev/ptmx", "/dev/zero", "/dev/dri/card0\x01", "/sys/kernel/notes",
				 "/dev/dri/renderD128"})
		c.push_back({std::string("allocator ") + path, P,
			     propsObject({prop(V4L2_DMABUF_PROP_allocator, stringPod(path))})});
	for (const char *path : {"/dev/ptmx", "/dev/tty", "/dev/video1", "/dev/null", "/nonexistent"})
		c.push_back({std::string("device ") + path, P, propsObject({prop(SPA_PROP_device, stringPod(path))})});
	return c;
}

std::vector<Crafted> craftedFilters()
{
	const uint32_t E = SPA_PARAM_EnumFormat;
	const uint32_t planes = V4L2_DMABUF_FORMAT_VIDEO_memoryPlanes;
	std::vector<Crafted> c{
		{"format: Choice(Enum) Id, no values", E,
		 formatFilter({prop(SPA_FORMAT_VIDEO_format, choicePod(SPA_CHOICE_Enum, 4, SPA_TYPE_Id, {}))})},
		{"size: Choice(Enum) Rectangle, no values", E,
		 formatFilter({prop(SPA_FORMAT_VIDEO_size, choicePod(SPA_CHOICE_Enum, 8, SPA_TYPE_Rectangle, {}))})},
		{"size: Choice(Range) Rectangle, one value", E,
		 formatFilter({prop(SPA_FORMAT_VIDEO_size, choicePod(SPA_CHOICE_Range, 8, SPA_TYPE_Rectangle, {640, 480}))})},
		{"size: Choice(Step) Rectangle, child size 0", E,
		 formatFilter({prop(SPA_FORMAT_VIDEO_size, choicePod(SPA_CHOICE_Step, 0, SPA_TYPE_Rectangle, {1, 1}))}), true},
		{"size: Choice(Flags) Rectangle", E,
		 formatFilter({prop(SPA_FORMAT_VIDEO_size, choicePod(SPA_CHOICE_Flags, 8, SPA_TYPE_Rectangle, {1, 1}))})},
		{"size: Choice(None) huge String", E, formatFilter({prop(SPA_FORMAT_VIDEO_size, hugeStringChoice())}), true},
		{"size as Int", E, formatFilter({prop(SPA_FORMAT_VIDEO_size, intPod(640))})},
		{"size 65535x65535", E, formatFilter({prop(SPA_FORMAT_VIDEO_size, rectPod(65535, 65535))})},
		{"size 0x0", E, formatFilter({prop(SPA_FORMAT_VIDEO_size, rectPod(0, 0))})},
		{"size 0xffffffff^2", E, formatFilter({prop(SPA_FORMAT_VIDEO_size, rectPod(0xffffffff, 0xffffffff))})},
		{"framerate 0/0", E, formatFilter({prop(SPA_FORMAT_VIDEO_framerate, fracPod(0, 0))})},
		{"framerate Choice(Range) 0/0", E,
		 formatFilter({prop(SPA_FORMAT_VIDEO_framerate,
				    choicePod(SPA_CHOICE_Range, 8, SPA_TYPE_Fraction, {0, 0, 0, 0, 0, 0}))})},
		{"framerate Choice(Enum) Fraction, no values", E,
		 formatFilter({prop(SPA_FORMAT_VIDEO_framerate, choicePod(SPA_CHOICE_Enum, 8, SPA_TYPE_Fraction, {}))})},
		{"memoryPlanes 0xffffffff", E, formatFilter({prop(planes, intPod(-1))})},
		{"memoryPlanes as String", E, formatFilter({prop(planes, stringPod("two"))})},
		{"memoryPlanes Choice(Enum) no values", E,
		 formatFilter({prop(planes, choicePod(SPA_CHOICE_Enum, 4, SPA_TYPE_Int, {}))})},
		{"custom key 0xffffffff huge String", E, formatFilter({prop(0xffffffff, hugeStringChoice())}), true},
		{"custom key 0xffffffff, a 1000-byte String", E,
		 formatFilter({prop(0xffffffff, stringPod(std::string(1000, 'x')))})},
		{"custom keys: 64 unknown keys of every scalar type", E, [] {
			 std::vector<PodWords> props;
			 for (uint32_t k = 0; k < 64; k++)
				 props.push_back(prop(SPA_FORMAT_START_Video + 0x2000 + k,
						      k % 3 == 0 ? intPod(-1) : k % 3 == 1 ? stringPod("absurd") : rectPod(k, k)));
			 return formatFilter(props);
		 }()},
		{"custom key nested 200 Structs", E, formatFilter({prop(SPA_FORMAT_START_Video + 0x4242, nested(200))})},
		{"mediaType as String", E,
		 object(SPA_TYPE_OBJECT_Format, E, {prop(SPA_FORMAT_mediaType, stringPod("video"))})},
		{"mediaType Choice(Enum) no values", E,
		 object(SPA_TYPE_OBJECT_Format, E,
			{prop(SPA_FORMAT_mediaType, choicePod(SPA_CHOICE_Enum, 4, SPA_TYPE_Id, {}))}), true},
		{"filter object body size 0", E, podRaw(0, SPA_TYPE_Object, {}), true},
		{"filter is a Struct", E, pod(SPA_TYPE_Struct, {4, SPA_TYPE_Int, 1, 0}), true},
		{"filter property runs past the object", E,
		 formatFilter({prop(SPA_FORMAT_VIDEO_size, podRaw(4096, SPA_TYPE_Rectangle, {1, 1}))}), true},
		{"PropInfo filter Choice(None) huge String", SPA_PARAM_PropInfo,
		 object(SPA_TYPE_OBJECT_PropInfo, SPA_PARAM_PropInfo, {prop(SPA_PROP_INFO_name, hugeStringChoice())})},
		{"Props filter Choice(Enum) no values", SPA_PARAM_Props,
		 propsObject({prop(SPA_PROP_brightness, choicePod(SPA_CHOICE_Enum, 4, SPA_TYPE_Int, {}))})},
		{"Props filter huge String", SPA_PARAM_Props, hugeStringChoiceProps(SPA_PROP_device)},
		{"Buffers filter Choice(Flags) no values", SPA_PARAM_Buffers,
		 object(SPA_TYPE_OBJECT_ParamBuffers, SPA_PARAM_Buffers,
			{prop(SPA_PARAM_BUFFERS_dataType, choicePod(SPA_CHOICE_Flags, 4, SPA_TYPE_Int, {}))})},
	};
	return c;
}

} /* namespace hostile */
