/* SPDX-License-Identifier: MIT */
#pragma once

#include <sys/mman.h>

#include <cerrno>

#include <cstddef>
#include <cstdint>
#include <utility>

namespace v4l2dmabuf {

/**
 * Move-only owner of one mmap() mapping (a V4L2 MMAP plane or a DMA-BUF).
 * Unmapped when destroyed or reset, with munmap() or, for a mapping made
 * by a library with its own mmap (libv4l2's v4l2_mmap), its unmap function.
 */
class MemoryMap
{
public:
	/** Releases @p length bytes at @p addr; munmap()'s signature. */
	using UnmapFunction = int (*)(void *addr, size_t length);

	MemoryMap() = default;
	~MemoryMap() { reset(); }
	MemoryMap(const MemoryMap &) = delete;
	MemoryMap &operator=(const MemoryMap &) = delete;
	MemoryMap(MemoryMap &&o) noexcept
		: addr_(std::exchange(o.addr_, nullptr)), length_(std::exchange(o.length_, 0)),
		  unmap_(o.unmap_) {}
	MemoryMap &operator=(MemoryMap &&o) noexcept
	{
		reset();
		addr_ = std::exchange(o.addr_, nullptr);
		length_ = std::exchange(o.length_, 0);
		unmap_ = o.unmap_;
		return *this;
	}

	/**
	 * Maps @p length bytes of @p fd at @p offset (bytes, page aligned).
	 * @p prot is PROT_READ and/or PROT_WRITE.
	 * @return 0, or a negative errno from mmap() (-EINVAL for length 0).
	 */
	int map(int fd, size_t length, off_t offset, int prot)
	{
		reset();
		if (length == 0)
			return -EINVAL;
		void *p = ::mmap(nullptr, length, prot, MAP_SHARED, fd, offset);
		if (p == MAP_FAILED)
			return -errno;
		addr_ = p;
		length_ = length;
		unmap_ = ::munmap;
		return 0;
	}

	/**
	 * Takes ownership of @p length bytes at @p addr that another mmap made;
	 * @p unmap releases them. @p addr may not be MAP_FAILED or null.
	 */
	void adopt(void *addr, size_t length, UnmapFunction unmap)
	{
		reset();
		addr_ = addr;
		length_ = length;
		unmap_ = unmap;
	}

	void reset()
	{
		if (addr_)
			unmap_(addr_, length_);
		addr_ = nullptr;
		length_ = 0;
	}

	uint8_t *data() const { return static_cast<uint8_t *>(addr_); }
	size_t length() const { return length_; }
	bool isValid() const { return addr_ != nullptr; }

private:
	void *addr_ = nullptr;
	size_t length_ = 0;
	UnmapFunction unmap_ = ::munmap;
};

} /* namespace v4l2dmabuf */
