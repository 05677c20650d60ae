/* SPDX-License-Identifier: MIT */
#include "vivid.h"

#include <sys/wait.h>

#include <cstdlib>

namespace vivid {

int setSolidPattern(const char *device, Pattern pattern)
{
	std::string cmd = std::string("v4l2-ctl -d ") + device + " -c test_pattern=" +
			  std::to_string(int(pattern)) + ",osd_text_mode=2";
	int status = std::system(cmd.c_str());
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

double meanBytes(const uint8_t *data, uint32_t stride, uint32_t lineBytes, uint32_t lines,
		 uint32_t first, uint32_t step)
{
	uint64_t sum = 0, n = 0;
	for (uint32_t y = 0; y < lines; y++) {
		const uint8_t *line = data + size_t(y) * stride;
		for (uint32_t x = first; x < lineBytes; x += step, n++)
			sum += line[x];
	}
	return n ? double(sum) / n : 0.0;
}

} /* namespace vivid */
