/* SPDX-License-Identifier: MIT */
#pragma once

/* Clocks the tools measure with: the capture tool and the raw V4L2 loop. */

#include <sys/resource.h>
#include <time.h>

#include <cstdint>

namespace v4l2dmabuf {

/** CLOCK_MONOTONIC in nanoseconds: the clock of V4L2's monotonic buffer timestamps. */
inline int64_t monotonicNs()
{
	timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

/** User + system CPU time of this process so far (getrusage), in milliseconds; -1 on error. */
inline double processCpuMs()
{
	rusage ru{};
	if (getrusage(RUSAGE_SELF, &ru) < 0)
		return -1;
	return double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
	       double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

} /* namespace v4l2dmabuf */
