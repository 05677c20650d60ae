/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * The spa_handle plumbing shared by the plugin's factories (the source node,
 * the device, the udev monitor): the object lives in the memory the host
 * allocates with get_size(), constructed in init() and destroyed in clear()
 * (spa/support/plugin.h, PipeWire 0.3.65).
 */
#include <cerrno>
#include <new>

#include <spa/monitor/device.h>
#include <spa/node/node.h>
#include <spa/support/plugin.h>
#include <spa/utils/string.h>

#include "property_list.h"
#include "spa_log_sink.h"

namespace v4l2dmabuf {

/* Interface type names, usable as template arguments. */
inline constexpr char kNodeInterface[] = SPA_TYPE_INTERFACE_Node;
inline constexpr char kDeviceInterface[] = SPA_TYPE_INTERFACE_Device;

/**
 * @p Object has `int init(info, support, nSupport)` (0 or a negative errno)
 * and @p Get, a member function returning its interface of type @p Type
 * (e.g. &SourceNode::node with kNodeInterface).
 */
template<typename Object, const char *Type, auto Get>
struct ObjectHandle {
	struct spa_handle handle; /* first: the host's pointer is this struct's */
	Object object;

	static int getInterface(struct spa_handle *handle, const char *type, void **iface)
	{
		spa_return_val_if_fail(handle != nullptr && iface != nullptr, -EINVAL);
		if (!spa_streq(type, Type))
			return -ENOENT;
		*iface = (reinterpret_cast<ObjectHandle *>(handle)->object.*Get)();
		return 0;
	}

	static int clear(struct spa_handle *handle)
	{
		spa_return_val_if_fail(handle != nullptr, -EINVAL);
		reinterpret_cast<ObjectHandle *>(handle)->~ObjectHandle();
		return 0;
	}

	static size_t getSize(const struct spa_handle_factory *, const struct spa_dict *)
	{
		return sizeof(ObjectHandle);
	}

	static int init(const struct spa_handle_factory *, struct spa_handle *handle,
			const struct spa_dict *info, const struct spa_support *support, uint32_t nSupport)
	{
		spa_return_val_if_fail(handle != nullptr, -EINVAL);
		ObjectHandle *h = new (handle) ObjectHandle();
		h->handle.version = SPA_VERSION_HANDLE;
		h->handle.get_interface = getInterface;
		h->handle.clear = clear;
		auto *log = static_cast<struct spa_log *>(
			spa_support_find(support, nSupport, SPA_TYPE_INTERFACE_Log));
		initLogTopic(log);
		for (const auto &[retired, current] : retiredKeys(info))
			spaLogSink(log)(LogLevel::Warn,
					retired + " is ignored: the key is " + current + " since 0.2");
		int ret = h->object.init(info, support, nSupport);
		if (ret < 0)
			h->~ObjectHandle(); /* the host frees the memory without calling clear() */
		return ret;
	}

	static int enumInterfaceInfo(const struct spa_handle_factory *,
				     const struct spa_interface_info **info, uint32_t *index)
	{
		static const struct spa_interface_info kInterfaces[] = {
			{Type},
		};
		spa_return_val_if_fail(info != nullptr && index != nullptr, -EINVAL);
		if (*index >= SPA_N_ELEMENTS(kInterfaces))
			return 0;
		*info = &kInterfaces[(*index)++];
		return 1;
	}
};

} /* namespace v4l2dmabuf */
