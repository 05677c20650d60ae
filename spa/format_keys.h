/* SPDX-License-Identifier: MIT */
#pragma once

#include <spa/param/format.h>

/**
 * Format keys this plugin adds to SPA's video format objects.
 *
 * SPA_FORMAT_VIDEO_format alone cannot tell NV12 (one memory plane, V4L2's
 * NV12) from NV12M (a memory plane per colour plane, V4L2's NV12M): both are
 * SPA_VIDEO_FORMAT_NV12. EnumFormat objects carry the number of memory
 * planes under this key, and a client that wants one layout puts it in its
 * own EnumFormat/Format (Int, 1..3). A client that leaves it out gets the
 * first layout the node enumerates, the contiguous one when there is one.
 *
 * The key sits far above the keys PipeWire defines in the video range.
 */
#define V4L2_DMABUF_FORMAT_VIDEO_memoryPlanes (SPA_FORMAT_START_Video + 0x1000)

#include <spa/param/props.h>

/**
 * Props this plugin adds (SPA_TYPE_OBJECT_Props, String values). Their
 * PropInfo carries the node property names, so PipeWire's pw_spa_node_load
 * applies them from the node's properties, and `pw-cli set-param <node>
 * Props '{ ... }'` changes them while no buffers are allocated.
 *   ioMode:    `api.v4l2-dmabuf.io-mode`   (auto, dmabuf, mmap, dmabuf-import, userptr)
 *   allocator: `api.v4l2-dmabuf.allocator` (a DRM device node; "" for none)
 * Controls (a later change) start at SPA_PROP_START_CUSTOM + 0x1000.
 */
#define V4L2_DMABUF_PROP_ioMode (SPA_PROP_START_CUSTOM + 0x100)
#define V4L2_DMABUF_PROP_allocator (SPA_PROP_START_CUSTOM + 0x101)
