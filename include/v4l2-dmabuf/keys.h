/* SPDX-License-Identifier: MIT */
#pragma once

/**
 * The public names of the plugin, in one place: what users write in
 * PipeWire and WirePlumber configs, what clients put in PODs. Used by the
 * plugin, its tools and its tests; installed for clients. C and C++.
 *
 * Changing a string here changes a contract with users' configs.
 */

#include <spa/param/format.h>
#include <spa/param/props.h>

/** The library, relative to the SPA plugin directory (`library.name`). */
#define V4L2_DMABUF_LIBRARY_NAME "v4l2-dmabuf/libspa-v4l2-dmabuf"

/* --- Factories (spa_handle_factory.name) --- */

/** The source node: one V4L2 capture node as a Video/Source (in PipeWire). */
#define V4L2_DMABUF_FACTORY_SOURCE "v4l2-dmabuf.source"
/** One device object, which offers one source node (in WirePlumber). */
#define V4L2_DMABUF_FACTORY_DEVICE "v4l2-dmabuf.device"
/** The udev monitor: one device object per capture node (in WirePlumber). */
#define V4L2_DMABUF_FACTORY_UDEV "v4l2-dmabuf.enum.udev"

/* --- Properties (spa_dict keys) --- */

/**
 * Node: the I/O method, `auto`, `dmabuf`, `mmap`, `dmabuf-import`,
 * `userptr`, or `convert` (at creation only). See spa/source/io_plan.h.
 */
#define V4L2_DMABUF_KEY_IO_MODE "v4l2-dmabuf.io-mode"
/** Node: DRM device or dma-heap to allocate imported planes from ("" for none). */
#define V4L2_DMABUF_KEY_ALLOCATOR "v4l2-dmabuf.allocator"
/** Device: `true` also offers a libv4l2 converting node. */
#define V4L2_DMABUF_KEY_CONVERT "v4l2-dmabuf.convert"
/** Node info: `libv4l2` on a converting node, so nobody takes it for a zero-copy one. */
#define V4L2_DMABUF_KEY_CONVERSION "v4l2-dmabuf.conversion"
/** Node info: `true` on a multi-planar (_MPLANE) queue. */
#define V4L2_DMABUF_KEY_MULTIPLANAR "v4l2-dmabuf.multiplanar"
/** Monitor: `udev` or `kernel`, whose hotplug events to follow (default: udev's when udevd runs). */
#define V4L2_DMABUF_KEY_UDEV_EVENTS "v4l2-dmabuf.udev.events"

/** Ends the description of a node in io-mode convert. */
#define V4L2_DMABUF_CONVERT_DESCRIPTION_SUFFIX " (libv4l2 conversion)"

/* --- Keys inside PODs --- */

/**
 * Format key: memory planes (Int, 1..3) of a video format.
 *
 * SPA_FORMAT_VIDEO_format alone cannot tell NV12 (one memory plane, V4L2's
 * NV12) from NV12M (a memory plane per colour plane, V4L2's NV12M): both are
 * SPA_VIDEO_FORMAT_NV12. EnumFormat objects carry the number of memory
 * planes under this key, and a client that wants one layout puts it in its
 * own EnumFormat/Format. A client that leaves it out gets the first layout
 * the node enumerates, the contiguous one when there is one. The key sits
 * far above the keys PipeWire defines in the video range.
 */
#define V4L2_DMABUF_FORMAT_VIDEO_memoryPlanes (SPA_FORMAT_START_Video + 0x1000)

/**
 * Props keys (SPA_TYPE_OBJECT_Props, String values). Their PropInfo
 * carries the node property names, so PipeWire's pw_spa_node_load applies
 * them from the node's properties, and `pw-cli set-param <node> Props
 * '{ ... }'` changes them while no buffers are allocated.
 */
#define V4L2_DMABUF_PROP_ioMode (SPA_PROP_START_CUSTOM + 0x100)
#define V4L2_DMABUF_PROP_allocator (SPA_PROP_START_CUSTOM + 0x101)

/**
 * V4L2 controls without a standard SPA id are Props at this base plus the
 * V4L2 control id (standard ones use SPA_PROP_brightness, ...).
 */
#define V4L2_DMABUF_PROP_CONTROL_BASE (SPA_PROP_START_CUSTOM + 0x1000)
