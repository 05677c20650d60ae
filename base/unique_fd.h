/* SPDX-License-Identifier: MIT */
#pragma once

#include <unistd.h>

#include <utility>

namespace v4l2dmabuf {

/**
 * Move-only owner of one file descriptor (a device node, a DMA-BUF, a DRM
 * node). The descriptor is closed when the owner is destroyed or reset.
 * Follows the shape of libcamera's UniqueFD.
 */
class UniqueFd
{
public:
	UniqueFd() = default;
	/** Takes ownership of @p fd (may be -1). */
	explicit UniqueFd(int fd) : fd_(fd) {}
	~UniqueFd() { reset(); }

	UniqueFd(const UniqueFd &) = delete;
	UniqueFd &operator=(const UniqueFd &) = delete;
	UniqueFd(UniqueFd &&other) noexcept : fd_(other.release()) {}
	UniqueFd &operator=(UniqueFd &&other) noexcept
	{
		reset(other.release());
		return *this;
	}

	/** The descriptor, still owned; -1 when empty. */
	int get() const { return fd_; }
	bool isValid() const { return fd_ >= 0; }
	/** Gives up ownership and returns the descriptor. */
	int release() { return std::exchange(fd_, -1); }
	/** Closes the owned descriptor (if any) and takes @p fd. */
	void reset(int fd = -1)
	{
		int old = std::exchange(fd_, fd);
		if (old >= 0)
			::close(old);
	}

private:
	int fd_ = -1;
};

} /* namespace v4l2dmabuf */
