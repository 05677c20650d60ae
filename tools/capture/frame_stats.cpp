/* SPDX-License-Identifier: MIT */
#include "frame_stats.h"

#include <algorithm>
#include <cmath>

namespace v4l2dmabuf::capture {

uint64_t SequenceTracker::add(uint64_t seq)
{
	uint64_t gap = 0;
	if (last_ && seq > *last_ + 1)
		gap = seq - *last_ - 1;
	last_ = seq;
	gaps_ += gap;
	return gap;
}

LatencyStats latencyStats(std::vector<int64_t> samplesNs)
{
	LatencyStats s;
	s.samples = samplesNs.size();
	if (samplesNs.empty())
		return s;
	std::sort(samplesNs.begin(), samplesNs.end());
	auto rank = [&](double p) {
		size_t n = samplesNs.size();
		size_t i = size_t(std::ceil(p * double(n)));
		return samplesNs[std::min(n, std::max<size_t>(i, 1)) - 1] / 1e6;
	};
	s.p50Ms = rank(0.50);
	s.p99Ms = rank(0.99);
	s.maxMs = samplesNs.back() / 1e6;
	return s;
}

} /* namespace v4l2dmabuf::capture */
