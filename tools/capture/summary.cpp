/* SPDX-License-Identifier: MIT */
#include "summary.h"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace v4l2dmabuf::capture {

namespace {

/* A finite double with 3 decimals; JSON has no NaN/Inf, so those become null. */
std::string number(double v)
{
	if (!std::isfinite(v))
		return "null";
	char buf[64];
	snprintf(buf, sizeof(buf), "%.3f", v);
	return buf;
}

template<typename T, typename F>
std::string list(const std::vector<T> &items, F &&format)
{
	std::string s = "[";
	for (size_t i = 0; i < items.size(); i++)
		s += (i ? ", " : "") + format(items[i]);
	return s + "]";
}

} /* namespace */

std::string jsonString(const std::string &s)
{
	std::string out = "\"";
	for (unsigned char c : s) {
		switch (c) {
		case '"': out += "\\\""; break;
		case '\\': out += "\\\\"; break;
		case '\n': out += "\\n"; break;
		case '\t': out += "\\t"; break;
		case '\r': out += "\\r"; break;
		default:
			if (c < 0x20) {
				char buf[8];
				snprintf(buf, sizeof(buf), "\\u%04x", c);
				out += buf;
			} else {
				out += char(c);
			}
		}
	}
	return out + "\"";
}

std::string summaryJson(const CaptureResult &r)
{
	std::ostringstream o;
	o << "{\n";
	o << "  \"ok\": " << (r.ok ? "true" : "false") << ",\n";
	o << "  \"error\": " << jsonString(r.error) << ",\n";
	o << "  \"format\": {\"name\": " << jsonString(r.formatName) << ", \"width\": " << r.width
	  << ", \"height\": " << r.height << ", \"framerate\": "
	  << jsonString(std::to_string(r.framerateNum) + "/" + std::to_string(r.framerateDenom))
	  << ", \"memory_planes\": " << r.memoryPlanes << "},\n";
	o << "  \"frames\": " << r.frames << ",\n";
	o << "  \"bytes\": " << r.bytes << ",\n";
	o << "  \"sequence_gaps\": " << r.sequenceGaps << ",\n";
	o << "  \"corrupted\": " << r.corrupted << ",\n";
	o << "  \"sync_errors\": " << r.syncErrors << ",\n";
	o << "  \"bad_chunks\": " << r.badChunks << ",\n";
	o << "  \"buffers\": " << r.buffers << ",\n";
	o << "  \"data_types\": " << list(r.dataTypesSeen, jsonString) << ",\n";
	o << "  \"datas_per_buffer\": "
	  << list(r.datasPerBufferSeen, [](uint32_t n) { return std::to_string(n); }) << ",\n";
	o << "  \"planes\": [";
	for (size_t i = 0; i < r.planes.size(); i++) {
		const PlaneReport &p = r.planes[i];
		o << (i ? ",\n" : "\n") << "    {\"data_type\": " << jsonString(p.dataType)
		  << ", \"stride\": " << p.stride << ", \"chunk_offset\": " << p.chunkOffset
		  << ", \"chunk_size\": " << p.chunkSize << ", \"maxsize\": " << p.maxsize
		  << ", \"map_offset\": " << p.mapOffset
		  << ", \"exporter\": " << jsonString(p.exporter) << "}";
	}
	o << (r.planes.empty() ? "],\n" : "\n  ],\n");
	o << "  \"latency_ms\": {\"samples\": " << r.latency.samples
	  << ", \"p50\": " << number(r.latency.p50Ms) << ", \"p99\": " << number(r.latency.p99Ms)
	  << ", \"max\": " << number(r.latency.maxMs) << "},\n";
	o << "  \"time_to_first_frame_ms\": "
	  << (r.timeToFirstFrameMs < 0 ? "null" : number(r.timeToFirstFrameMs)) << ",\n";
	o << "  \"consumer_cpu_ms\": {\"run\": "
	  << (r.consumerCpu.runMs < 0 ? "null" : number(r.consumerCpu.runMs)) << ", \"streaming\": "
	  << (r.consumerCpu.streamingMs < 0 ? "null" : number(r.consumerCpu.streamingMs)) << "},\n";
	o << "  \"means\": {";
	for (size_t i = 0; i < r.means.size(); i++)
		o << (i ? ", " : "") << jsonString(r.means[i].name) << ": " << number(r.means[i].mean);
	o << "},\n";
	o << "  \"png\": " << (r.pngPath.empty() ? "null" : jsonString(r.pngPath)) << ",\n";
	o << "  \"png_note\": " << jsonString(r.pngNote) << "\n";
	o << "}\n";
	return o.str();
}

std::string summaryText(const CaptureResult &r)
{
	std::ostringstream o;
	o << (r.ok ? "OK" : "FAILED: " + r.error) << "\n";
	if (!r.formatName.empty())
		o << "format: " << r.formatName << " " << r.width << "x" << r.height << " @ "
		  << r.framerateNum << "/" << r.framerateDenom << ", " << r.memoryPlanes
		  << " memory plane(s)\n";
	o << "frames: " << r.frames << " (" << r.bytes << " bytes), sequence gaps: "
	  << r.sequenceGaps << ", corrupted: " << r.corrupted << ", buffers: " << r.buffers << "\n";
	if (!r.dataTypesSeen.empty()) {
		o << "data types:";
		for (const std::string &t : r.dataTypesSeen)
			o << " " << t;
		o << ", spa_datas per buffer:";
		for (uint32_t n : r.datasPerBufferSeen)
			o << " " << n;
		o << "\n";
	}
	for (size_t i = 0; i < r.planes.size(); i++) {
		const PlaneReport &p = r.planes[i];
		o << "  plane " << i << ": " << p.dataType << " stride " << p.stride << " offset "
		  << p.chunkOffset << " size " << p.chunkSize << " maxsize " << p.maxsize
		  << " exporter " << (p.exporter.empty() ? "-" : p.exporter) << "\n";
	}
	if (r.latency.samples)
		o << "latency ms: p50 " << number(r.latency.p50Ms) << " p99 "
		  << number(r.latency.p99Ms) << " max " << number(r.latency.maxMs) << "\n";
	if (r.timeToFirstFrameMs >= 0)
		o << "first frame after " << number(r.timeToFirstFrameMs) << " ms\n";
	if (r.consumerCpu.runMs >= 0)
		o << "consumer CPU ms: " << number(r.consumerCpu.runMs) << " in all, "
		  << (r.consumerCpu.streamingMs < 0 ? "-" : number(r.consumerCpu.streamingMs))
		  << " from the first to the last frame\n";
	if (!r.means.empty()) {
		o << "means:";
		for (const ChannelMean &m : r.means)
			o << " " << m.name << "=" << number(m.mean);
		o << "\n";
	}
	if (!r.pngPath.empty())
		o << "png: " << r.pngPath << "\n";
	if (!r.pngNote.empty())
		o << "png: " << r.pngNote << "\n";
	return o.str();
}

} /* namespace v4l2dmabuf::capture */
