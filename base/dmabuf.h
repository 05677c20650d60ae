/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <string>

namespace v4l2dmabuf {

/** What the kernel says of a DMA-BUF fd. */
struct DmabufInfo {
	uint64_t size = 0;    /**< bytes (lseek(SEEK_END) on a dma-buf) */
	std::string exporter; /**< `exp_name:` of /proc/self/fdinfo/<fd>, e.g. "vgem" */
};

/**
 * Checks that @p fd is a DMA-BUF and reads its size and exporter
 * (drivers/dma-buf/dma-buf.c: dma_buf_llseek, dma_buf_show_fdinfo).
 * @return 0; -EBADF when @p fd is not open; -EINVAL when it is not a
 * DMA-BUF (a memfd, a file, a socket).
 */
int dmabufInfo(int fd, DmabufInfo *info);

/**
 * The exporter of DMA-BUF @p fd (`exp_name:` of /proc/self/fdinfo/<fd>,
 * e.g. "videobuf2_vmalloc", "drm", "system"), or "" when @p fd is not a
 * DMA-BUF or not open. No lseek: safe on an fd another thread reads.
 */
std::string dmabufExporter(int fd);

} /* namespace v4l2dmabuf */
