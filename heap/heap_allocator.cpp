/* SPDX-License-Identifier: MIT */
#include "heap_allocator.h"
#include "char_device.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/dma-heap.h>

#include <cerrno>
#include <cstdint>

namespace v4l2dmabuf {

namespace {

constexpr char kHeapDir[] = "/dev/dma_heap/";

} /* namespace */

bool DmaHeapAllocator::isHeapPath(const std::string &path)
{
	return path.compare(0, sizeof(kHeapDir) - 1, kHeapDir) == 0;
}

void DmaHeapAllocator::log(LogLevel level, const std::string &message) const
{
	if (sink_)
		sink_(level, path_ + ": " + message);
}

int DmaHeapAllocator::open(const std::string &path)
{
	close();
	path_ = path;
	/* O_RDONLY | O_NONBLOCK: what DMA_HEAP_IOCTL_ALLOC needs (base/char_device.h). */
	static const CharDeviceRule kRule{kHeapDir, true, -1, O_RDONLY | O_NONBLOCK};
	UniqueFd fd;
	CharDeviceRefusal why;
	int res = openCharDevice(path, kRule, &fd, &why);
	switch (why) {
	case CharDeviceRefusal::None:
		break;
	case CharDeviceRefusal::Path:
		log(LogLevel::Error, std::string("not a heap directly under ") + kHeapDir + ": " +
					     errnoString(-ENODEV));
		return -ENODEV;
	case CharDeviceRefusal::Open:
		log(LogLevel::Error, "cannot open the DMA heap: " + errnoString(res));
		return res;
	case CharDeviceRefusal::Replaced:
		log(LogLevel::Error, "not the character device it was: " + errnoString(-ENODEV));
		return -ENODEV;
	default:
		log(LogLevel::Error, "not a character device: " + errnoString(-ENODEV));
		return -ENODEV;
	}
	fd_ = std::move(fd);
	return 0;
}

int DmaHeapAllocator::allocatePlane(uint32_t sizeimage, UniqueFd *out, uint32_t *size) const
{
	if (!fd_.isValid())
		return -EBADF;
	if (sizeimage == 0 || out == nullptr || size == nullptr)
		return -EINVAL;
	long page = sysconf(_SC_PAGESIZE);
	uint64_t pageSize = page > 0 ? uint64_t(page) : 4096;
	uint64_t len = (uint64_t(sizeimage) + pageSize - 1) / pageSize * pageSize;
	if (len > UINT32_MAX) {
		log(LogLevel::Error, "a plane of " + std::to_string(sizeimage) + " bytes: " +
					     errnoString(-EOVERFLOW));
		return -EOVERFLOW;
	}
	struct dma_heap_allocation_data data = {};
	data.len = len;
	data.fd_flags = O_RDWR | O_CLOEXEC;
	int ret;
	do {
		ret = ioctl(fd_.get(), DMA_HEAP_IOCTL_ALLOC, &data);
	} while (ret < 0 && errno == EINTR);
	if (ret < 0) {
		ret = -errno;
		log(LogLevel::Error, "DMA_HEAP_IOCTL_ALLOC of " + std::to_string(len) + " bytes: " +
					     errnoString(ret));
		return ret;
	}
	*out = UniqueFd(int(data.fd));
	*size = uint32_t(len);
	return 0;
}

} /* namespace v4l2dmabuf */
