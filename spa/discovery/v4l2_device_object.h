/* SPDX-License-Identifier: MIT */
#pragma once

#include <spa/monitor/device.h>
#include <spa/support/log.h>
#include <spa/support/plugin.h>
#include <spa/utils/dict.h>
#include <spa/utils/hook.h>

#include <string>

#include "v4l2_properties.h"

namespace v4l2dmabuf {

/**
 * `v4l2-dmabuf.device`: one V4L2 capture node as a spa_device. When a
 * listener is added it opens the node (V4l2Device, which checks it can
 * capture), emits the device info (Video/Device, the discovery properties it
 * was created with, QUERYCAP's api.v4l2.cap.*) and one node object, id 0,
 * for factory `v4l2-dmabuf.source` (Video/Source, media.role Camera,
 * node.name "v4l2_input.<device name>"), then closes the node again: the
 * source node opens it itself. device.id is the host's to add (WirePlumber
 * sets it to the device's global id).
 */
class V4l2DeviceObject
{
public:
	V4l2DeviceObject();
	V4l2DeviceObject(const V4l2DeviceObject &) = delete;
	V4l2DeviceObject &operator=(const V4l2DeviceObject &) = delete;

	/** @return 0; -EINVAL without `api.v4l2.path`. Opens nothing yet. */
	int init(const struct spa_dict *info, const struct spa_support *support, uint32_t nSupport);

	struct spa_device *device() { return &device_; }

private:
	template<typename> friend struct SpaDeviceMethods;

	/** @return 0, or V4l2Device::open()'s error (-ENOENT, -EACCES, -ENODEV, ...). */
	int addListener(struct spa_hook *listener, const struct spa_device_events *events, void *data);
	int sync(int seq);

	struct spa_device device_;
	struct spa_log *log_ = nullptr;
	struct spa_hook_list hooks_;
	std::string path_;
	PropertyList given_;
};

} /* namespace v4l2dmabuf */
