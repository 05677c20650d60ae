/* SPDX-License-Identifier: MIT */
#include "io_plan.h"

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

IoCapabilities IoCapabilities::fromQueue(const V4l2BufferCounts &counts, bool haveAllocator,
					 bool libv4l2)
{
	IoCapabilities caps;
	caps.haveAllocator = haveAllocator;
	caps.canMmap = counts.supports(V4l2Memory::Mmap);
	/* EXPBUF is videobuf2's: a driver that reports the capability bits. */
	caps.canExport = !libv4l2 && counts.capabilities != 0 && caps.canMmap;
	caps.canUserPtr = counts.supports(V4l2Memory::UserPtr);
	caps.canDmaBuf = counts.supports(V4l2Memory::DmaBuf);
	return caps;
}

IoPlan planIo(IoMode requested, const IoCapabilities &caps)
{
	IoPlan plan;
	plan.importDmaBuf = caps.canDmaBuf;
	plan.importUserPtr = caps.canUserPtr;
	plan.mode = requested;
	if (requested == IoMode::Auto)
		plan.mode = caps.haveAllocator ? IoMode::DmaBufImport
			    : caps.canExport   ? IoMode::DmaBuf
					       : IoMode::Mmap;

	switch (plan.mode) {
	case IoMode::DmaBuf:
		plan.supported = caps.canMmap;
		plan.canAllocate = true;
		plan.dataTypes = bit(SPA_DATA_DmaBuf) | bit(SPA_DATA_MemFd) | bit(SPA_DATA_MemPtr);
		break;
	case IoMode::Mmap:
		plan.supported = caps.canMmap;
		plan.canAllocate = true;
		/* Its fd is offered as MemFd only when it can be exported. */
		plan.dataTypes = (caps.canExport ? bit(SPA_DATA_MemFd) : 0) | bit(SPA_DATA_MemPtr);
		break;
	case IoMode::DmaBufImport:
		plan.supported = caps.canDmaBuf;
		plan.canAllocate = caps.haveAllocator;
		plan.useAllocator = caps.haveAllocator;
		plan.memory = V4l2Memory::DmaBuf;
		plan.dataTypes = bit(SPA_DATA_DmaBuf);
		break;
	case IoMode::UserPtr:
		plan.supported = caps.canUserPtr;
		plan.memory = V4l2Memory::UserPtr;
		plan.dataTypes = bit(SPA_DATA_MemFd) | bit(SPA_DATA_MemPtr);
		break;
	case IoMode::Convert:
		plan.supported = caps.canMmap;
		plan.convert = true;
		plan.dataTypes = bit(SPA_DATA_MemFd) | bit(SPA_DATA_MemPtr);
		break;
	case IoMode::Auto:
		break;
	}
	return plan;
}

} /* namespace v4l2dmabuf */
