/* SPDX-License-Identifier: MIT */
#pragma once

#include <cerrno>

#include <spa/monitor/device.h>
#include <spa/utils/defs.h>

namespace v4l2dmabuf {

/**
 * The spa_device method table (spa/monitor/device.h) for a class @p T with
 * `int addListener(spa_hook *, const spa_device_events *, void *)` and
 * `int sync(int seq)`; enum_params and set_param answer -ENOTSUP. @p T
 * befriends `template<typename> friend struct SpaDeviceMethods;`.
 */
template<typename T>
struct SpaDeviceMethods {
	static T *self(void *object) { return static_cast<T *>(object); }
	static int addListener(void *o, struct spa_hook *l, const struct spa_device_events *e, void *d)
	{
		spa_return_val_if_fail(o != nullptr && l != nullptr && e != nullptr, -EINVAL);
		return self(o)->addListener(l, e, d);
	}
	static int sync(void *o, int seq)
	{
		spa_return_val_if_fail(o != nullptr, -EINVAL);
		return self(o)->sync(seq);
	}
	static int enumParams(void *, int, uint32_t, uint32_t, uint32_t, const struct spa_pod *)
	{
		return -ENOTSUP;
	}
	static int setParam(void *, uint32_t, uint32_t, const struct spa_pod *) { return -ENOTSUP; }

	static constexpr struct spa_device_methods table = {
		SPA_VERSION_DEVICE_METHODS, addListener, sync, enumParams, setParam,
	};
};

/** Makes @p device the spa_device interface of @p object. */
template<typename T>
void bindSpaDevice(struct spa_device *device, T *object)
{
	spa_zero(*device);
	device->iface.type = SPA_TYPE_INTERFACE_Device;
	device->iface.version = SPA_VERSION_DEVICE;
	device->iface.cb.funcs = &SpaDeviceMethods<T>::table;
	device->iface.cb.data = object;
}

} /* namespace v4l2dmabuf */
