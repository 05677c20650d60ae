/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace v4l2dmabuf::bench {

/**
 * What the raw capture loop saw, in the units of v4l2-dmabuf-capture's JSON
 * so the benchmark report reads both the same way.
 */
struct RawStats {
	uint64_t frames = 0;        /**< buffers dequeued */
	uint64_t sequenceGaps = 0;  /**< sequence numbers missing between them */
	uint64_t corrupted = 0;     /**< buffers with V4L2_BUF_FLAG_ERROR */
	std::optional<uint32_t> firstSequence, lastSequence;
	std::vector<int64_t> latencyNs; /**< dequeue time - buffer timestamp, ns (may be < 0) */
	double timeToFirstFrameMs = -1; /**< from open() to the first DQBUF; -1: none */
	double cpuRunMs = 0;        /**< user+sys of the process over the whole run, ms */
	double cpuStreamingMs = 0;  /**< user+sys from the first to the last frame, ms */

	/** Records one dequeued buffer. */
	void addFrame(uint32_t sequence, int64_t latency, bool error);
};

/** Nearest-rank percentile @p p (0..1] of @p samples, in the samples' unit; 0 when empty. */
int64_t percentile(std::vector<int64_t> samples, double p);

/** Fields of @p s as JSON (keys as v4l2-dmabuf-capture's), plus @p extra members verbatim. */
std::string rawStatsJson(const RawStats &s, const std::string &extra);

} /* namespace v4l2dmabuf::bench */
