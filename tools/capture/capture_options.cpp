/* SPDX-License-Identifier: MIT */
#include "capture_options.h"

#include <strings.h>

#include <cstdlib>
#include <sstream>

namespace v4l2dmabuf::capture {

namespace {

/* A positive decimal that fits 32 bits, the whole of @p s. */
bool parseU32(const std::string &s, uint32_t *out)
{
	if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos || s.size() > 10)
		return false;
	unsigned long long v = strtoull(s.c_str(), nullptr, 10);
	if (v == 0 || v > UINT32_MAX)
		return false;
	*out = uint32_t(v);
	return true;
}

} /* namespace */

bool parseSize(const std::string &s, uint32_t *width, uint32_t *height)
{
	size_t x = s.find_first_of("xX");
	return x != std::string::npos && parseU32(s.substr(0, x), width) &&
	       parseU32(s.substr(x + 1), height);
}

bool parseFramerate(const std::string &s, uint32_t *num, uint32_t *denom)
{
	size_t slash = s.find('/');
	if (slash == std::string::npos) {
		*denom = 1;
		return parseU32(s, num);
	}
	return parseU32(s.substr(0, slash), num) && parseU32(s.substr(slash + 1), denom);
}

bool parseDataTypes(const std::string &s, uint32_t *mask)
{
	uint32_t m = 0;
	std::istringstream in(s);
	std::string item;
	while (std::getline(in, item, ',')) {
		if (strcasecmp(item.c_str(), "dmabuf") == 0)
			m |= 1u << SPA_DATA_DmaBuf;
		else if (strcasecmp(item.c_str(), "memfd") == 0)
			m |= 1u << SPA_DATA_MemFd;
		else if (strcasecmp(item.c_str(), "memptr") == 0)
			m |= 1u << SPA_DATA_MemPtr;
		else
			return false;
	}
	if (m == 0)
		return false;
	*mask = m;
	return true;
}

} /* namespace v4l2dmabuf::capture */
