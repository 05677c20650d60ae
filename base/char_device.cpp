/* SPDX-License-Identifier: MIT */
#include "char_device.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cerrno>
#include <cstring>

namespace v4l2dmabuf {

namespace {

bool pathAllowed(const std::string &path, const CharDeviceRule &rule)
{
	const size_t n = strlen(rule.directory);
	if (path.compare(0, n, rule.directory) != 0 || path.size() == n)
		return false;
	const std::string rest = path.substr(n);
	if (rest == "." || rest == ".." || rest.compare(0, 3, "../") == 0 ||
	    path.find("/../") != std::string::npos ||
	    (path.size() >= 3 && path.compare(path.size() - 3, 3, "/..") == 0))
		return false;
	return !rule.directChild || rest.find('/') == std::string::npos;
}

int refuse(CharDeviceRefusal reason, int err, CharDeviceRefusal *why)
{
	if (why)
		*why = reason;
	return err;
}

} /* namespace */

int openCharDevice(const std::string &path, const CharDeviceRule &rule, UniqueFd *fd,
		   CharDeviceRefusal *why)
{
	if (!pathAllowed(path, rule))
		return refuse(CharDeviceRefusal::Path, -ENODEV, why);

	struct stat before;
	if (::stat(path.c_str(), &before) < 0)
		return refuse(CharDeviceRefusal::Open, -errno, why);
	if (!S_ISCHR(before.st_mode))
		return refuse(CharDeviceRefusal::NotChar, -ENODEV, why);
	if (rule.major >= 0 && int(major(before.st_rdev)) != rule.major)
		return refuse(CharDeviceRefusal::Major, -ENODEV, why);

	UniqueFd file(::open(path.c_str(), rule.openFlags | O_CLOEXEC | O_NOCTTY));
	if (!file.isValid())
		return refuse(CharDeviceRefusal::Open, -errno, why);

	struct stat opened;
	if (fstat(file.get(), &opened) < 0 || !S_ISCHR(opened.st_mode) ||
	    opened.st_rdev != before.st_rdev)
		return refuse(CharDeviceRefusal::Replaced, -ENODEV, why);

	*fd = std::move(file);
	return refuse(CharDeviceRefusal::None, 0, why);
}

} /* namespace v4l2dmabuf */
