/* SPDX-License-Identifier: MIT */
/*
 * raw-capture: the kernel's limit for the benchmark. Captures from a V4L2
 * node with MMAP buffers and nothing but DQBUF/QBUF in a poll() loop: no
 * PipeWire, no mapping, no copy. Reports what v4l2-dmabuf-capture reports,
 * where it applies, as JSON.
 */
#include <getopt.h>
#include <poll.h>
#include <sys/resource.h>
#include <time.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include "raw_stats.h"
#include "v4l2_buffer_queue.h"
#include "v4l2_device.h"
#include "process_clock.h"

using namespace v4l2dmabuf;
using namespace v4l2dmabuf::bench;

namespace {

/** V4L2 fourcc for a name: NV12M and YUV420M, or any four characters. 0 if neither. */
uint32_t fourccFromName(const std::string &name)
{
	if (name == "NV12M")
		return V4L2_PIX_FMT_NV12M;
	if (name == "YUV420M")
		return V4L2_PIX_FMT_YUV420M;
	if (name.size() != 4)
		return 0;
	return v4l2_fourcc(name[0], name[1], name[2], name[3]);
}

void usage(FILE *out, const char *argv0)
{
	fprintf(out,
		"Usage: %s --device /dev/videoN --format NAME --size WxH [OPTIONS]\n"
		"Capture with MMAP buffers, DQBUF/QBUF only, and report frames, sequence gaps,\n"
		"latency (dequeue time - buffer timestamp), time to first frame and CPU time.\n\n"
		"  --device PATH      V4L2 capture node\n"
		"  --format NAME      YUYV, NV12, NV12M, ... (V4L2 fourcc or NV12M/YUV420M)\n"
		"  --size WxH         frame size in pixels\n"
		"  --framerate N      frames per second (VIDIOC_S_PARM; skipped when the input\n"
		"                     has no frame-rate control, e.g. vivid's HDMI input)\n"
		"  --frames N         stop after N frames (default 300)\n"
		"  --buffers N        MMAP buffers to request (default 4)\n"
		"  --timeout SECONDS  fail when the frames have not arrived by then (default 60)\n"
		"  --json FILE        write the result as JSON ('-' for stdout)\n\n"
		"Exit status: 0 when the frames arrived, 1 otherwise, 2 on bad usage.\n",
		argv0);
}

[[noreturn]] void badUsage(const char *argv0, const std::string &what)
{
	fprintf(stderr, "%s: %s\n", argv0, what.c_str());
	usage(stderr, argv0);
	exit(2);
}

[[noreturn]] void fail(const char *argv0, const std::string &what, int err)
{
	fprintf(stderr, "%s: %s: %s\n", argv0, what.c_str(), strerror(-err));
	exit(1);
}

} /* namespace */

int main(int argc, char **argv)
{
	enum { Device = 256, Format, Size, Framerate, Frames, Buffers, Timeout, Json, Help };
	static const option longOptions[] = {
		{"device", required_argument, nullptr, Device},
		{"format", required_argument, nullptr, Format},
		{"size", required_argument, nullptr, Size},
		{"framerate", required_argument, nullptr, Framerate},
		{"frames", required_argument, nullptr, Frames},
		{"buffers", required_argument, nullptr, Buffers},
		{"timeout", required_argument, nullptr, Timeout},
		{"json", required_argument, nullptr, Json},
		{"help", no_argument, nullptr, Help},
		{nullptr, 0, nullptr, 0},
	};
	std::string device, formatName, jsonPath;
	uint32_t width = 0, height = 0, framerate = 0, buffers = 4;
	uint64_t frames = 300;
	double timeoutSeconds = 60;
	int c;
	while ((c = getopt_long(argc, argv, "", longOptions, nullptr)) != -1) {
		std::string arg = optarg ? optarg : "";
		char *end = nullptr;
		switch (c) {
		case Device: device = arg; break;
		case Format: formatName = arg; break;
		case Size:
			if (sscanf(arg.c_str(), "%ux%u", &width, &height) != 2 || !width || !height)
				badUsage(argv[0], "bad --size '" + arg + "'");
			break;
		case Framerate:
			framerate = uint32_t(strtoul(arg.c_str(), &end, 10));
			if (arg.empty() || *end || !framerate)
				badUsage(argv[0], "bad --framerate '" + arg + "'");
			break;
		case Frames:
			frames = strtoull(arg.c_str(), &end, 10);
			if (arg.empty() || *end || !frames)
				badUsage(argv[0], "bad --frames '" + arg + "'");
			break;
		case Buffers:
			buffers = uint32_t(strtoul(arg.c_str(), &end, 10));
			if (arg.empty() || *end || !buffers || buffers > VIDEO_MAX_FRAME)
				badUsage(argv[0], "bad --buffers '" + arg + "'");
			break;
		case Timeout:
			timeoutSeconds = strtod(arg.c_str(), &end);
			if (arg.empty() || *end || !(timeoutSeconds > 0))
				badUsage(argv[0], "bad --timeout '" + arg + "'");
			break;
		case Json: jsonPath = arg; break;
		case Help: usage(stdout, argv[0]); return 0;
		default: usage(stderr, argv[0]); return 2;
		}
	}
	if (optind < argc)
		badUsage(argv[0], std::string("unexpected argument '") + argv[optind] + "'");
	uint32_t fourcc = fourccFromName(formatName);
	if (device.empty() || !fourcc || !width)
		badUsage(argv[0], "--device, --format and --size are required");

	RawStats stats;
	const int64_t startNs = monotonicNs();
	V4l2Device dev;
	dev.setLogSink([](LogLevel level, const std::string &msg) {
		if (level <= LogLevel::Warn)
			fprintf(stderr, "raw-capture: %s\n", msg.c_str());
	});
	int res = dev.open(device);
	if (res < 0)
		fail(argv[0], "cannot open " + device, res);

	V4l2Format fmt;
	fmt.fourcc = fourcc;
	fmt.width = width;
	fmt.height = height;
	if ((res = dev.setFormat(&fmt)) < 0)
		fail(argv[0], "VIDIOC_S_FMT " + formatName, res);
	if (fmt.fourcc != fourcc || fmt.width != width || fmt.height != height) {
		fprintf(stderr, "%s: the driver chose %s %ux%u instead of %s %ux%u\n", argv[0],
			fourccToString(fmt.fourcc).c_str(), fmt.width, fmt.height, formatName.c_str(),
			width, height);
		return 1;
	}
	V4l2Fraction interval{0, 0};
	if (framerate) {
		interval = {1, framerate};
		res = dev.setFrameInterval(&interval);
		if (res == -ENOTTY)
			interval = {0, 0}; /* fixed by the input (DV timings) */
		else if (res < 0)
			fail(argv[0], "VIDIOC_S_PARM", res);
	}

	V4l2BufferQueue queue(dev);
	res = queue.requestBuffers(buffers, V4l2Memory::Mmap);
	if (res <= 0)
		fail(argv[0], "VIDIOC_REQBUFS(MMAP)", res < 0 ? res : -ENOMEM);
	const uint32_t granted = uint32_t(res);
	for (uint32_t i = 0; i < granted; i++)
		if ((res = queue.queueBuffer(i)) < 0)
			fail(argv[0], "VIDIOC_QBUF", res);
	if ((res = queue.streamOn()) < 0)
		fail(argv[0], "VIDIOC_STREAMON", res);

	const int64_t deadline = startNs + int64_t(timeoutSeconds * 1e9);
	double cpuFirst = 0;
	int exitCode = 0;
	while (stats.frames < frames) {
		int64_t now = monotonicNs();
		if (now >= deadline) {
			fprintf(stderr, "%s: timeout after %g s: %llu of %llu frames\n", argv[0],
				timeoutSeconds, (unsigned long long)stats.frames,
				(unsigned long long)frames);
			exitCode = 1;
			break;
		}
		pollfd pfd{dev.fd(), POLLIN, 0};
		int n = poll(&pfd, 1, int((deadline - now) / 1000000) + 1);
		if (n < 0 && errno != EINTR)
			fail(argv[0], "poll", -errno);
		if (n <= 0)
			continue;
		V4l2DequeuedBuffer buf;
		res = queue.dequeueBuffer(&buf);
		if (res == -EAGAIN)
			continue;
		if (res < 0)
			fail(argv[0], "VIDIOC_DQBUF", res);
		int64_t dequeuedNs = monotonicNs();
		if (stats.frames == 0) {
			stats.timeToFirstFrameMs = (dequeuedNs - startNs) / 1e6;
			cpuFirst = processCpuMs();
		}
		stats.addFrame(buf.sequence, dequeuedNs - int64_t(buf.timestampNs), buf.corrupted());
		if (stats.frames == frames)
			stats.cpuStreamingMs = processCpuMs() - cpuFirst;
		if ((res = queue.queueBuffer(buf.index)) < 0)
			fail(argv[0], "VIDIOC_QBUF", res);
	}
	queue.streamOff();
	queue.requestBuffers(0, V4l2Memory::Mmap);
	stats.cpuRunMs = processCpuMs();

	char extra[512];
	snprintf(extra, sizeof(extra),
		 "  \"device\": \"%s\",\n"
		 "  \"format\": {\"name\": \"%s\", \"width\": %u, \"height\": %u, "
		 "\"framerate\": \"%u/%u\", \"memory_planes\": %u},\n"
		 "  \"memory\": \"MMAP\",\n"
		 "  \"buffers\": %u,\n"
		 "  \"datas_per_buffer\": [%u],\n",
		 device.c_str(), formatName.c_str(), fmt.width, fmt.height, interval.denominator,
		 interval.numerator, queue.numPlanes(), granted, queue.numPlanes());
	std::string json = rawStatsJson(stats, extra);
	if (jsonPath == "-") {
		fputs(json.c_str(), stdout);
	} else if (!jsonPath.empty()) {
		std::ofstream out(jsonPath);
		out << json;
		if (!out.flush()) {
			fprintf(stderr, "%s: cannot write %s\n", argv[0], jsonPath.c_str());
			return 1;
		}
	}
	printf("raw-capture: %s %s %ux%u: %llu frames, %llu sequence gaps, latency p50 %.3f ms, "
	       "first frame after %.1f ms\n", device.c_str(), formatName.c_str(), fmt.width,
	       fmt.height, (unsigned long long)stats.frames, (unsigned long long)stats.sequenceGaps,
	       percentile(stats.latencyNs, 0.5) / 1e6, stats.timeToFirstFrameMs);
	return exitCode;
}
