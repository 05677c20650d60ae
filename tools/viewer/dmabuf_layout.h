/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <vector>

#include <spa/buffer/buffer.h>

#include "format_table.h"

namespace v4l2dmabuf::viewer {

/** One plane as a DMA-BUF importer (GdkDmabufTextureBuilder, EGL) wants it. */
struct DmabufPlane {
	int fd = -1;         /**< the spa_data's fd; not owned */
	uint32_t offset = 0; /**< bytes from the start of the fd to the plane's first line */
	uint32_t stride = 0; /**< bytes per line */
};

/**
 * A frame described in DRM terms: one entry per colour plane (NV12 in one
 * memory plane: 2 entries on the same fd), in the order of the DRM format.
 */
struct DmabufLayout {
	uint32_t drmFourcc = 0; /**< DRM_FORMAT_* */
	uint64_t modifier = 0;  /**< DRM_FORMAT_MOD_LINEAR: V4L2 buffers are linear */
	uint32_t width = 0;     /**< pixels */
	uint32_t height = 0;    /**< lines */
	std::vector<DmabufPlane> planes;
};

/**
 * Describes @p buffer, a frame of @p width x @p height pixels in format
 * @p info, for a DMA-BUF import. Each colour plane's offset is the
 * spa_data's mapoffset + the chunk's offset + the plane's offset inside the
 * memory plane (format table layout from the chunk's stride); a chunk
 * stride of 0 means a tight first colour plane.
 *
 * @return 0 with @p out filled; -ENOTSUP when @p info has no DRM fourcc
 * (encoded formats) or a data is not a DmaBuf; -EINVAL when the buffer's
 * data count is not the format's memory plane count, a data has no chunk
 * or fd, or the size is zero; -ERANGE when an offset does not fit 32 bits.
 */
int dmabufLayout(const FormatInfo &info, uint32_t width, uint32_t height,
		 const spa_buffer &buffer, DmabufLayout *out);

/**
 * The memory plane strides of @p buffer for @p info (chunk strides; 0
 * replaced by the tight stride of the memory plane's first colour plane).
 * Entries for missing chunks are 0.
 */
std::vector<uint32_t> chunkStrides(const FormatInfo &info, uint32_t width,
				   const spa_buffer &buffer);

} /* namespace v4l2dmabuf::viewer */
