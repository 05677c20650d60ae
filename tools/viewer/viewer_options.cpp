/* SPDX-License-Identifier: MIT */
#include "viewer_options.h"

#include <getopt.h>

#include <cerrno>
#include <cstdlib>
#include <sstream>

#include <spa/buffer/buffer.h>

#include "format_table.h"
#include "prop_controls.h"

namespace v4l2dmabuf::viewer {

namespace {

bool parseCount(const char *s, uint64_t *out)
{
	char *end = nullptr;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-')
		return false;
	*out = v;
	return true;
}

bool parseSize(const std::string &s, uint32_t *w, uint32_t *h)
{
	size_t x = s.find('x');
	uint64_t a, b;
	if (x == std::string::npos || !parseCount(s.substr(0, x).c_str(), &a) ||
	    !parseCount(s.substr(x + 1).c_str(), &b) || a == 0 || b == 0 || a > 65535 || b > 65535)
		return false;
	*w = uint32_t(a);
	*h = uint32_t(b);
	return true;
}

bool parseFramerate(const std::string &s, uint32_t *num, uint32_t *denom)
{
	size_t slash = s.find('/');
	uint64_t n, d = 1;
	if (!parseCount(s.substr(0, slash).c_str(), &n) ||
	    (slash != std::string::npos && !parseCount(s.substr(slash + 1).c_str(), &d)) || n == 0 ||
	    d == 0 || n > 1000000 || d > 1000000)
		return false;
	*num = uint32_t(n);
	*denom = uint32_t(d);
	return true;
}

bool parseDataTypes(const std::string &list, uint32_t *mask)
{
	std::stringstream ss(list);
	std::string item;
	*mask = 0;
	while (std::getline(ss, item, ',')) {
		if (item == "dmabuf")
			*mask |= 1u << SPA_DATA_DmaBuf;
		else if (item == "memfd")
			*mask |= 1u << SPA_DATA_MemFd;
		else if (item == "memptr")
			*mask |= 1u << SPA_DATA_MemPtr;
		else
			return false;
	}
	return *mask != 0;
}

} /* namespace */

std::string viewerUsage(const char *argv0)
{
	return std::string("Usage: ") + argv0 + " [OPTIONS]\n"
		"Show a PipeWire camera node (a V4L2 DMA-BUF source) in a GTK 4 window, with\n"
		"its frame rate, sequence gaps, buffer memory type and controls.\n\n"
		"  --target NAME        node.name or object.serial to link to (default: any)\n"
		"  --portal             ask the desktop's Camera portal for access (AccessCamera,\n"
		"                       OpenPipeWireRemote) and use the cameras it grants; without\n"
		"                       --target, the first camera on the portal's remote\n"
		"  --format NAME        format table name: YUYV, NV12, NV12M, ... (default: any)\n"
		"  --size WxH           frame size in pixels\n"
		"  --framerate N[/D]    frames per second\n"
		"  --data-types LIST    accepted data types, any of dmabuf,memfd,memptr (default all)\n"
		"  --frames N           quit after N frames (default: run until the window closes)\n"
		"  --report             print one line of counts on stdout at exit\n"
		"  --screenshot FILE    write the last frame's texture as a PNG at exit\n"
		"  --ready FILE         create FILE once --ready-frames frames were painted\n"
		"  --ready-frames N     (default 10)\n"
		"  --no-dmabuf          always map and convert (GdkMemoryTexture), never import\n"
		"  --no-controls        no controls panel\n"
		"  --control NAME=VALUE set a control of the node at start (e.g. brightness=140;\n"
		"                       the name as in the panel or api.v4l2.NAME); repeatable\n"
		"  --verbose            log negotiation, buffers and texture errors to stderr\n"
		"  --help               this text\n\n"
		"Exit status: 0 after a clean exit with at least one frame (or none asked for),\n"
		"1 on a stream error or no frame (or the portal refused), 2 on bad usage.\n";
}

int parseViewerOptions(int argc, char **argv, ViewerOptions *out, std::string *error)
{
	enum { Target = 256, Portal, Format, Size, Framerate, DataTypes, Frames, Report, Screenshot, Ready,
	       ReadyFrames, NoDmabuf, NoControls, Control, Verbose, Help };
	static const option longOptions[] = {
		{"target", required_argument, nullptr, Target},
		{"portal", no_argument, nullptr, Portal},
		{"format", required_argument, nullptr, Format},
		{"size", required_argument, nullptr, Size},
		{"framerate", required_argument, nullptr, Framerate},
		{"data-types", required_argument, nullptr, DataTypes},
		{"frames", required_argument, nullptr, Frames},
		{"report", no_argument, nullptr, Report},
		{"screenshot", required_argument, nullptr, Screenshot},
		{"ready", required_argument, nullptr, Ready},
		{"ready-frames", required_argument, nullptr, ReadyFrames},
		{"no-dmabuf", no_argument, nullptr, NoDmabuf},
		{"no-controls", no_argument, nullptr, NoControls},
		{"control", required_argument, nullptr, Control},
		{"verbose", no_argument, nullptr, Verbose},
		{"help", no_argument, nullptr, Help},
		{nullptr, 0, nullptr, 0},
	};

	ViewerOptions opts;
	opts.dataTypes = (1u << SPA_DATA_DmaBuf) | (1u << SPA_DATA_MemFd) | (1u << SPA_DATA_MemPtr);
	optind = 0; /* reset getopt: parse may be called more than once (tests) */
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, "", longOptions, nullptr)) != -1) {
		std::string arg = optarg ? optarg : "";
		switch (c) {
		case Target: opts.target = arg; break;
		case Portal: opts.portal = true; break;
		case Format:
			if (!findFormatByName(arg.c_str())) {
				*error = "unknown format '" + arg + "'";
				return -EINVAL;
			}
			opts.format = arg;
			break;
		case Size:
			if (!parseSize(arg, &opts.width, &opts.height)) {
				*error = "bad --size '" + arg + "' (WxH, e.g. 640x480)";
				return -EINVAL;
			}
			break;
		case Framerate:
			if (!parseFramerate(arg, &opts.framerateNum, &opts.framerateDenom)) {
				*error = "bad --framerate '" + arg + "' (N or N/D)";
				return -EINVAL;
			}
			break;
		case DataTypes:
			if (!parseDataTypes(arg, &opts.dataTypes)) {
				*error = "bad --data-types '" + arg + "' (dmabuf,memfd,memptr)";
				return -EINVAL;
			}
			break;
		case Frames:
			if (!parseCount(arg.c_str(), &opts.frames)) {
				*error = "bad --frames '" + arg + "'";
				return -EINVAL;
			}
			break;
		case ReadyFrames:
			if (!parseCount(arg.c_str(), &opts.readyFrames) || opts.readyFrames == 0) {
				*error = "bad --ready-frames '" + arg + "'";
				return -EINVAL;
			}
			break;
		case Report: opts.report = true; break;
		case Screenshot: opts.screenshot = arg; break;
		case Ready: opts.ready = arg; break;
		case NoDmabuf: opts.noDmabuf = true; break;
		case NoControls: opts.noControls = true; break;
		case Control: {
			std::string name;
			int32_t value;
			if (parseControlAssignment(arg, &name, &value) < 0) {
				*error = "bad --control '" + arg + "' (NAME=VALUE, VALUE an integer)";
				return -EINVAL;
			}
			opts.setControls.emplace_back(name, value);
			break;
		}
		case Verbose: opts.verbose = true; break;
		case Help: opts.help = true; break;
		default:
			*error = std::string("unknown option '") + argv[optind - 1] + "'";
			return -EINVAL;
		}
	}
	if (opts.noControls && !opts.setControls.empty()) {
		*error = "--control needs the node's controls: not with --no-controls";
		return -EINVAL;
	}
	if (optind < argc) {
		*error = std::string("unexpected argument '") + argv[optind] + "'";
		return -EINVAL;
	}
	*out = std::move(opts);
	return 0;
}

} /* namespace v4l2dmabuf::viewer */
