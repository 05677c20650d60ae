/* SPDX-License-Identifier: MIT */
#include "catch.h"

#include "raw_stats.h"

using namespace v4l2dmabuf::bench;

TEST_CASE("raw loop counts sequence gaps between dequeued buffers", "[bench]")
{
	RawStats s;
	s.addFrame(10, 1000000, false);
	s.addFrame(11, -2000000, false); /* vivid stamps ahead of delivery: negative is kept */
	s.addFrame(14, 3000000, true);
	CHECK(s.frames == 3);
	CHECK(s.sequenceGaps == 2);
	CHECK(s.corrupted == 1);
	CHECK(*s.firstSequence == 10);
	CHECK(*s.lastSequence == 14);
}

TEST_CASE("nearest-rank percentiles", "[bench]")
{
	CHECK(percentile({}, 0.5) == 0);
	CHECK(percentile({5}, 0.99) == 5);
	std::vector<int64_t> v;
	for (int i = 100; i >= 1; i--)
		v.push_back(i);
	CHECK(percentile(v, 0.50) == 50);
	CHECK(percentile(v, 0.99) == 99);
	CHECK(percentile(v, 1.0) == 100);
	CHECK(percentile({-3, -1, -2}, 0.5) == -2);
}

TEST_CASE("raw JSON uses the capture tool's keys", "[bench]")
{
	RawStats s;
	s.addFrame(1, 1500000, false);
	s.timeToFirstFrameMs = 12.5;
	std::string json = rawStatsJson(s, "  \"memory\": \"MMAP\",\n");
	CHECK(json.find("\"frames\": 1,") != std::string::npos);
	CHECK(json.find("\"latency_ms\": {\"samples\": 1, \"p50\": 1.500") != std::string::npos);
	CHECK(json.find("\"time_to_first_frame_ms\": 12.500") != std::string::npos);
	CHECK(json.find("\"memory\": \"MMAP\"") != std::string::npos);
	CHECK(json.find("\"first_sequence\": 1,") != std::string::npos);
}
