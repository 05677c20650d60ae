/* SPDX-License-Identifier: MIT */
/*
 * validatePod(): a bounds-checked walk over an untrusted POD before libspa
 * reads it. Offsets are uint64_t from the start of the POD, so no sum of
 * two 32-bit sizes wraps; every read goes through read32(), which is only
 * called on offsets already checked against the container.
 */
#include "pod_validator.h"

#include <cerrno>
#include <cstring>

#include <spa/utils/type.h>

namespace v4l2dmabuf {

namespace {

constexpr uint64_t kHeader = sizeof(struct spa_pod);               /* size, type */
constexpr uint64_t kObjectBody = sizeof(struct spa_pod_object_body); /* type, id */
constexpr uint64_t kPropHeader = sizeof(struct spa_pod_prop);       /* key, flags, value header */
constexpr uint64_t kSequenceBody = sizeof(struct spa_pod_sequence_body);
constexpr uint64_t kControlHeader = sizeof(struct spa_pod_control);
constexpr uint64_t kArrayBody = sizeof(struct spa_pod_array_body);  /* child header */
constexpr uint64_t kChoiceBody = sizeof(struct spa_pod_choice_body); /* type, flags, child */

static_assert(kHeader == 8 && kObjectBody == 8 && kPropHeader == 16 && kSequenceBody == 8 &&
	      kControlHeader == 16 && kArrayBody == 8 && kChoiceBody == 16,
	      "spa/pod/pod.h layout");

uint64_t padded(uint64_t n)
{
	return (n + 7) & ~uint64_t(7);
}

const char *typeName(uint32_t type)
{
	static const char *const names[] = {
		"Start", "None", "Bool", "Id", "Int", "Long", "Float", "Double", "String",
		"Bytes", "Rectangle", "Fraction", "Bitmap", "Array", "Struct", "Object",
		"Sequence", "Pointer", "Fd", "Choice", "Pod",
	};
	return type < sizeof(names) / sizeof(names[0]) ? names[type] : "unknown";
}

/* The exact body size of a fixed-size type; 0: any size (String: >= 1). */
bool fixedSize(uint32_t type, uint64_t *size)
{
	switch (type) {
	case SPA_TYPE_None:
		*size = 0;
		return true;
	case SPA_TYPE_Bool:
	case SPA_TYPE_Id:
	case SPA_TYPE_Int:
	case SPA_TYPE_Float:
		*size = 4;
		return true;
	case SPA_TYPE_Long:
	case SPA_TYPE_Double:
	case SPA_TYPE_Fd:
	case SPA_TYPE_Rectangle:
	case SPA_TYPE_Fraction:
		*size = 8;
		return true;
	case SPA_TYPE_Pointer:
		*size = sizeof(struct spa_pod_pointer_body);
		return true;
	default:
		return false;
	}
}

/* Types an Array element or a Choice value may have: scalars, no containers. */
bool isValueType(uint32_t type)
{
	switch (type) {
	case SPA_TYPE_Bool:
	case SPA_TYPE_Id:
	case SPA_TYPE_Int:
	case SPA_TYPE_Long:
	case SPA_TYPE_Float:
	case SPA_TYPE_Double:
	case SPA_TYPE_String:
	case SPA_TYPE_Bytes:
	case SPA_TYPE_Rectangle:
	case SPA_TYPE_Fraction:
	case SPA_TYPE_Bitmap:
	case SPA_TYPE_Pointer:
	case SPA_TYPE_Fd:
		return true;
	default:
		return false;
	}
}

class Walker
{
public:
	Walker(const uint8_t *base, std::string *why) : base_(base), why_(why) {}

	/* The POD whose header is at @p off; it must end by @p end. */
	int pod(uint64_t off, uint64_t end, uint32_t depth)
	{
		if (end < off || end - off < kHeader)
			return fail(off, "a POD header needs 8 bytes, " + left(off, end));
		uint32_t size = read32(off);
		uint32_t type = read32(off + 4);
		if (size > end - off - kHeader)
			return fail(off, std::string(typeName(type)) + " of " + std::to_string(size) +
				    " bytes, " + left(off + kHeader, end));
		return body(type, off + kHeader, size, depth);
	}

private:
	int body(uint32_t type, uint64_t off, uint64_t size, uint32_t depth)
	{
		if (depth > kPodMaxDepth)
			return fail(off - kHeader, "nested deeper than " + std::to_string(kPodMaxDepth));
		uint64_t fixed;
		if (fixedSize(type, &fixed)) {
			if (size != fixed)
				return fail(off - kHeader, std::string(typeName(type)) + " of " +
					    std::to_string(size) + " bytes, not " + std::to_string(fixed));
			return 0;
		}
		switch (type) {
		case SPA_TYPE_String:
			return string(off, size, off - kHeader);
		case SPA_TYPE_Bytes:
		case SPA_TYPE_Bitmap:
			return 0;
		case SPA_TYPE_Struct:
			return children(off, off + size, depth);
		case SPA_TYPE_Object:
			if (size < kObjectBody)
				return fail(off - kHeader, "Object body of " + std::to_string(size) +
					    " bytes, less than its 8-byte type and id");
			return entries(off + kObjectBody, off + size, depth, "property");
		case SPA_TYPE_Sequence:
			if (size < kSequenceBody)
				return fail(off - kHeader, "Sequence body of " + std::to_string(size) +
					    " bytes, less than its 8-byte unit");
			return entries(off + kSequenceBody, off + size, depth, "control");
		case SPA_TYPE_Array:
			return array(off, size);
		case SPA_TYPE_Choice:
			return choice(off, size);
		default:
			return fail(off - kHeader, "unknown type " + std::to_string(type));
		}
	}

	int string(uint64_t off, uint64_t size, uint64_t at)
	{
		if (size == 0)
			return fail(at, "empty String (no NUL)");
		if (base_[off + size - 1] != '\0')
			return fail(at, "String of " + std::to_string(size) +
				    " bytes not NUL-terminated inside its size");
		return 0;
	}

	/* A Struct's body: PODs at 8-aligned offsets until @p end. */
	int children(uint64_t off, uint64_t end, uint32_t depth)
	{
		while (off < end) {
			int ret = pod(off, end, depth + 1);
			if (ret < 0)
				return ret;
			off += padded(kHeader + read32(off));
		}
		return 0;
	}

	/* An Object's properties or a Sequence's controls: 8 bytes (key and
	 * flags, or offset and type), then a POD; each padded to 8. */
	int entries(uint64_t off, uint64_t end, uint32_t depth, const char *what)
	{
		while (off < end) {
			if (end - off < kPropHeader)
				return fail(off, std::string("a ") + what + " header needs 16 bytes, " +
					    left(off, end));
			int ret = pod(off + 8, end, depth + 1);
			if (ret < 0)
				return ret;
			off += padded(kPropHeader + read32(off + 8));
		}
		return 0;
	}

	/* @p count values of @p valueSize bytes of @p valueType at @p off. */
	int values(uint64_t off, uint32_t valueType, uint64_t valueSize, uint64_t count,
		   uint64_t at, const char *what)
	{
		if (!isValueType(valueType))
			return fail(at, std::string(what) + " of " + typeName(valueType) + " (" +
				    std::to_string(valueType) + ")");
		uint64_t fixed;
		if (fixedSize(valueType, &fixed) && valueSize != fixed)
			return fail(at, std::string(what) + " of " + typeName(valueType) + " values of " +
				    std::to_string(valueSize) + " bytes, not " + std::to_string(fixed));
		if (valueType == SPA_TYPE_String) {
			for (uint64_t i = 0; i < count; i++) {
				int ret = string(off + i * valueSize, valueSize, at);
				if (ret < 0)
					return ret;
			}
		}
		return 0;
	}

	int array(uint64_t off, uint64_t size)
	{
		uint64_t at = off - kHeader;
		if (size < kArrayBody)
			return fail(at, "Array body of " + std::to_string(size) +
				    " bytes, less than its 8-byte child header");
		uint64_t valueSize = read32(off);
		uint32_t valueType = read32(off + 4);
		uint64_t bytes = size - kArrayBody;
		if (valueSize == 0) {
			if (bytes != 0)
				return fail(at, "Array of 0-byte elements with " + std::to_string(bytes) +
					    " bytes of values");
			return 0;
		}
		if (bytes % valueSize != 0)
			return fail(at, "Array of " + std::to_string(bytes) + " bytes is not whole " +
				    std::to_string(valueSize) + "-byte elements");
		return values(off + kArrayBody, valueType, valueSize, bytes / valueSize, at, "Array");
	}

	int choice(uint64_t off, uint64_t size)
	{
		uint64_t at = off - kHeader;
		if (size < kChoiceBody)
			return fail(at, "Choice body of " + std::to_string(size) +
				    " bytes, less than its 16-byte header");
		uint32_t choiceType = read32(off);
		uint64_t valueSize = read32(off + 8);
		uint32_t valueType = read32(off + 12);
		uint64_t bytes = size - kChoiceBody;
		static const uint64_t minValues[] = {1, 3, 4, 1, 1}; /* None Range Step Enum Flags */
		if (choiceType > SPA_CHOICE_Flags)
			return fail(at, "unknown Choice type " + std::to_string(choiceType));
		if (valueSize == 0)
			return fail(at, "Choice of 0-byte values: no value");
		if (valueSize > bytes)
			return fail(at, "Choice child of " + std::to_string(valueSize) +
				    " bytes, larger than the " + std::to_string(bytes) + " bytes of values");
		if (bytes % valueSize != 0)
			return fail(at, "Choice of " + std::to_string(bytes) + " bytes is not whole " +
				    std::to_string(valueSize) + "-byte values");
		uint64_t count = bytes / valueSize;
		if (count < minValues[choiceType])
			return fail(at, "Choice type " + std::to_string(choiceType) + " with " +
				    std::to_string(count) + " value(s), needs " +
				    std::to_string(minValues[choiceType]));
		uint64_t first = off + kChoiceBody;
		int ret = values(first, valueType, valueSize, count, at, "Choice");
		if (ret < 0)
			return ret;
		if (choiceType == SPA_CHOICE_Step)
			return step(first + 3 * valueSize, valueType, at);
		return 0;
	}

	/* spa_pod_filter() takes a value modulo the step of a Step choice. */
	int step(uint64_t off, uint32_t valueType, uint64_t at)
	{
		bool positive = true;
		if (valueType == SPA_TYPE_Int) {
			positive = int32_t(read32(off)) > 0;
		} else if (valueType == SPA_TYPE_Long) {
			uint64_t v = read32(off) | uint64_t(read32(off + 4)) << 32;
			positive = int64_t(v) > 0;
		} else if (valueType == SPA_TYPE_Rectangle) {
			positive = read32(off) != 0 && read32(off + 4) != 0;
		}
		if (!positive)
			return fail(at, std::string("Step choice of ") + typeName(valueType) +
				    " with a step that is not positive");
		return 0;
	}

	uint32_t read32(uint64_t off) const
	{
		uint32_t v;
		memcpy(&v, base_ + off, sizeof(v));
		return v;
	}

	static std::string left(uint64_t off, uint64_t end)
	{
		return "only " + std::to_string(end > off ? end - off : 0) + " left";
	}

	int fail(uint64_t off, const std::string &reason)
	{
		if (why_)
			*why_ = "offset " + std::to_string(off) + ": " + reason;
		return -EINVAL;
	}

	const uint8_t *base_;
	std::string *why_;
};

} /* namespace */

int validatePod(const void *data, size_t size, std::string *why)
{
	if (data == nullptr) {
		if (why)
			*why = "no POD";
		return -EINVAL;
	}
	Walker walker(static_cast<const uint8_t *>(data), why);
	return walker.pod(0, size, 1);
}

int validatePod(const struct spa_pod *pod, size_t size, std::string *why)
{
	return validatePod(static_cast<const void *>(pod), size, why);
}

int validateParam(const struct spa_pod *pod, std::string *why)
{
	if (pod == nullptr)
		return 0;
	return validatePod(pod, size_t(SPA_POD_SIZE(pod)), why);
}

} /* namespace v4l2dmabuf */
