/* SPDX-License-Identifier: MIT */
#include <cerrno>
#include <new>

#include <spa/node/node.h>
#include <spa/utils/keys.h>
#include <spa/utils/string.h>

#include "factories.h"
#include "source_node.h"

namespace v4l2dmabuf {

namespace {

/*
 * Lives in the memory the host allocates with get_size(). The host passes
 * &handle, the first member, so the cast back to SourceHandle is exact.
 */
struct SourceHandle {
	struct spa_handle handle;
	SourceNode node;
};

int getInterface(struct spa_handle *handle, const char *type, void **iface)
{
	spa_return_val_if_fail(handle != nullptr && iface != nullptr, -EINVAL);
	if (!spa_streq(type, SPA_TYPE_INTERFACE_Node))
		return -ENOENT;
	*iface = reinterpret_cast<SourceHandle *>(handle)->node.node();
	return 0;
}

int clear(struct spa_handle *handle)
{
	spa_return_val_if_fail(handle != nullptr, -EINVAL);
	reinterpret_cast<SourceHandle *>(handle)->~SourceHandle();
	return 0;
}

size_t getSize(const struct spa_handle_factory *, const struct spa_dict *)
{
	return sizeof(SourceHandle);
}

int init(const struct spa_handle_factory *, struct spa_handle *handle,
	 const struct spa_dict *info, const struct spa_support *support, uint32_t nSupport)
{
	spa_return_val_if_fail(handle != nullptr, -EINVAL);
	SourceHandle *h = new (handle) SourceHandle();
	h->handle.version = SPA_VERSION_HANDLE;
	h->handle.get_interface = getInterface;
	h->handle.clear = clear;
	int ret = h->node.init(info, support, nSupport);
	if (ret < 0)
		h->~SourceHandle(); /* the host frees the memory without calling clear() */
	return ret;
}

const struct spa_interface_info kInterfaces[] = {
	{SPA_TYPE_INTERFACE_Node},
};

int enumInterfaceInfo(const struct spa_handle_factory *, const struct spa_interface_info **info,
		      uint32_t *index)
{
	spa_return_val_if_fail(info != nullptr && index != nullptr, -EINVAL);
	if (*index >= SPA_N_ELEMENTS(kInterfaces))
		return 0;
	*info = &kInterfaces[(*index)++];
	return 1;
}

const struct spa_dict_item kInfoItems[] = {
	{SPA_KEY_FACTORY_AUTHOR, "pipewire-v4l2-dmabuf maintainers"},
	{SPA_KEY_FACTORY_DESCRIPTION,
	 "V4L2 capture source with zero-copy DMA-BUF planes (single- and multi-planar)"},
	{SPA_KEY_FACTORY_USAGE, SPA_KEY_API_V4L2_PATH "=<device node>"},
};
const struct spa_dict kInfo = SPA_DICT_INIT_ARRAY(kInfoItems);

} /* namespace */

const struct spa_handle_factory sourceFactory = {
	SPA_VERSION_HANDLE_FACTORY,
	kSourceFactoryName,
	&kInfo,
	getSize,
	init,
	enumInterfaceInfo,
};

} /* namespace v4l2dmabuf */
