/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>

namespace v4l2dmabuf {

/**
 * How the V4L2 queue gets its memory: the node property
 * `api.v4l2-dmabuf.io-mode`, named as GStreamer's v4l2src io-mode is.
 *
 * | mode          | V4L2 memory | who allocates         | consumers get        | port CAN_ALLOC |
 * |---------------|-------------|-----------------------|----------------------|----------------|
 * | dmabuf        | MMAP+EXPBUF | the driver            | DmaBuf (MemFd)       | yes            |
 * | mmap          | MMAP        | the driver            | MemFd (EXPBUF fd) or MemPtr | yes     |
 * | dmabuf-import | DMABUF      | the DRM allocator     | DmaBuf               | with an allocator |
 * | userptr       | USERPTR     | PipeWire (shared memfd) | MemFd              | no             |
 * | convert       | MMAP via libv4l2, copied | PipeWire (shared memfd) | MemFd/MemPtr | no      |
 *
 * `convert` is the opt-in for cameras whose formats applications cannot
 * use: the node opens the device through libv4l2 and offers only the
 * formats libv4lconvert emulates (RGB24 from Bayer, say), converted in
 * software and copied into the consumer's shared memory: never zero copy.
 * It is chosen when the node is created (it changes the formats); an
 * existing node cannot switch to or from it.
 *
 * `auto` is dmabuf-import when an allocator is set, else dmabuf when the
 * driver's MMAP buffers can be exported, else mmap. Buffers a host gives
 * without SPA_NODE_BUFFERS_FLAG_ALLOC are imported in any mode: DmaBuf datas
 * with DMABUF, MemFd/MemPtr datas with USERPTR.
 */
enum class IoMode { Auto, DmaBuf, Mmap, DmaBufImport, UserPtr, Convert };

/** "auto", "dmabuf", "mmap", "dmabuf-import", "userptr", "convert". */
const char *ioModeName(IoMode mode);

/** Parses a name of ioModeName(); false for anything else. */
bool parseIoMode(const char *name, IoMode *mode);

/** What the node knows when it decides. */
struct IoCapabilities {
	bool haveAllocator = false; /**< api.v4l2-dmabuf.allocator opened */
	bool canExport = false;     /**< MMAP buffers of a videobuf2 driver (EXPBUF) */
	bool canUserPtr = false;    /**< V4L2_BUF_CAP_SUPPORTS_USERPTR */
	bool canDmaBuf = false;     /**< V4L2_BUF_CAP_SUPPORTS_DMABUF */
};

/** The mode @p requested becomes on a device with @p caps (only Auto changes). */
IoMode resolveIoMode(IoMode requested, const IoCapabilities &caps);

/**
 * Whether the port claims SPA_PORT_FLAG_CAN_ALLOC_BUFFERS in (resolved)
 * @p mode: PipeWire lets only an output port that claims it allocate
 * (impl-link.c do_allocation); otherwise it gives the node shared memory.
 */
bool ioModeAllocates(IoMode mode, const IoCapabilities &caps);

/** The 1 << SPA_DATA_* mask the Buffers param offers in (resolved) @p mode. */
uint32_t ioModeDataTypes(IoMode mode, const IoCapabilities &caps);

} /* namespace v4l2dmabuf */
