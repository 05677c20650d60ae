/* SPDX-License-Identifier: MIT */
#include "log.h"

#include <cstdio>

namespace v4l2dmabuf {

std::string errnoString(int negErrno)
{
	return std::string(strerror(-negErrno)) + " (" + std::to_string(-negErrno) + ")";
}

std::string hex32(uint32_t value)
{
	char s[16];
	snprintf(s, sizeof(s), "0x%08x", value);
	return s;
}

} /* namespace v4l2dmabuf */
