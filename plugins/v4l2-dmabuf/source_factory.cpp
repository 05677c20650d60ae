/* SPDX-License-Identifier: MIT */
#include <spa/utils/keys.h>

#include "factories.h"
#include "object_handle.h"
#include "source_node.h"

namespace v4l2dmabuf {

namespace {

using Handle = ObjectHandle<SourceNode, kNodeInterface, &SourceNode::node>;

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
	V4L2_DMABUF_FACTORY_SOURCE,
	&kInfo,
	Handle::getSize,
	Handle::init,
	Handle::enumInterfaceInfo,
};

} /* namespace v4l2dmabuf */
