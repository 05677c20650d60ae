/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <string>

#include "unique_fd.h"
#include "log.h"

namespace v4l2dmabuf {

/**
 * One linear buffer allocated from a DRM device and exported as a DMA-BUF.
 * The GEM handle is already closed: the DMA-BUF alone keeps the memory.
 */
struct DrmBuffer {
	/** The DMA-BUF (O_RDWR | O_CLOEXEC): importable by V4L2, mmapable by a consumer. */
	UniqueFd fd;
	/** Bytes of memory behind @ref fd (>= the sizeimage asked for; drivers round up to pages). */
	uint32_t size = 0;
	/**
	 * Bytes per row of the DRM allocation (>= the bytesperline asked for).
	 * The DRM driver's own layout: whoever writes the buffer (the V4L2
	 * driver, with its bytesperline) decides the layout of the image in it,
	 * and consumers must use that stride. Equal to bytesperline on vgem.
	 */
	uint32_t pitch = 0;
};

/**
 * Allocates linear buffers for V4L2 DMABUF import from one DRM device, with
 * dumb buffers (DRM_IOCTL_MODE_CREATE_DUMB, drm_mode.h) exported by PRIME
 * (drmPrimeHandleToFD, Documentation/gpu/drm-mm.rst "PRIME Buffer Sharing").
 * Includes no SPA header and knows nothing of V4L2 beyond "a plane of N
 * bytes with a bytesperline".
 *
 * Render nodes: the kernel does not allow CREATE_DUMB on render nodes
 * (no DRM_RENDER_ALLOW; EACCES, measured on vgem under 6.1). open() of a
 * render node therefore falls back to the primary (card) node of the same
 * device, found with drmGetPrimaryDeviceNameFromFd() (which walks
 * /sys/dev/char/MAJ:MIN/device/drm/), and allocates there; allocationPath()
 * names it. If the card node cannot be opened or refuses dumb buffers too,
 * open() fails with -ENOTSUP and says why.
 *
 * DRM master: opening a card node as the first client makes the process DRM
 * master of it. The allocator drops master right away (drmDropMaster), so
 * that it never keeps a display server from taking the device; dumb buffer
 * creation needs no master and no authentication.
 *
 * All int-returning calls return 0 or a negative errno; every failure is
 * logged through the sink, prefixed with the path given to open(). Every fd
 * is owned by a UniqueFd; nothing is left open or allocated on any error.
 * Not thread-safe for open()/close(); allocatePlane() may be called from
 * any thread once open() returned (the log sink must then be thread-safe).
 */
class DrmAllocator
{
public:
	DrmAllocator() = default;
	~DrmAllocator() = default;
	DrmAllocator(const DrmAllocator &) = delete;
	DrmAllocator &operator=(const DrmAllocator &) = delete;
	/** Moves the device (and its sink); @p other is left closed. */
	DrmAllocator(DrmAllocator &&other) noexcept = default;
	/** Closes this device, then takes @p other's. */
	DrmAllocator &operator=(DrmAllocator &&other) noexcept = default;

	/** Sets where messages go (may be empty to drop them). */
	void setLogSink(LogSink sink);

	/**
	 * Opens the DRM node @p path (a card or render node, O_RDWR |
	 * O_CLOEXEC), identifies its driver (drmGetVersion) and checks that it
	 * can make dumb buffers: DRM_CAP_DUMB_BUFFER where the driver answers
	 * it (KMS drivers); drivers without modesetting (vgem) answer that
	 * query with EOPNOTSUPP, so then a one-byte CREATE_DUMB is tried and
	 * destroyed. A render node is replaced by its card node, see the class
	 * documentation. Reopening closes first.
	 *
	 * @return 0;
	 *   -ENOENT no such path;
	 *   -EACCES not permitted to open it;
	 *   -ENODEV the path exists but is not a DRM device (not a character
	 *    device, or drmGetVersion() fails on it);
	 *   -ENOTSUP a DRM device that gives no dumb buffers to this process
	 *    (the driver has none, or only its card node does and that cannot
	 *    be opened);
	 *   other -errno from open().
	 */
	int open(const std::string &path);
	/** Closes the device; buffers already exported stay valid. Safe to call twice. */
	void close();
	bool isOpen() const { return fd_.isValid(); }

	/** The path given to open(). */
	const std::string &path() const { return path_; }
	/** The node buffers are allocated from: path(), or the card node of a render node. */
	const std::string &allocationPath() const { return allocPath_; }
	/** The kernel driver's name (drmGetVersion()->name), e.g. "vgem"; empty when closed. */
	const std::string &driverName() const { return driver_; }

	/**
	 * Allocates one linear buffer of at least @p sizeimage bytes whose rows
	 * are at least @p bytesperline bytes: a dumb buffer of bpp 8, width
	 * @p bytesperline, height ceil(@p sizeimage / @p bytesperline); exports
	 * it with drmPrimeHandleToFD(DRM_CLOEXEC | DRM_RDWR), then destroys the
	 * handle (DRM_IOCTL_MODE_DESTROY_DUMB).
	 *
	 * @param bytesperline bytes per row (V4L2 plane bytesperline), > 0
	 * @param sizeimage bytes of the plane (V4L2 plane sizeimage), > 0
	 * @param out receives the buffer; untouched on failure
	 * @return 0;
	 *   -EBADF the allocator is not open;
	 *   -EINVAL a zero argument, or a size the driver refuses;
	 *   -EOVERFLOW the buffer would be 4 GiB or more;
	 *   -ENOMEM the driver is out of memory;
	 *   -EIO the driver returned a smaller buffer or pitch than asked;
	 *   other -errno from CREATE_DUMB or PRIME export.
	 */
	int allocatePlane(uint32_t bytesperline, uint32_t sizeimage, DrmBuffer *out) const;

private:
	void log(LogLevel level, const std::string &message) const;
	/* 0 when @p fd makes dumb buffers, else -errno (not logged). */
	static int probeDumb(int fd);
	/* Opens @p path and checks it is a DRM node; its fd and driver name. */
	int openNode(const std::string &path, UniqueFd *fd, std::string *driver) const;

	std::string path_;
	std::string allocPath_;
	std::string driver_;
	UniqueFd fd_;
	LogSink sink_;
};

} /* namespace v4l2dmabuf */
