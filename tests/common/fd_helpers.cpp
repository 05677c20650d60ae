/* SPDX-License-Identifier: MIT */
#include "fd_helpers.h"

#include <dirent.h>
#include <unistd.h>

#include <cstdlib>

#include "dmabuf.h"

namespace fdcheck {

namespace {

/* Calls @p fn with every fd listed in /proc/self/fd but the listing's own; false if unreadable. */
template<typename Fn>
bool forEachFd(Fn fn)
{
	DIR *dir = opendir("/proc/self/fd");
	if (!dir)
		return false;
	const int own = dirfd(dir);
	while (struct dirent *e = readdir(dir)) {
		if (e->d_name[0] == '.')
			continue;
		int fd = atoi(e->d_name);
		if (fd != own)
			fn(fd);
	}
	closedir(dir);
	return true;
}

} /* namespace */

int countOpenFds()
{
	int n = 0;
	return forEachFd([&](int) { n++; }) ? n : -1;
}

int countOpenFdsButEventfds()
{
	int n = 0;
	const bool ok = forEachFd([&](int fd) {
		char target[64];
		const std::string link = "/proc/self/fd/" + std::to_string(fd);
		ssize_t len = readlink(link.c_str(), target, sizeof(target) - 1);
		if (len < 0 || std::string(target, size_t(len)) != "anon_inode:[eventfd]")
			n++;
	});
	return ok ? n : -1;
}

std::map<int, std::string> openFds()
{
	std::map<int, std::string> out;
	forEachFd([&](int fd) {
		char target[256];
		const std::string link = "/proc/self/fd/" + std::to_string(fd);
		ssize_t n = readlink(link.c_str(), target, sizeof(target) - 1);
		out[fd] = n < 0 ? std::string("?") : std::string(target, size_t(n));
	});
	return out;
}

std::string dmabufExporter(int fd)
{
	v4l2dmabuf::DmabufInfo info;
	return v4l2dmabuf::dmabufInfo(fd, &info) == 0 ? info.exporter : std::string();
}

std::string fdChanges(const std::map<int, std::string> &before, const std::map<int, std::string> &now)
{
	std::string out;
	for (const auto &[fd, target] : now)
		if (!before.count(fd) || before.at(fd) != target)
			out += " +" + std::to_string(fd) + "=" + target;
	for (const auto &[fd, target] : before)
		if (!now.count(fd) || now.at(fd) != target)
			out += " -" + std::to_string(fd) + "=" + target;
	return out.empty() ? " none" : out;
}

} /* namespace fdcheck */
