/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <spa/buffer/buffer.h>

#include "dmabuf.h"
#include "memory_map.h"
#include "spa_names.h"

namespace v4l2dmabuf::capture {

/**
 * The readable memory of one spa_data, mapped once when the stream adds the
 * buffer and unmapped when it is destroyed. The fd stays owned by PipeWire.
 */
struct MappedPlane {
	uint32_t type = 0;          /**< enum spa_data_type */
	int fd = -1;                /**< the spa_data's fd (DmaBuf, MemFd); not owned */
	MemoryMap map;              /**< our PROT_READ mapping, page aligned */
	const uint8_t *data = nullptr; /**< the byte at the spa_data's mapoffset */
	size_t size = 0;            /**< readable bytes from @ref data */
	std::string exporter;       /**< fdinfo exp_name of @ref fd; empty if none */
	int error = 0;              /**< negative errno when the plane could not be mapped */
};

/** All planes of one pw_buffer, in spa_data order. */
struct MappedBuffer {
	std::vector<MappedPlane> planes;
	/** Planes that failed to map (their @ref MappedPlane::error is set). */
	unsigned failures() const;
};

/**
 * Maps every spa_data of @p buffer for reading: DmaBuf and MemFd by mmap()
 * of the fd at mapoffset for maxsize bytes (for a DMA-BUF with maxsize 0,
 * up to the end of the fd), MemPtr through its data pointer. Unknown data
 * types and failed maps are recorded per plane, never fatal.
 */
MappedBuffer mapBuffer(const spa_buffer &buffer);

/**
 * Brackets CPU reads of a DMA-BUF: DMA_BUF_IOCTL_SYNC with SYNC_START|READ
 * on construction, SYNC_END|READ on destruction. A no-op for fd -1.
 */
class DmaBufReadSync
{
public:
	explicit DmaBufReadSync(int fd);
	~DmaBufReadSync();
	DmaBufReadSync(const DmaBufReadSync &) = delete;
	DmaBufReadSync &operator=(const DmaBufReadSync &) = delete;

	/** 0, or the negative errno of the SYNC_START ioctl. */
	int status() const { return status_; }
	/** 0, or the negative errno of the SYNC_END ioctl (once ended). */
	int end();

private:
	int fd_;
	int status_ = 0;
	bool ended_ = false;
};

} /* namespace v4l2dmabuf::capture */
