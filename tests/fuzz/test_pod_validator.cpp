/* SPDX-License-Identifier: MIT */
/*
 * validatePod() (spa/support/pod_validator.h): the crashers of issue 10 as
 * hand-made bytes, every POD the node builds and clients send, every
 * truncation of them, depth bombs and huge sizes. Run under ASan (the
 * build-fuzz directory) it also proves nothing is read past a POD.
 */
#include <linux/videodev2.h>

#include "catch.h"
#include <spa/param/format.h>
#include <spa/param/param.h>
#include <spa/param/props.h>
#include <spa/param/video/format.h>
#include <spa/pod/filter.h>

#include <cstring>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "controls.h"
#include "v4l2-dmabuf/keys.h"
#include "format_pod.h"
#include "format_table.h"
#include "libspa_walk.h"
#include "node_pods.h"
#include "pod_validator.h"

using namespace v4l2dmabuf;
using namespace v4l2dmabuf::fuzz;

namespace {

/* Validates @p pod from an exactly sized heap copy, so ASan sees any over-read. */
int check(const Pod &pod, std::string *why = nullptr, size_t size = SIZE_MAX)
{
	size_t n = size == SIZE_MAX ? pod.size() : size;
	std::unique_ptr<uint8_t[]> copy(new uint8_t[n ? n : 1]);
	if (n)
		memcpy(copy.get(), pod.data(), n);
	std::string reason;
	int ret = validatePod(copy.get(), n, &reason);
	if (why)
		*why = reason;
	if (ret == 0)
		libspaWalk(reinterpret_cast<const struct spa_pod *>(copy.get()));
	return ret;
}

std::vector<NamedPod> everyValidPod()
{
	std::vector<NamedPod> all;
	for (auto list : {nodeEnumFormats(), nodeFormats(), nodeBuffersParams(), controlPropInfos(),
			  nodeProps(), clientFilters(), clientFormats(), clientProps(), otherPods()})
		all.insert(all.end(), list.begin(), list.end());
	return all;
}

constexpr uint32_t kObject = SPA_TYPE_Object, kChoice = SPA_TYPE_Choice,
		   kString = SPA_TYPE_String, kStruct = SPA_TYPE_Struct, kInt = SPA_TYPE_Int,
		   kId = SPA_TYPE_Id;

} /* namespace */

TEST_CASE("issue 10: the 48-byte Props with a Choice(None) of no values and a 256 MiB String",
	  "[pod_validator]")
{
	Pod pod = words({
		40, kObject, SPA_TYPE_OBJECT_Props, SPA_PARAM_Props,
		SPA_PROP_device, 0,               /* prop key, flags */
		16, kChoice,                      /* value: Choice, body 16 */
		SPA_CHOICE_None, 0, 256u << 20, kString, /* child: String of 256 MiB, no value */
	});
	REQUIRE(pod.size() == 48);
	std::string why;
	CHECK(check(pod, &why) == -EINVAL);
	CHECK(why.find("offset 24") != std::string::npos);
	CHECK(validateParam(reinterpret_cast<const struct spa_pod *>(pod.data())) == -EINVAL);
}

TEST_CASE("issue 10: a filter with an Enum choice of no values", "[pod_validator]")
{
	Pod pod = words({
		64, kObject, SPA_TYPE_OBJECT_Format, SPA_PARAM_EnumFormat,
		SPA_FORMAT_mediaType, 0, 4, kId, SPA_MEDIA_TYPE_video, 0,
		SPA_FORMAT_VIDEO_format, 0, 16, kChoice, SPA_CHOICE_Enum, 0, 4, kId,
	});
	std::string why;
	CHECK(check(pod, &why) == -EINVAL);
	CHECK(why.find("offset 48: Choice child of 4 bytes, larger than the 0 bytes") !=
	      std::string::npos);
}

TEST_CASE("Choices: values counted, child within the body, steps positive", "[pod_validator]")
{
	/* One value: fine. */
	CHECK(check(words({20, kChoice, SPA_CHOICE_None, 0, 4, kInt, 7, 0})) == 0);
	/* A child larger than the body. */
	CHECK(check(words({20, kChoice, SPA_CHOICE_None, 0, 8, kInt, 7})) == -EINVAL);
	/* A child of size 0 (no value, and N_VALUES would be 0). */
	CHECK(check(words({16, kChoice, SPA_CHOICE_Enum, 0, 0, kInt})) == -EINVAL);
	/* A Range of two values, a Step of three. */
	CHECK(check(words({24, kChoice, SPA_CHOICE_Range, 0, 4, kInt, 1, 2})) == -EINVAL);
	CHECK(check(words({28, kChoice, SPA_CHOICE_Step, 0, 4, kInt, 1, 2, 3})) == -EINVAL);
	CHECK(check(words({28, kChoice, SPA_CHOICE_Range, 0, 4, kInt, 1, 2, 3, 0})) == 0);
	/* Step 0 and -1: spa_pod_filter takes a value modulo the step (SIGFPE). */
	CHECK(check(words({32, kChoice, SPA_CHOICE_Step, 0, 4, kInt, 1, 0, 9, 0})) == -EINVAL);
	CHECK(check(words({32, kChoice, SPA_CHOICE_Step, 0, 4, kInt, 1, 0, 9, uint32_t(-1)})) ==
	      -EINVAL);
	CHECK(check(words({48, kChoice, SPA_CHOICE_Step, 0, 8, SPA_TYPE_Rectangle, 1, 1, 1, 1, 9, 9,
			   0, 1})) == -EINVAL);
	CHECK(check(words({32, kChoice, SPA_CHOICE_Step, 0, 4, kInt, 1, 0, 9, 1})) == 0);
	/* Unknown choice type, values not whole, wrong value size, containers. */
	CHECK(check(words({20, kChoice, 5, 0, 4, kInt, 1, 0})) == -EINVAL);
	CHECK(check(words({22, kChoice, SPA_CHOICE_Enum, 0, 4, kInt, 1, 2})) == -EINVAL);
	CHECK(check(words({24, kChoice, SPA_CHOICE_Enum, 0, 8, kInt, 1, 2})) == -EINVAL);
	CHECK(check(words({24, kChoice, SPA_CHOICE_None, 0, 8, kStruct, 0, 0})) == -EINVAL);
	CHECK(check(words({24, kChoice, SPA_CHOICE_None, 0, 8, kChoice, 0, 0})) == -EINVAL);
	/* Strings as values: each NUL-terminated at its end. */
	CHECK(check(words({24, kChoice, SPA_CHOICE_Enum, 0, 4, kString, 0x00636261, 0x00666564})) ==
	      0);
	CHECK(check(words({24, kChoice, SPA_CHOICE_Enum, 0, 4, kString, 0x00636261, 0x66666564})) ==
	      -EINVAL);
}

TEST_CASE("parseControlValue reads the value count of the Choice, not of its child",
	  "[pod_validator][controls]")
{
	/* A valid Choice(None) of one Int, followed in the buffer by zeroes:
	 * controls.cpp applies SPA_POD_CHOICE_N_VALUES to the child, reading
	 * the 4 bytes after the Choice (past the POD when it is the last
	 * thing in a message: a heap over-read under ASan), which here say 0
	 * values, so a valid value is refused. Fix in parseControlValue():
	 * test SPA_POD_CHOICE_N_VALUES(pod) < 1 before pod = CHILD(pod). */
	Pod pod = words({20, kChoice, SPA_CHOICE_None, 0, 4, kInt, 42, 0, 0, 0});
	REQUIRE(check(pod, nullptr, 28) == 0);
	V4l2Control brightness;
	brightness.type = V4L2_CTRL_TYPE_INTEGER;
	int64_t value = 0;
	CHECK(parseControlValue(reinterpret_cast<const struct spa_pod *>(pod.data()), brightness,
				&value) == 0);
	CHECK(value == 42);
}

TEST_CASE("Strings are NUL-terminated inside their size", "[pod_validator]")
{
	CHECK(check(words({4, kString, 0x00636261})) == 0);
	CHECK(check(words({4, kString, 0x64636261, 0})) == -EINVAL);
	CHECK(check(words({0, kString})) == -EINVAL);
	CHECK(check(words({3, kString, 0x00636261})) == -EINVAL); /* "abc" without its NUL */
	/* Arrays of Strings: every element. */
	CHECK(check(words({16, SPA_TYPE_Array, 4, kString, 0x00636261, 0x00666564})) == 0);
	CHECK(check(words({16, SPA_TYPE_Array, 4, kString, 0x00636261, 0x66666564})) == -EINVAL);
}

TEST_CASE("Arrays: whole elements of a scalar type of its size", "[pod_validator]")
{
	CHECK(check(words({16, SPA_TYPE_Array, 4, kInt, 1, 2})) == 0);
	CHECK(check(words({8, SPA_TYPE_Array, 0, 0})) == 0);     /* push_array + pop: empty */
	CHECK(check(words({12, SPA_TYPE_Array, 0, kInt, 1})) == -EINVAL);
	CHECK(check(words({14, SPA_TYPE_Array, 4, kInt, 1, 2})) == -EINVAL);
	CHECK(check(words({16, SPA_TYPE_Array, 8, kInt, 1, 2})) == -EINVAL);
	CHECK(check(words({16, SPA_TYPE_Array, 8, kStruct, 0, 0})) == -EINVAL);
	CHECK(check(words({16, SPA_TYPE_Array, 0xfffffff8u, kInt, 1, 2})) == -EINVAL);
	CHECK(check(words({4, SPA_TYPE_Array, 4})) == -EINVAL);
}

TEST_CASE("Scalars have their exact sizes; unknown types are refused", "[pod_validator]")
{
	CHECK(check(words({4, kInt, 1, 0})) == 0);
	CHECK(check(words({2, kInt, 1})) == -EINVAL);
	CHECK(check(words({8, kInt, 1, 0})) == -EINVAL);
	CHECK(check(words({4, SPA_TYPE_Long, 1})) == -EINVAL);
	CHECK(check(words({0, SPA_TYPE_None})) == 0);
	CHECK(check(words({4, SPA_TYPE_None, 0})) == -EINVAL);
	CHECK(check(words({4, SPA_TYPE_Rectangle, 1})) == -EINVAL);
	CHECK(check(words({8, SPA_TYPE_Pointer, 0, 0})) == -EINVAL);
	CHECK(check(words({0, SPA_TYPE_Pod})) == -EINVAL);
	CHECK(check(words({0, 0})) == -EINVAL);
	CHECK(check(words({0, 0x12345})) == -EINVAL);
	CHECK(check(words({3, SPA_TYPE_Bytes, 0x00030201})) == 0);
}

TEST_CASE("Objects: properties inside, aligned, whole", "[pod_validator]")
{
	/* Two Int props, each 24 bytes with padding. */
	Pod ok = words({56, kObject, SPA_TYPE_OBJECT_Props, SPA_PARAM_Props,
			SPA_PROP_brightness, 0, 4, kInt, 1, 0,
			SPA_PROP_contrast, 0, 4, kInt, 2, 0});
	CHECK(check(ok) == 0);
	/* The second prop packed right after the first, without padding: read
	 * at the aligned offset (as libspa does), it is a Bool of 5 bytes. */
	Pod packed = words({52, kObject, SPA_TYPE_OBJECT_Props, SPA_PARAM_Props,
			    SPA_PROP_brightness, 0, 4, kInt, 1,
			    SPA_PROP_contrast, 0, 8, SPA_TYPE_Long, 2, 0});
	CHECK(check(packed) == -EINVAL);
	/* A prop header cut short, a value larger than the object. */
	CHECK(check(words({20, kObject, SPA_TYPE_OBJECT_Props, SPA_PARAM_Props,
			   SPA_PROP_brightness, 0, 4})) == -EINVAL);
	CHECK(check(words({32, kObject, SPA_TYPE_OBJECT_Props, SPA_PARAM_Props,
			   SPA_PROP_brightness, 0, 100, kInt, 1, 0})) == -EINVAL);
	/* An Object shorter than its type and id. */
	CHECK(check(words({4, kObject, SPA_TYPE_OBJECT_Props})) == -EINVAL);
	/* The last prop's padding may be left out (the object ends at 20). */
	CHECK(check(words({28, kObject, SPA_TYPE_OBJECT_Props, SPA_PARAM_Props,
			   SPA_PROP_brightness, 0, 4, kInt, 1})) == 0);
}

TEST_CASE("Structs: children inside, nothing left over", "[pod_validator]")
{
	CHECK(check(words({16, kStruct, 4, kInt, 1, 0})) == 0);
	CHECK(check(words({12, kStruct, 4, kInt, 1})) == 0);            /* last padding cut */
	CHECK(check(words({20, kStruct, 4, kInt, 1, 0, 7})) == -EINVAL);  /* 4 stray bytes */
	CHECK(check(words({16, kStruct, 12, kInt, 1, 0})) == -EINVAL);
	CHECK(check(words({0, kStruct})) == 0);
}

TEST_CASE("Sizes that do not fit the container, huge sizes", "[pod_validator]")
{
	CHECK(check(words({0xffffffffu, kStruct, 0, 0})) == -EINVAL);
	CHECK(check(words({0xfffffff8u, kObject, 0, 0})) == -EINVAL);
	CHECK(check(words({8, kStruct, 0xfffffff8u, kStruct})) == -EINVAL);
	CHECK(check(words({24, kChoice, SPA_CHOICE_None, 0, 0xfffffff0u, kInt, 1, 0})) == -EINVAL);
	CHECK(check(words({4, kInt})) == -EINVAL);   /* header says 4, none there */
	CHECK(check(Pod{1, 2, 3}) == -EINVAL);        /* less than a header */
	CHECK(check(Pod{}) == -EINVAL);
	CHECK(validatePod(static_cast<const void *>(nullptr), 100) == -EINVAL);
	CHECK(validateParam(nullptr) == 0);
}

TEST_CASE("Depth is bounded", "[pod_validator]")
{
	auto nest = [](uint32_t depth) {
		/* depth Structs, the innermost empty: each body is the next header. */
		Pod pod(depth * 8);
		for (uint32_t i = 0; i < depth; i++) {
			uint32_t header[2] = {(depth - 1 - i) * 8, kStruct};
			memcpy(pod.data() + i * 8, header, 8);
		}
		return pod;
	};
	CHECK(check(nest(kPodMaxDepth)) == 0);
	std::string why;
	CHECK(check(nest(kPodMaxDepth + 1), &why) == -EINVAL);
	CHECK(why.find("deeper") != std::string::npos);
	CHECK(check(nest(200000)) == -EINVAL);
	/* Objects in Objects, built by libspa: 16 deep is fine, 17 is not. */
	for (uint32_t depth : {kPodMaxDepth, kPodMaxDepth + 1}) {
		std::vector<uint8_t> buffer(4096);
		struct spa_pod_builder b = SPA_POD_BUILDER_INIT(buffer.data(), uint32_t(buffer.size()));
		std::vector<struct spa_pod_frame> frames(depth);
		for (uint32_t i = 0; i < depth; i++) {
			if (i > 0)
				spa_pod_builder_prop(&b, SPA_PROP_params, 0);
			spa_pod_builder_push_object(&b, &frames[i], SPA_TYPE_OBJECT_Props, SPA_PARAM_Props);
		}
		struct spa_pod *pod = nullptr;
		for (uint32_t i = depth; i-- > 0;)
			pod = static_cast<struct spa_pod *>(spa_pod_builder_pop(&b, &frames[i]));
		REQUIRE(pod != nullptr);
		const uint8_t *p = reinterpret_cast<const uint8_t *>(pod);
		CHECK(check(Pod(p, p + SPA_POD_SIZE(pod))) == (depth > kPodMaxDepth ? -EINVAL : 0));
	}
}

TEST_CASE("Every POD the node builds and clients send is valid", "[pod_validator]")
{
	for (const NamedPod &p : everyValidPod()) {
		INFO(p.name);
		REQUIRE(!p.bytes.empty());
		std::string why;
		CHECK(check(p.bytes, &why) == 0);
		INFO(why);
		CHECK(validateParam(reinterpret_cast<const struct spa_pod *>(p.bytes.data())) == 0);
	}
}

TEST_CASE("What spa_pod_filter makes of the node's EnumFormats and client filters is valid",
	  "[pod_validator]")
{
	for (const NamedPod &e : nodeEnumFormats()) {
		for (const NamedPod &f : clientFilters()) {
			INFO(e.name << " x " << f.name);
			uint8_t buffer[8192];
			struct spa_pod_builder b = SPA_POD_BUILDER_INIT(buffer, sizeof(buffer));
			struct spa_pod *result = nullptr;
			if (spa_pod_filter(&b, &result,
					   reinterpret_cast<const struct spa_pod *>(e.bytes.data()),
					   reinterpret_cast<const struct spa_pod *>(f.bytes.data())) < 0)
				continue;
			std::string why;
			CHECK(validatePod(result, SPA_POD_SIZE(result), &why) == 0);
			INFO(why);
		}
	}
}

TEST_CASE("Truncations of every valid POD are refused or read in bounds", "[pod_validator]")
{
	for (const NamedPod &p : everyValidPod()) {
		INFO(p.name);
		for (size_t len = 0; len < p.bytes.size(); len++) {
			INFO(len);
			/* The container cut: the header no longer fits. */
			CHECK(check(p.bytes, nullptr, len) == -EINVAL);
			/* The header rewritten to fit: children may now stick out. */
			if (len >= 8) {
				Pod cut(p.bytes.begin(), p.bytes.begin() + len);
				uint32_t body = uint32_t(len - 8);
				memcpy(cut.data(), &body, 4);
				check(cut);
			}
		}
	}
}

TEST_CASE("A stepwise frame size of step 0 from a driver gives an EnumFormat the filter divides by",
	  "[pod_validator][format_pod]")
{
	/* buildEnumFormat() copies V4L2's step_width/step_height into the Step
	 * choice; a driver reporting 0 makes spa_pod_filter() of a fixed-size
	 * filter take a modulo by 0 (SIGFPE in the daemon). Fix in addSize()
	 * (format_pod.cpp): SPA_MAX(step, 1u) for each dimension. */
	V4l2FrameSize size;
	size.type = V4l2FrameSize::Type::Stepwise;
	size.minWidth = 16;
	size.maxWidth = 640;
	size.minHeight = 16;
	size.maxHeight = 480;
	uint8_t buffer[4096];
	struct spa_pod_builder b = SPA_POD_BUILDER_INIT(buffer, sizeof(buffer));
	struct spa_pod *pod = buildEnumFormat(&b, SPA_PARAM_EnumFormat, *findFormatByName("YUYV"),
					      size, V4l2FrameIntervals{});
	REQUIRE(pod != nullptr);
	CHECK(validatePod(pod, SPA_POD_SIZE(pod)) == 0);
}
