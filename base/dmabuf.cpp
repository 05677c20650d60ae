/* SPDX-License-Identifier: MIT */
#include "dmabuf.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>

namespace v4l2dmabuf {

namespace {

/* Only dma-bufs have an exp_name line in their fdinfo. */
bool readExporter(int fd, std::string *exporter)
{
	static const std::string key = "exp_name:";
	std::ifstream in("/proc/self/fdinfo/" + std::to_string(fd));
	std::string line;
	while (std::getline(in, line)) {
		if (line.compare(0, key.size(), key) != 0)
			continue;
		size_t start = line.find_first_not_of(" \t", key.size());
		*exporter = start == std::string::npos ? std::string() : line.substr(start);
		return true;
	}
	return false;
}

} /* namespace */

int dmabufInfo(int fd, DmabufInfo *info)
{
	if (fd < 0 || fcntl(fd, F_GETFD) < 0)
		return -EBADF;
	std::string exporter;
	if (!readExporter(fd, &exporter))
		return -EINVAL;

	off_t size = lseek(fd, 0, SEEK_END);
	if (size < 0)
		return -errno;
	lseek(fd, 0, SEEK_SET);
	info->size = uint64_t(size);
	info->exporter = exporter;
	return 0;
}

std::string dmabufExporter(int fd)
{
	std::string exporter;
	if (fd < 0 || !readExporter(fd, &exporter))
		return {};
	return exporter;
}

} /* namespace v4l2dmabuf */
