/* SPDX-License-Identifier: MIT */
#pragma once

/* fd bookkeeping shared by the integration tests: leak checks, exporters. */

#include <dirent.h>

#include <fstream>
#include <string>

namespace fdcheck {

/** Open fds of this process (entries of /proc/self/fd), -1 if unreadable. */
inline int countOpenFds()
{
	int n = 0;
	DIR *dir = opendir("/proc/self/fd");
	if (!dir)
		return -1;
	while (struct dirent *e = readdir(dir))
		if (e->d_name[0] != '.')
			n++;
	closedir(dir);
	return n - 1; /* the DIR's own fd */
}

/** The `exp_name:` of DMA-BUF @p fd in /proc/self/fdinfo, or "". */
inline std::string dmabufExporter(int fd)
{
	std::ifstream in("/proc/self/fdinfo/" + std::to_string(fd));
	std::string line;
	while (std::getline(in, line)) {
		if (line.rfind("exp_name:", 0) == 0) {
			size_t p = line.find_first_not_of(" \t", 9);
			return p == std::string::npos ? "" : line.substr(p);
		}
	}
	return "";
}

} /* namespace fdcheck */
