/* SPDX-License-Identifier: MIT */
#pragma once

#include <spa/support/plugin.h>

#include "v4l2-dmabuf/keys.h"

namespace v4l2dmabuf {

/**
 * `v4l2-dmabuf.source`: makes a SourceNode from the handle info
 * (`api.v4l2.path` = the V4L2 capture node). init() returns the node's
 * negative errno when the device cannot be opened as a capture device.
 */
extern const struct spa_handle_factory sourceFactory;

/**
 * `v4l2-dmabuf.device` (V4L2_DMABUF_FACTORY_DEVICE): a
 * spa_device for one capture node (`api.v4l2.path`) that emits one
 * `v4l2-dmabuf.source` node object. See V4l2DeviceObject.
 */
extern const struct spa_handle_factory deviceFactory;

/**
 * `v4l2-dmabuf.enum.udev` (V4L2_DMABUF_FACTORY_UDEV): a spa_device that emits
 * one `v4l2-dmabuf.device` object per video capture node and follows
 * hotplug and access changes. Needs the host's main loop. See UdevMonitor.
 */
extern const struct spa_handle_factory udevFactory;

} /* namespace v4l2dmabuf */
