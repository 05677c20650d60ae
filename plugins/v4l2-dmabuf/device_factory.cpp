/* SPDX-License-Identifier: MIT */
#include <spa/utils/keys.h>

#include "object_handle.h"
#include "factories.h"
#include "v4l2_device_object.h"

namespace v4l2dmabuf {

namespace {

using Handle = ObjectHandle<V4l2DeviceObject, kDeviceInterface, &V4l2DeviceObject::device>;

const struct spa_dict_item kInfoItems[] = {
	{SPA_KEY_FACTORY_AUTHOR, "pipewire-v4l2-dmabuf maintainers"},
	{SPA_KEY_FACTORY_DESCRIPTION,
	 "V4L2 capture device: one v4l2-dmabuf.source node (single- and multi-planar)"},
	{SPA_KEY_FACTORY_USAGE, SPA_KEY_API_V4L2_PATH "=<device node>"},
};
const struct spa_dict kInfo = SPA_DICT_INIT_ARRAY(kInfoItems);

} /* namespace */

const struct spa_handle_factory deviceFactory = {
	SPA_VERSION_HANDLE_FACTORY,
	V4L2_DMABUF_FACTORY_DEVICE,
	&kInfo,
	Handle::getSize,
	Handle::init,
	Handle::enumInterfaceInfo,
};

} /* namespace v4l2dmabuf */
