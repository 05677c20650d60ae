/* SPDX-License-Identifier: MIT */
#include "dmabuf.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>

namespace v4l2dmabuf {

int dmabufInfo(int fd, DmabufInfo *info)
{
	if (fd < 0 || fcntl(fd, F_GETFD) < 0)
		return -EBADF;

	/* Only dma-bufs have an exp_name line in their fdinfo. */
	std::ifstream in("/proc/self/fdinfo/" + std::to_string(fd));
	std::string line, exporter;
	bool found = false;
	while (std::getline(in, line)) {
		if (line.rfind("exp_name:", 0) == 0) {
			size_t p = line.find_first_not_of(" \t", 9);
			exporter = p == std::string::npos ? "" : line.substr(p);
			found = true;
			break;
		}
	}
	if (!found)
		return -EINVAL;

	off_t size = lseek(fd, 0, SEEK_END);
	if (size < 0)
		return -errno;
	lseek(fd, 0, SEEK_SET);
	info->size = uint64_t(size);
	info->exporter = exporter;
	return 0;
}

} /* namespace v4l2dmabuf */
