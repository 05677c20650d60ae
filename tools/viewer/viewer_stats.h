/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>

#include "frame_stats.h"

namespace v4l2dmabuf::viewer {

/** How a frame became a texture. */
enum class TexturePath { Dmabuf, Memory, Failed };

/**
 * What the viewer counts: frames, their rate, header sequence gaps, the
 * memory type of the buffers and how each frame was shown. No GTK, no
 * PipeWire: the stream and the window feed it.
 */
class ViewerStats
{
public:
	/**
	 * One frame arrived at @p nowNs (CLOCK_MONOTONIC, nanoseconds) with
	 * header sequence number @p seq (none without SPA_META_Header) in a
	 * buffer whose first data is of type @p dataType (enum spa_data_type).
	 */
	void addFrame(int64_t nowNs, std::optional<uint64_t> seq, uint32_t dataType);
	/** The frame just added was shown by @p path. */
	void addTexture(TexturePath path);
	/** The DMA-BUF exporter of the buffers ("videobuf2_vmalloc"); "" if none. */
	void setExporter(const std::string &exporter) { exporter_ = exporter; }
	/** DMA-BUF fds the process holds at exit (countOpenDmabufs()); -1: not counted. */
	void setOpenDmabufs(int n) { openDmabufs_ = n; }
	/**
	 * How the viewer reached the node: @p remote "daemon" (its socket) or
	 * "portal" (the Camera portal's remote); @p node the target's node.name
	 * or object.serial, "" when the session chose.
	 */
	void setConnection(const std::string &remote, const std::string &node)
	{
		remote_ = remote;
		node_ = node;
	}
	/** The node has @p n controls (PropInfo of Int/Bool type); @p set of them were set by --control. */
	void setControls(uint64_t n, uint64_t set)
	{
		controls_ = n;
		controlsSet_ = set;
	}

	uint64_t frames() const { return frames_; }
	uint64_t gaps() const { return sequence_.gaps(); }
	uint64_t dmabufTextures() const { return dmabufTextures_; }
	uint64_t memoryTextures() const { return memoryTextures_; }
	uint64_t failedTextures() const { return failedTextures_; }
	/** "DmaBuf", "MemFd", "MemPtr" of the last frame; "none" before the first. */
	std::string dataType() const;
	const std::string &exporter() const { return exporter_; }

	/**
	 * Frames per second over the last @ref kWindowNs of frames (the
	 * intervals between them); 0 with fewer than two frames.
	 */
	double fps() const;

	/** One line for the window: "25.0 fps  DmaBuf (videobuf2_vmalloc)  gaps 0  dmabuf textures 10/10". */
	std::string statusLine() const;
	/**
	 * The --report line: "viewer: frames=N textures_dmabuf=N
	 * textures_memory=N textures_failed=N gaps=N type=DmaBuf fps=F exporter=NAME
	 * controls=N controls_set=N remote=daemon|portal node=NAME open_dmabufs=N"
	 * (exporter and node "-" when none; remote and node only once set,
	 * open_dmabufs only once counted).
	 */
	std::string reportLine() const;

	static constexpr int64_t kWindowNs = 2'000'000'000;

private:
	uint64_t frames_ = 0;
	uint64_t dmabufTextures_ = 0, memoryTextures_ = 0, failedTextures_ = 0;
	std::optional<uint32_t> dataType_;
	std::string exporter_;
	std::string remote_, node_;
	uint64_t controls_ = 0, controlsSet_ = 0;
	int openDmabufs_ = -1;
	capture::SequenceTracker sequence_;
	std::deque<int64_t> times_; /* arrival times within the window, oldest first */
};

/**
 * The DMA-BUFs among this process's open fds (/proc/self/fd, each checked
 * with dmabufExporter()); -errno when /proc/self/fd cannot be read.
 */
int countOpenDmabufs();

} /* namespace v4l2dmabuf::viewer */
