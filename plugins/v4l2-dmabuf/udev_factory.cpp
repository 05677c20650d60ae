/* SPDX-License-Identifier: MIT */
#include <spa/utils/keys.h>

#include "object_handle.h"
#include "factories.h"
#include "udev_monitor.h"

namespace v4l2dmabuf {

namespace {

using Handle = ObjectHandle<UdevMonitor, kDeviceInterface, &UdevMonitor::device>;

const struct spa_dict_item kInfoItems[] = {
	{SPA_KEY_FACTORY_AUTHOR, "pipewire-v4l2-dmabuf maintainers"},
	{SPA_KEY_FACTORY_DESCRIPTION,
	 "Finds V4L2 capture nodes with udev and offers them as v4l2-dmabuf.device objects"},
	{SPA_KEY_FACTORY_USAGE, "[" V4L2_DMABUF_KEY_UDEV_EVENTS "=udev|kernel]"},
};
const struct spa_dict kInfo = SPA_DICT_INIT_ARRAY(kInfoItems);

} /* namespace */

const struct spa_handle_factory udevFactory = {
	SPA_VERSION_HANDLE_FACTORY,
	V4L2_DMABUF_FACTORY_UDEV,
	&kInfo,
	Handle::getSize,
	Handle::init,
	Handle::enumInterfaceInfo,
};

} /* namespace v4l2dmabuf */
