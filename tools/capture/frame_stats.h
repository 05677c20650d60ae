/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "capture_result.h"

namespace v4l2dmabuf::capture {

/**
 * Counts sequence numbers missing between consecutive frames. A sequence
 * number that does not move forward (a restart) is not counted as a gap.
 */
class SequenceTracker
{
public:
	/** Records frame sequence number @p seq; returns the gap before it (frames). */
	uint64_t add(uint64_t seq);
	/** Missing sequence numbers so far. */
	uint64_t gaps() const { return gaps_; }

private:
	std::optional<uint64_t> last_;
	uint64_t gaps_ = 0;
};

/**
 * Percentiles of latency samples in nanoseconds, reported in milliseconds
 * (nearest-rank percentiles). All zero when @p samplesNs is empty.
 */
LatencyStats latencyStats(std::vector<int64_t> samplesNs);

} /* namespace v4l2dmabuf::capture */
