/* SPDX-License-Identifier: MIT */
#pragma once

#include <spa/pod/pod.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace v4l2dmabuf {

/** How deep containers (Struct, Object, Sequence, Array, Choice) may nest; the top POD is 1. */
inline constexpr uint32_t kPodMaxDepth = 16;

/**
 * Checks that one POD from outside the plugin (a Props, a filter, a
 * Format) can be read by libspa's header-only parsers, iterators and
 * spa_pod_filter() without reading outside it. The walk reads raw offsets
 * with its own bounds checks and never uses libspa's iterator macros,
 * which trust the sizes they find (PipeWire 0.3.65 and 1.4).
 *
 * Layout (spa/pod/pod.h): an 8-byte header { uint32 size, uint32 type },
 * then `size` bytes of body; children of a Struct, the properties of an
 * Object and the controls of a Sequence start at 8-byte aligned offsets
 * from their container's body (each padded to 8). Rules, in bytes:
 * - every child lies inside its parent's body; no bytes are left over
 *   after a container's last child other than that child's padding;
 * - None has an empty body; Bool, Id, Int, Float 4; Long, Double, Fd,
 *   Rectangle, Fraction 8; Pointer sizeof(spa_pod_pointer_body) (16);
 *   Bytes, Bitmap any size;
 * - a String has at least one byte and its last byte is NUL;
 * - Object: 8-byte body { type, id }, then properties of 16-byte header
 *   { key, flags, value header } and the value's body;
 * - Sequence: 8-byte body { unit, pad }, then controls of 16-byte header
 *   { offset, type, value header } and the value's body;
 * - Array: an 8-byte child header { element size, element type }, then
 *   whole elements of a scalar type (Bool ... Fd, not a container), of
 *   that type's size (any non-zero size for String, Bytes, Bitmap;
 *   every String element NUL-terminated); element size 0 only when empty;
 * - Choice: { choice type, flags, child header }, then whole values as an
 *   Array's elements; the choice type is None, Range, Step, Enum or Flags
 *   and has at least 1, 3 (Range), 4 (Step) values, the child's size is
 *   non-zero and no larger than the values; the step of a Step of Int,
 *   Long or Rectangle is positive (spa_pod_filter divides by it);
 * - types are SPA_TYPE_None ... SPA_TYPE_Choice; containers nest at most
 *   kPodMaxDepth deep.
 *
 * @param data   the POD's header; need not be aligned (read with memcpy)
 * @param size   bytes readable at @p data (the container: a message, a
 *               buffer); the POD may be shorter, trailing bytes are ignored
 * @param why    set to the reason when the POD is refused, naming the byte
 *               offset from @p data (may be null)
 * @return 0 when the POD is valid; -EINVAL otherwise (also for a null
 * @p data). Never reads outside [data, data + size).
 */
int validatePod(const void *data, size_t size, std::string *why = nullptr);

/** validatePod() of @p pod inside a container of @p size bytes starting at @p pod. */
int validatePod(const struct spa_pod *pod, size_t size, std::string *why = nullptr);

/**
 * validatePod() of a param handed to an SPA method (set_param, enum_params'
 * filter, port_set_param), which comes with no container size: its own
 * SPA_POD_SIZE() is taken as the container, i.e. the caller guarantees that
 * the 8-byte header and the size it states are readable (PipeWire's
 * protocol checks that a received POD lies inside its message; an
 * in-process host owns the memory). A null @p pod is valid (no filter; a
 * param cleared). @return 0 or -EINVAL, as validatePod().
 */
int validateParam(const struct spa_pod *pod, std::string *why = nullptr);

} /* namespace v4l2dmabuf */
