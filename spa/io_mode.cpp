/* SPDX-License-Identifier: MIT */
#include "io_mode.h"

#include <spa/buffer/buffer.h>
#include <spa/utils/string.h>

namespace v4l2dmabuf {

namespace {

struct ModeName {
	IoMode mode;
	const char *name;
};

constexpr ModeName kNames[] = {
	{IoMode::Auto, "auto"},
	{IoMode::DmaBuf, "dmabuf"},
	{IoMode::Mmap, "mmap"},
	{IoMode::DmaBufImport, "dmabuf-import"},
	{IoMode::UserPtr, "userptr"},
	{IoMode::Convert, "convert"},
};

constexpr uint32_t bit(uint32_t type)
{
	return 1u << type;
}

} /* namespace */

const char *ioModeName(IoMode mode)
{
	for (const ModeName &n : kNames)
		if (n.mode == mode)
			return n.name;
	return "unknown";
}

bool parseIoMode(const char *name, IoMode *mode)
{
	for (const ModeName &n : kNames) {
		if (spa_streq(name, n.name)) {
			*mode = n.mode;
			return true;
		}
	}
	return false;
}

IoMode resolveIoMode(IoMode requested, const IoCapabilities &caps)
{
	if (requested != IoMode::Auto)
		return requested;
	if (caps.haveAllocator)
		return IoMode::DmaBufImport;
	return caps.canExport ? IoMode::DmaBuf : IoMode::Mmap;
}

bool ioModeAllocates(IoMode mode, const IoCapabilities &caps)
{
	switch (resolveIoMode(mode, caps)) {
	case IoMode::DmaBufImport:
		return caps.haveAllocator;
	case IoMode::UserPtr:
	case IoMode::Convert:
		return false;
	default:
		return true;
	}
}

uint32_t ioModeDataTypes(IoMode mode, const IoCapabilities &caps)
{
	switch (resolveIoMode(mode, caps)) {
	case IoMode::DmaBuf:
		return bit(SPA_DATA_DmaBuf) | bit(SPA_DATA_MemFd) | bit(SPA_DATA_MemPtr);
	case IoMode::Mmap:
		return (caps.canExport ? bit(SPA_DATA_MemFd) : 0) | bit(SPA_DATA_MemPtr);
	case IoMode::DmaBufImport:
		return bit(SPA_DATA_DmaBuf);
	case IoMode::UserPtr:
	case IoMode::Convert:
		return bit(SPA_DATA_MemFd) | bit(SPA_DATA_MemPtr);
	case IoMode::Auto:
	default:
		return 0;
	}
}

} /* namespace v4l2dmabuf */
