/* SPDX-License-Identifier: MIT */
#pragma once

#include <string>

#include "capture_result.h"

namespace v4l2dmabuf::capture {

/**
 * @p result as a JSON object (UTF-8, 2-space indent, trailing newline).
 * Keys: ok, error, format {name, width, height, framerate "N/D",
 * memory_planes}, frames, bytes, sequence_gaps, corrupted, sync_errors,
 * bad_chunks, buffers, data_types [names], datas_per_buffer [counts],
 * planes [{data_type, stride, chunk_offset, chunk_size, maxsize,
 * map_offset, exporter}], latency_ms {samples, p50, p99, max},
 * time_to_first_frame_ms (null if no frame), consumer_cpu_ms {run,
 * streaming} (null when not measured), means {component: value},
 * png (path or null), png_note.
 */
std::string summaryJson(const CaptureResult &result);

/** A few human-readable lines summarising @p result. */
std::string summaryText(const CaptureResult &result);

/** @p s as a quoted JSON string, escaping quotes, backslashes and control characters. */
std::string jsonString(const std::string &s);

} /* namespace v4l2dmabuf::capture */
