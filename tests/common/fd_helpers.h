/* SPDX-License-Identifier: MIT */
#pragma once

/* fd bookkeeping of the tests: leak checks, DMA-BUF exporters. */

#include <map>
#include <string>

namespace fdcheck {

/** Open fds of this process (entries of /proc/self/fd), -1 if unreadable. */
int countOpenFds();

/**
 * Open fds of this process but eventfds, -1 if unreadable: what a leak
 * check counts while a PipeWire loop of the process lives. From PipeWire
 * 1.0 on, a blocking spa_loop_invoke that finds no free invoke queue makes
 * one with an eventfd, and the loop keeps it for later invokes until it is
 * destroyed (loop_create_queue in spa/plugins/support/loop.c, 1.4.2): a
 * host's first start() leaves one eventfd more. 0.3.65's loop has none. The plugin makes no eventfd of
 * its own, so none of its fds is left out; checks made after the loop is
 * gone (testenv::FdLeakCheck) count every fd.
 */
int countOpenFdsButEventfds();

/** Every open fd of this process and what it refers to (its /proc/self/fd link). */
std::map<int, std::string> openFds();

/**
 * What changed from @p before to @p now (two openFds() maps): " +FD=TARGET"
 * for each fd opened or retargeted, " -FD=TARGET" for each closed, " none"
 * when nothing did. For leak-check failure messages.
 */
std::string fdChanges(const std::map<int, std::string> &before, const std::map<int, std::string> &now);

/**
 * The exporter (`exp_name:`) of DMA-BUF @p fd, as the V4L2 layer's
 * dmabufInfo() reads it; "" when @p fd is no DMA-BUF.
 */
std::string dmabufExporter(int fd);

} /* namespace fdcheck */
