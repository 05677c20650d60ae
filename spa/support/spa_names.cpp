/* SPDX-License-Identifier: MIT */
#include "spa_names.h"

#include <spa/buffer/buffer.h>

namespace v4l2dmabuf {

std::string dataTypeName(uint32_t type)
{
	switch (type) {
	case SPA_DATA_MemPtr:
		return "MemPtr";
	case SPA_DATA_MemFd:
		return "MemFd";
	case SPA_DATA_DmaBuf:
		return "DmaBuf";
	case SPA_DATA_MemId:
		return "MemId";
	default:
		return "Unknown(" + std::to_string(type) + ")";
	}
}

} /* namespace v4l2dmabuf */
