/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <string>

namespace v4l2dmabuf {

/**
 * "DmaBuf", "MemFd", "MemPtr", "MemId" for enum spa_data_type @p type
 * (spa/buffer/buffer.h), "Unknown(<n>)" for anything else: for logs, the
 * capture tool's reports and the benchmark.
 */
std::string dataTypeName(uint32_t type);

} /* namespace v4l2dmabuf */
