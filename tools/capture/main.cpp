/* SPDX-License-Identifier: MIT */
/*
 * v4l2-dmabuf-capture: captures frames from a PipeWire video node as a
 * consumer and reports how they arrived (see --help).
 */
#include <getopt.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "capture_session.h"
#include "summary.h"

using namespace v4l2dmabuf::capture;

namespace {

void usage(FILE *out, const char *argv0)
{
	fprintf(out,
		"Usage: %s [OPTIONS]\n"
		"Capture frames from a PipeWire video node (a V4L2 DMA-BUF source) and report\n"
		"the negotiated format, the buffers' data types and layout, and frame timing.\n\n"
		"  --target NAME        node.name or object.serial to link to (default: any)\n"
		"  --format NAME        format table name: YUYV, NV12, NV12M, YUV420M, MJPEG, ...\n"
		"  --size WxH           frame size in pixels\n"
		"  --framerate N[/D]    frames per second\n"
		"  --data-types LIST    accepted data types, any of dmabuf,memfd,memptr\n"
		"                       (default: all three)\n"
		"  --frames N           stop after N frames (default 60)\n"
		"  --timeout SECONDS    fail if the frames have not arrived by then (default 30)\n"
		"  --png FILE           write the last frame, converted to RGB, as a PNG\n"
		"  --json FILE          write the summary as JSON ('-' for stdout)\n"
		"  --node-name NAME     node.name of the capture stream (default v4l2-dmabuf-capture)\n"
		"  --io-mode MODE       set the target's v4l2-dmabuf.io-mode first\n"
		"                       (auto, dmabuf, mmap, dmabuf-import, userptr)\n"
		"  --allocator PATH     set the target's v4l2-dmabuf.allocator first\n"
		"                       (a DRM node, e.g. /dev/dri/renderD128: dmabuf-import)\n"
		"  --remote-fd N        use the connected PipeWire socket N (inherited), e.g.\n"
		"                       from the Camera portal's OpenPipeWireRemote\n"
		"  --verbose            log negotiation and buffers to stderr\n"
		"  --help               this text\n\n"
		"Exit status: 0 when the frames arrived in time, 1 otherwise, 2 on bad usage.\n",
		argv0);
}

[[noreturn]] void badUsage(const char *argv0, const std::string &what)
{
	fprintf(stderr, "%s: %s\n", argv0, what.c_str());
	usage(stderr, argv0);
	exit(2);
}

} /* namespace */

int main(int argc, char **argv)
{
	enum { Target = 256, Format, Size, Framerate, DataTypes, Frames, Timeout, Png, Json, NodeName, IoMode, Allocator, RemoteFd, Verbose, Help };
	static const option longOptions[] = {
		{"target", required_argument, nullptr, Target},
		{"format", required_argument, nullptr, Format},
		{"size", required_argument, nullptr, Size},
		{"framerate", required_argument, nullptr, Framerate},
		{"data-types", required_argument, nullptr, DataTypes},
		{"frames", required_argument, nullptr, Frames},
		{"timeout", required_argument, nullptr, Timeout},
		{"png", required_argument, nullptr, Png},
		{"json", required_argument, nullptr, Json},
		{"node-name", required_argument, nullptr, NodeName},
		{"io-mode", required_argument, nullptr, IoMode},
		{"allocator", required_argument, nullptr, Allocator},
		{"remote-fd", required_argument, nullptr, RemoteFd},
		{"verbose", no_argument, nullptr, Verbose},
		{"help", no_argument, nullptr, Help},
		{nullptr, 0, nullptr, 0},
	};

	CaptureOptions opts;
	std::string jsonPath;
	int c;
	while ((c = getopt_long(argc, argv, "", longOptions, nullptr)) != -1) {
		std::string arg = optarg ? optarg : "";
		char *end = nullptr;
		switch (c) {
		case Target: opts.target = arg; break;
		case Format: opts.format = arg; break;
		case Size:
			if (!parseSize(arg, &opts.width, &opts.height))
				badUsage(argv[0], "bad --size '" + arg + "', expected WxH");
			break;
		case Framerate:
			if (!parseFramerate(arg, &opts.framerateNum, &opts.framerateDenom))
				badUsage(argv[0], "bad --framerate '" + arg + "', expected N or N/D");
			break;
		case DataTypes:
			if (!parseDataTypes(arg, &opts.dataTypes))
				badUsage(argv[0], "bad --data-types '" + arg + "', expected dmabuf,memfd,memptr");
			break;
		case Frames:
			opts.frames = strtoull(arg.c_str(), &end, 10);
			if (arg.empty() || *end || opts.frames == 0)
				badUsage(argv[0], "bad --frames '" + arg + "'");
			break;
		case Timeout:
			opts.timeoutSeconds = strtod(arg.c_str(), &end);
			if (arg.empty() || *end || !(opts.timeoutSeconds > 0))
				badUsage(argv[0], "bad --timeout '" + arg + "'");
			break;
		case Png: opts.pngPath = arg; break;
		case Json: jsonPath = arg; break;
		case NodeName: opts.nodeName = arg; break;
		case IoMode: opts.ioMode = arg; break;
		case Allocator: opts.allocator = arg; break;
		case RemoteFd: {
			long fd = strtol(arg.c_str(), &end, 10);
			if (arg.empty() || *end || fd < 0 || fd > 65535)
				badUsage(argv[0], "bad --remote-fd '" + arg + "'");
			opts.remoteFd = int(fd);
			break;
		}
		case Verbose: opts.verbose = true; break;
		case Help: usage(stdout, argv[0]); return 0;
		default: usage(stderr, argv[0]); return 2;
		}
	}
	if (optind < argc)
		badUsage(argv[0], std::string("unexpected argument '") + argv[optind] + "'");
	if ((!opts.ioMode.empty() || !opts.allocator.empty()) && opts.target.empty())
		badUsage(argv[0], "--io-mode and --allocator need --target");

	CaptureResult result = CaptureSession(opts).run();

	fputs(summaryText(result).c_str(), stdout);
	if (!jsonPath.empty()) {
		std::string json = summaryJson(result);
		if (jsonPath == "-") {
			fputs(json.c_str(), stdout);
		} else {
			std::ofstream out(jsonPath);
			out << json;
			if (!out.flush()) {
				fprintf(stderr, "%s: cannot write %s\n", argv[0], jsonPath.c_str());
				return 1;
			}
		}
	}
	if (!result.ok) {
		fprintf(stderr, "%s: %s\n", argv[0], result.error.c_str());
		return 1;
	}
	return 0;
}
