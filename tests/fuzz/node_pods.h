/* SPDX-License-Identifier: MIT */
/*
 * The PODs this plugin builds and receives, made without a device: the
 * node's EnumFormats and Formats (format_pod.h), Buffers (buffer_params.h),
 * the PropInfo and Props of synthetic controls of every type (controls.h),
 * the node's own Props, and what PipeWire clients send (a consumer's
 * EnumFormat filter, a fixed Format, a Props with a control). Shared by the
 * unit tests, the fuzzers (their reference objects) and the seed corpus
 * generator.
 */
#pragma once

#include <cstdint>
#include <string>
#include <initializer_list>
#include <vector>

#include "v4l2_controls.h"

namespace v4l2dmabuf::fuzz {

using Pod = std::vector<uint8_t>;

/** A POD written word by word (native endianness, as PODs are): crafted inputs. */
Pod words(std::initializer_list<uint32_t> w);

/** One POD and a name for it (the corpus file name). */
struct NamedPod {
	std::string name;
	Pod bytes;
};

/** The node's EnumFormats: YUYV, NV12, NV12M at discrete, stepwise and continuous sizes. */
std::vector<NamedPod> nodeEnumFormats();
/** The node's fixed Formats (buildFormat) for the same formats. */
std::vector<NamedPod> nodeFormats();
/** The node's Buffers params (buildBuffersParam), one and two planes. */
std::vector<NamedPod> nodeBuffersParams();

/** One synthetic control of each type V4l2Controls::enumerate() keeps. */
std::vector<V4l2Control> syntheticControls();
/** PropInfo of each synthetic control (buildControlPropInfo). */
std::vector<NamedPod> controlPropInfos();
/** A Props object as the node emits it: device, ioMode, allocator, every control. */
std::vector<NamedPod> nodeProps();

/** What clients send: EnumFormat filters, Formats, Props (built with spa_pod_builder). */
std::vector<NamedPod> clientFilters();
std::vector<NamedPod> clientFormats();
std::vector<NamedPod> clientProps();

/** PODs of every other type, nested (Struct, Array, Bytes, Pointer, Fd, Sequence...). */
std::vector<NamedPod> otherPods();

} /* namespace v4l2dmabuf::fuzz */
