/* SPDX-License-Identifier: MIT */
/*
 * The entry point PipeWire and WirePlumber dlopen(): spa_handle_factory_enum
 * over this plugin's factories (spa/support/plugin.h, PipeWire 0.3.65).
 */
#include <cerrno>

#include <spa/support/plugin.h>
#include <spa/utils/defs.h>

#include "factories.h"

extern "C" SPA_EXPORT int spa_handle_factory_enum(const struct spa_handle_factory **factory,
						  uint32_t *index)
{
	spa_return_val_if_fail(factory != nullptr, -EINVAL);
	spa_return_val_if_fail(index != nullptr, -EINVAL);

	switch (*index) {
	case 0:
		*factory = &v4l2dmabuf::sourceFactory;
		break;
	case 1:
		*factory = &v4l2dmabuf::deviceFactory;
		break;
	case 2:
		*factory = &v4l2dmabuf::udevFactory;
		break;
	default:
		return 0;
	}
	(*index)++;
	return 1;
}
