/* SPDX-License-Identifier: MIT */
#pragma once

/* fd bookkeeping of the tests: leak checks, DMA-BUF exporters. */

#include <map>
#include <string>

namespace fdcheck {

/** Open fds of this process (entries of /proc/self/fd), -1 if unreadable. */
int countOpenFds();

/** Every open fd of this process and what it refers to (its /proc/self/fd link). */
std::map<int, std::string> openFds();

/**
 * The exporter (`exp_name:`) of DMA-BUF @p fd, as the V4L2 layer's
 * dmabufInfo() reads it; "" when @p fd is no DMA-BUF.
 */
std::string dmabufExporter(int fd);

} /* namespace fdcheck */
