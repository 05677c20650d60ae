/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>

#include "v4l2_buffer_queue.h"

namespace v4l2dmabuf {

/**
 * How the V4L2 queue gets its memory: the node property
 * `v4l2-dmabuf.io-mode`, named as GStreamer's v4l2src io-mode is.
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

/** What the node knows of the device and its settings when it decides. */
struct IoCapabilities {
	bool haveAllocator = false; /**< v4l2-dmabuf.allocator opened */
	bool canMmap = false;       /**< V4L2_BUF_CAP_SUPPORTS_MMAP (or a driver before the bits) */
	bool canExport = false;     /**< MMAP buffers of a videobuf2 driver, reached directly (EXPBUF) */
	bool canUserPtr = false;    /**< V4L2_BUF_CAP_SUPPORTS_USERPTR */
	bool canDmaBuf = false;     /**< V4L2_BUF_CAP_SUPPORTS_DMABUF */

	/**
	 * From the queue's probed counts (V4l2BufferCounts::supports): @p counts
	 * with no capability bit means "not probed yet" or a pre-4.20 driver,
	 * which is taken as MMAP only. Through libv4l2 (@p libv4l2) nothing is
	 * exported: its frames are not the driver's.
	 */
	static IoCapabilities fromQueue(const V4l2BufferCounts &counts, bool haveAllocator,
					bool libv4l2);
};

/**
 * The I/O method, resolved once: when the format is set (with the queue's
 * probed capabilities) and when Props change the mode or the allocator.
 * Everything else reads it: the port flags, the Buffers param, use_buffers.
 */
struct IoPlan {
	IoMode mode = IoMode::Mmap; /**< the resolved mode, never Auto */
	/** false: the driver cannot do @ref mode (set_param(Format) fails with -ENOTSUP). */
	bool supported = true;
	/**
	 * The port claims SPA_PORT_FLAG_CAN_ALLOC_BUFFERS: PipeWire lets only an
	 * output port that claims it allocate (impl-link.c do_allocation);
	 * otherwise it gives the node its shared memory.
	 */
	bool canAllocate = false;
	/** The 1 << SPA_DATA_* mask of the Buffers param's dataType. */
	uint32_t dataTypes = 0;
	/**
	 * How buffers the node fills itself (SPA_NODE_BUFFERS_FLAG_ALLOC) reach
	 * the driver: Mmap (dmabuf, mmap, convert) or DmaBuf (planes from the
	 * allocator). Buffers a host gives are imported whatever the mode.
	 */
	V4l2Memory memory = V4l2Memory::Mmap;
	/** Planes come from v4l2-dmabuf.allocator (dmabuf-import with an allocator). */
	bool useAllocator = false;
	/** io-mode convert: libv4l2's converted frames are copied to the consumer. */
	bool convert = false;
	/** Buffers a host gives (no ALLOC) can be imported: DmaBuf datas / MemFd|MemPtr datas. */
	bool importDmaBuf = false;
	bool importUserPtr = false;
};

/**
 * Resolves @p requested on a device with @p caps: Auto becomes
 * dmabuf-import with an allocator, else dmabuf where EXPBUF works, else mmap.
 */
IoPlan planIo(IoMode requested, const IoCapabilities &caps);

} /* namespace v4l2dmabuf */
