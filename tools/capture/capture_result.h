/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "convert.h"

namespace v4l2dmabuf::capture {

/** What one spa_data (one memory plane) of the last frame looked like. */
struct PlaneReport {
	std::string dataType;  /**< "DmaBuf", "MemFd", "MemPtr" or "Unknown(<n>)" */
	uint32_t stride = 0;      /**< chunk stride, bytes per line */
	uint32_t chunkOffset = 0; /**< bytes from the start of the mapped data */
	uint32_t chunkSize = 0;   /**< bytes of valid data */
	uint32_t maxsize = 0;     /**< bytes of the spa_data (0 is allowed for DMA-BUF) */
	uint32_t mapOffset = 0;   /**< bytes into the fd where the data starts */
	std::string exporter;  /**< DMA-BUF exporter (fdinfo exp_name), empty if none */
};

/** Latency of frame arrival after its capture timestamp, in milliseconds. */
struct LatencyStats {
	size_t samples = 0; /**< frames that carried a timestamp */
	double p50Ms = 0;
	double p99Ms = 0;
	double maxMs = 0;
};

/**
 * CPU time of the consumer process, user + system (getrusage RUSAGE_SELF),
 * in milliseconds; -1 when not measured.
 */
struct CpuTimes {
	double runMs = -1;       /**< from process start to the end of the session */
	double streamingMs = -1; /**< from the first frame to the last one asked for */
};

/**
 * The outcome of one capture session: what was negotiated, what arrived,
 * and how. @ref ok is false when the session failed; @ref error then says
 * why, and the other fields hold what was learnt before the failure.
 */
struct CaptureResult {
	bool ok = false;
	std::string error; /**< one line; empty when ok */

	/* Negotiated format */
	std::string formatName;      /**< format table name: "NV12M"; empty if none negotiated */
	uint32_t width = 0;          /**< pixels */
	uint32_t height = 0;         /**< lines */
	uint32_t framerateNum = 0;   /**< frames ... */
	uint32_t framerateDenom = 0; /**< ... per this many seconds */
	uint32_t memoryPlanes = 0;   /**< memory planes of the negotiated layout */

	/* Frames */
	uint64_t frames = 0;        /**< frames received */
	uint64_t bytes = 0;         /**< sum of chunk sizes over all frames and planes */
	uint64_t sequenceGaps = 0;  /**< sequence numbers missing between received frames */
	uint64_t corrupted = 0;     /**< frames flagged SPA_META_HEADER_FLAG_CORRUPTED */
	uint64_t syncErrors = 0;    /**< DMA_BUF_IOCTL_SYNC calls that failed */
	uint64_t badChunks = 0;     /**< planes whose chunk lay outside the mapping */
	uint32_t buffers = 0;       /**< buffers the stream added */
	std::vector<std::string> dataTypesSeen;  /**< distinct, in order of first sight */
	std::vector<uint32_t> datasPerBufferSeen; /**< distinct n_datas values, in order */
	std::vector<PlaneReport> planes;          /**< of the last frame, one per spa_data */

	/* Timing */
	LatencyStats latency;
	double timeToFirstFrameMs = -1; /**< from pw_stream_connect(); -1 if no frame */
	CpuTimes consumerCpu;            /**< this process's CPU time (per frame: divide by frames) */

	/* Last frame */
	std::vector<ChannelMean> means; /**< per colour component; empty for encoded formats */
	std::string pngPath;            /**< written PNG; empty if none */
	std::string pngNote;            /**< why no PNG was written, when one was asked for */
};

} /* namespace v4l2dmabuf::capture */
