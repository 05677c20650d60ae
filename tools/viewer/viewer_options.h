/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace v4l2dmabuf::viewer {

/** The command line of v4l2-dmabuf-viewer. */
struct ViewerOptions {
	std::string target;      /**< node.name or object.serial; empty: any camera */
	/** Connect through the desktop's Camera portal (camera_portal.h), not to the daemon's socket. */
	bool portal = false;
	std::string format;      /**< format table name; empty: any */
	uint32_t width = 0, height = 0; /**< requested size, pixels; 0: any */
	uint32_t framerateNum = 0, framerateDenom = 0; /**< requested frames per second; 0: any */
	uint32_t dataTypes = 0;  /**< bits 1 << SPA_DATA_*; set by parse to all three by default */
	uint64_t frames = 0;     /**< quit after this many frames; 0: run until closed */
	bool report = false;     /**< print ViewerStats::reportLine() on stdout at exit */
	std::string screenshot;  /**< write the last texture as a PNG at exit */
	std::string ready;       /**< create this file once --ready-frames frames were painted */
	uint64_t readyFrames = 10;
	bool noDmabuf = false;   /**< never build DMA-BUF textures (the memory path only) */
	bool noControls = false; /**< no controls panel */
	/** --control NAME=VALUE: set once the node's controls are known (prop_controls.h findControl). */
	std::vector<std::pair<std::string, int32_t>> setControls;
	bool verbose = false;
	bool help = false;
};

/**
 * Parses @p argv (getopt_long; GTK's own options are not passed to GTK).
 * @return 0 with @p out filled; -EINVAL with a message in @p error for an
 * unknown option, a bad number or size, an unknown format or data type.
 */
int parseViewerOptions(int argc, char **argv, ViewerOptions *out, std::string *error);

/** The --help text. */
std::string viewerUsage(const char *argv0);

} /* namespace v4l2dmabuf::viewer */
