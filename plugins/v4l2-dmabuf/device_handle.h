/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * The spa_handle plumbing shared by the two spa_device factories
 * (api.v4l2-dmabuf.device, api.v4l2-dmabuf.enum.udev): the object lives in
 * the memory the host allocates with get_size(), constructed in init() and
 * destroyed in clear() (spa/support/plugin.h, PipeWire 0.3.65).
 */
#include <cerrno>
#include <new>

#include <spa/monitor/device.h>
#include <spa/support/plugin.h>
#include <spa/utils/string.h>

namespace v4l2dmabuf {

/** @p Object has init(info, support, nSupport) and device(). */
template<typename Object>
struct DeviceHandle {
	struct spa_handle handle; /* first: the host's pointer is this struct's */
	Object object;

	static int getInterface(struct spa_handle *handle, const char *type, void **iface)
	{
		spa_return_val_if_fail(handle != nullptr && iface != nullptr, -EINVAL);
		if (!spa_streq(type, SPA_TYPE_INTERFACE_Device))
			return -ENOENT;
		*iface = reinterpret_cast<DeviceHandle *>(handle)->object.device();
		return 0;
	}

	static int clear(struct spa_handle *handle)
	{
		spa_return_val_if_fail(handle != nullptr, -EINVAL);
		reinterpret_cast<DeviceHandle *>(handle)->~DeviceHandle();
		return 0;
	}

	static size_t getSize(const struct spa_handle_factory *, const struct spa_dict *)
	{
		return sizeof(DeviceHandle);
	}

	static int init(const struct spa_handle_factory *, struct spa_handle *handle,
			const struct spa_dict *info, const struct spa_support *support, uint32_t nSupport)
	{
		spa_return_val_if_fail(handle != nullptr, -EINVAL);
		DeviceHandle *h = new (handle) DeviceHandle();
		h->handle.version = SPA_VERSION_HANDLE;
		h->handle.get_interface = getInterface;
		h->handle.clear = clear;
		int ret = h->object.init(info, support, nSupport);
		if (ret < 0)
			h->~DeviceHandle(); /* the host frees the memory without calling clear() */
		return ret;
	}

	static int enumInterfaceInfo(const struct spa_handle_factory *,
				     const struct spa_interface_info **info, uint32_t *index)
	{
		static const struct spa_interface_info kInterfaces[] = {
			{SPA_TYPE_INTERFACE_Device},
		};
		spa_return_val_if_fail(info != nullptr && index != nullptr, -EINVAL);
		if (*index >= SPA_N_ELEMENTS(kInterfaces))
			return 0;
		*info = &kInterfaces[(*index)++];
		return 1;
	}
};

} /* namespace v4l2dmabuf */
