/* SPDX-License-Identifier: MIT */
#include "drm_allocator.h"
#include "char_device.h"

#include <fcntl.h>
#include <unistd.h>

#include <drm_mode.h>
#include <xf86drm.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <utility>

namespace v4l2dmabuf {

namespace {

/* The character major of every DRM node (Documentation/admin-guide/devices.txt). */
constexpr int kDrmMajor = 226;

/* DRM_IOCTL_MODE_DESTROY_DUMB, ignoring errors: only for cleanup. */
void destroyDumb(int fd, uint32_t handle)
{
	struct drm_mode_destroy_dumb destroy = {};
	destroy.handle = handle;
	drmIoctl(fd, DRM_IOCTL_MODE_DESTROY_DUMB, &destroy);
}

/* Destroys a dumb buffer handle when it goes out of scope, whatever the path. */
class DumbHandle
{
public:
	DumbHandle(int fd, uint32_t handle) : fd_(fd), handle_(handle) {}
	~DumbHandle() { destroyDumb(fd_, handle_); }
	DumbHandle(const DumbHandle &) = delete;
	DumbHandle &operator=(const DumbHandle &) = delete;
	uint32_t get() const { return handle_; }

private:
	int fd_;
	uint32_t handle_;
};

/*
 * Gives up DRM master if open() made us master (first client of a card
 * node): a display server started later must be able to take the device.
 */
void dropMaster(int fd)
{
	if (drmIsMaster(fd))
		drmDropMaster(fd);
}

} /* namespace */

void DrmAllocator::setLogSink(LogSink sink)
{
	sink_ = std::move(sink);
}

void DrmAllocator::log(LogLevel level, const std::string &message) const
{
	if (!sink_)
		return;
	sink_(level, (path_.empty() ? std::string("(no device)") : path_) + ": " + message);
}

int DrmAllocator::probeDumb(int fd)
{
	/*
	 * KMS drivers answer DRM_CAP_DUMB_BUFFER; drivers without modesetting
	 * (vgem) answer the query itself with EOPNOTSUPP yet may implement
	 * dumb_create, so only a definite "0" is taken as a no.
	 */
	uint64_t cap = 0;
	if (drmGetCap(fd, DRM_CAP_DUMB_BUFFER, &cap) == 0 && cap == 0)
		return -ENOTSUP;

	struct drm_mode_create_dumb create = {};
	create.width = 1;
	create.height = 1;
	create.bpp = 8;
	if (drmIoctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &create) < 0)
		return -errno;
	destroyDumb(fd, create.handle);
	return 0;
}

int DrmAllocator::openNode(const std::string &path, UniqueFd *fd, std::string *driver) const
{
	/* The messages are prefixed with path_: name @p path only when it differs. */
	const std::string node = path == path_ ? std::string("node") : path;
	/* Paths come from clients: only DRM's own nodes (major 226) are opened,
	 * never a file elsewhere (a terminal, a hung mount): base/char_device.h. */
	static const CharDeviceRule kRule{"/dev/dri/", false, kDrmMajor, O_RDWR};
	UniqueFd file;
	CharDeviceRefusal why;
	int res = openCharDevice(path, kRule, &file, &why);
	switch (why) {
	case CharDeviceRefusal::None:
		break;
	case CharDeviceRefusal::Path:
		log(LogLevel::Error, node + " is not under /dev/dri/, not a DRM device: " +
					     errnoString(-ENODEV));
		return -ENODEV;
	case CharDeviceRefusal::Open:
		log(LogLevel::Error, "cannot open " + node + ": " + errnoString(res));
		return res;
	default:
		log(LogLevel::Error, node + " is not a DRM character device: " + errnoString(-ENODEV));
		return -ENODEV;
	}

	drmVersionPtr version = drmGetVersion(file.get());
	if (!version) {
		int ret = errno ? -errno : -EINVAL;
		log(LogLevel::Error, "drmGetVersion on " + node + " failed (" + errnoString(ret) +
					     "), not a DRM device: " + errnoString(-ENODEV));
		return -ENODEV;
	}
	*driver = std::string(version->name, version->name_len);
	drmFreeVersion(version);
	*fd = std::move(file);
	return 0;
}

int DrmAllocator::open(const std::string &path)
{
	close();
	path_ = path;

	UniqueFd fd;
	std::string driver;
	int ret = openNode(path, &fd, &driver);
	if (ret < 0)
		return ret;
	dropMaster(fd.get());

	ret = probeDumb(fd.get());
	if (ret == 0) {
		fd_ = std::move(fd);
		allocPath_ = path;
		driver_ = driver;
		log(LogLevel::Debug, "driver " + driver_ + ", dumb buffers on this node");
		return 0;
	}

	if (drmGetNodeTypeFromFd(fd.get()) != DRM_NODE_RENDER) {
		log(LogLevel::Error, "driver " + driver + " gives no dumb buffers (" + errnoString(ret) +
					     "): " + errnoString(-ENOTSUP));
		return -ENOTSUP;
	}

	/*
	 * Render nodes refuse DRM_IOCTL_MODE_CREATE_DUMB (it is not
	 * DRM_RENDER_ALLOW): allocate from the card node of the same device.
	 */
	char *primary = drmGetPrimaryDeviceNameFromFd(fd.get());
	if (!primary) {
		log(LogLevel::Error, "render node of " + driver + " refuses dumb buffers (" +
					     errnoString(ret) + ") and has no card node: " +
					     errnoString(-ENOTSUP));
		return -ENOTSUP;
	}
	std::string cardPath(primary);
	free(primary);

	UniqueFd card;
	std::string cardDriver;
	ret = openNode(cardPath, &card, &cardDriver);
	if (ret < 0) {
		log(LogLevel::Error, "render node of " + driver + " refuses dumb buffers and its card node " +
					     cardPath + " cannot be used (" + errnoString(ret) + "): " +
					     errnoString(-ENOTSUP));
		return -ENOTSUP;
	}
	dropMaster(card.get());
	if (cardDriver != driver) {
		log(LogLevel::Error, "card node " + cardPath + " has driver " + cardDriver + ", not " +
					     driver + ": " + errnoString(-ENOTSUP));
		return -ENOTSUP;
	}
	ret = probeDumb(card.get());
	if (ret < 0) {
		log(LogLevel::Error, "neither the render node nor the card node " + cardPath + " of " +
					     driver + " gives dumb buffers (" + errnoString(ret) + "): " +
					     errnoString(-ENOTSUP));
		return -ENOTSUP;
	}

	fd_ = std::move(card);
	allocPath_ = cardPath;
	driver_ = driver;
	log(LogLevel::Info, "render node refuses dumb buffers; allocating from card node " + cardPath +
				    " (driver " + driver_ + ")");
	return 0;
}

void DrmAllocator::close()
{
	fd_.reset();
	allocPath_.clear();
	driver_.clear();
}

int DrmAllocator::allocatePlane(uint32_t bytesperline, uint32_t sizeimage, DrmBuffer *out) const
{
	if (!fd_.isValid()) {
		log(LogLevel::Error, "allocatePlane: allocator not open: " + errnoString(-EBADF));
		return -EBADF;
	}
	if (bytesperline == 0 || sizeimage == 0 || !out) {
		log(LogLevel::Error, "allocatePlane: bytesperline " + std::to_string(bytesperline) +
					     ", sizeimage " + std::to_string(sizeimage) + ": " +
					     errnoString(-EINVAL));
		return -EINVAL;
	}

	/* One byte per "pixel": width is the row in bytes, height the rows needed. */
	struct drm_mode_create_dumb create = {};
	create.width = bytesperline;
	create.height = static_cast<uint32_t>((uint64_t(sizeimage) + bytesperline - 1) / bytesperline);
	create.bpp = 8;
	const std::string what = "dumb buffer " + std::to_string(create.width) + "x" +
				 std::to_string(create.height) + " bpp 8 for " +
				 std::to_string(sizeimage) + " bytes";
	if (drmIoctl(fd_.get(), DRM_IOCTL_MODE_CREATE_DUMB, &create) < 0) {
		int ret = -errno;
		log(LogLevel::Error, "DRM_IOCTL_MODE_CREATE_DUMB of " + what + " failed: " +
					     errnoString(ret));
		return ret;
	}
	/* Destroyed on every path: after export the DMA-BUF holds the memory. */
	DumbHandle handle(fd_.get(), create.handle);

	if (create.size > std::numeric_limits<uint32_t>::max()) {
		log(LogLevel::Error, what + ": driver made " + std::to_string(create.size) +
					     " bytes: " + errnoString(-EOVERFLOW));
		return -EOVERFLOW;
	}
	if (create.size < sizeimage || create.pitch < bytesperline) {
		log(LogLevel::Error, what + ": driver made " + std::to_string(create.size) +
					     " bytes, pitch " + std::to_string(create.pitch) + ": " +
					     errnoString(-EIO));
		return -EIO;
	}

	int dmabuf = -1;
	if (drmPrimeHandleToFD(fd_.get(), handle.get(), DRM_CLOEXEC | DRM_RDWR, &dmabuf) < 0) {
		int ret = errno ? -errno : -EIO;
		log(LogLevel::Error, "drmPrimeHandleToFD of " + what + " failed: " + errnoString(ret));
		return ret;
	}

	out->fd.reset(dmabuf);
	out->size = static_cast<uint32_t>(create.size);
	out->pitch = create.pitch;
	log(LogLevel::Debug, "allocated " + what + ": " + std::to_string(out->size) +
				     " bytes, pitch " + std::to_string(out->pitch) + ", fd " +
				     std::to_string(dmabuf));
	return 0;
}

} /* namespace v4l2dmabuf */
