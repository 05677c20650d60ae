/* SPDX-License-Identifier: MIT */
#include "raw_stats.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace v4l2dmabuf::bench {

void RawStats::addFrame(uint32_t sequence, int64_t latency, bool error)
{
	if (lastSequence && sequence > *lastSequence + 1)
		sequenceGaps += sequence - *lastSequence - 1;
	if (!firstSequence)
		firstSequence = sequence;
	lastSequence = sequence;
	latencyNs.push_back(latency);
	frames++;
	if (error)
		corrupted++;
}

int64_t percentile(std::vector<int64_t> samples, double p)
{
	if (samples.empty())
		return 0;
	std::sort(samples.begin(), samples.end());
	size_t n = samples.size();
	size_t rank = size_t(std::ceil(p * double(n)));
	return samples[std::min(n, std::max<size_t>(rank, 1)) - 1];
}

namespace {

std::string ms(double v)
{
	char buf[64];
	snprintf(buf, sizeof(buf), "%.3f", v);
	return buf;
}

} /* namespace */

std::string rawStatsJson(const RawStats &s, const std::string &extra)
{
	std::ostringstream o;
	o << "{\n";
	o << "  \"ok\": " << (s.frames ? "true" : "false") << ",\n";
	o << "  \"frames\": " << s.frames << ",\n";
	o << "  \"sequence_gaps\": " << s.sequenceGaps << ",\n";
	o << "  \"corrupted\": " << s.corrupted << ",\n";
	o << "  \"latency_ms\": {\"samples\": " << s.latencyNs.size()
	  << ", \"p50\": " << ms(percentile(s.latencyNs, 0.50) / 1e6)
	  << ", \"p99\": " << ms(percentile(s.latencyNs, 0.99) / 1e6)
	  << ", \"max\": " << ms(percentile(s.latencyNs, 1.0) / 1e6) << "},\n";
	o << "  \"time_to_first_frame_ms\": "
	  << (s.timeToFirstFrameMs < 0 ? "null" : ms(s.timeToFirstFrameMs)) << ",\n";
	o << "  \"consumer_cpu_ms\": {\"run\": " << ms(s.cpuRunMs) << ", \"streaming\": "
	  << ms(s.cpuStreamingMs) << "},\n";
	o << extra;
	o << "  \"first_sequence\": " << (s.firstSequence ? std::to_string(*s.firstSequence) : "null")
	  << ",\n";
	o << "  \"last_sequence\": " << (s.lastSequence ? std::to_string(*s.lastSequence) : "null")
	  << "\n";
	o << "}\n";
	return o.str();
}

} /* namespace v4l2dmabuf::bench */
