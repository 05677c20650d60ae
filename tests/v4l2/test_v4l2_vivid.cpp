/* SPDX-License-Identifier: MIT */
/*
 * The V4L2 layer against real vivid, run inside the test VM
 * (vivid n_devs=2 multiplanar=1,2: /dev/video0 single-planar capture,
 * /dev/video1 its output, /dev/video4 multi-planar capture). Exits 77
 * (skipped) where those nodes are not vivid's (VividFixture).
 *
 * Pixel checks use vivid's "100% White" test pattern with the on-screen
 * text off: every luma sample is then the same value.
 */

#include <sys/ioctl.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <string>
#include <vector>

#include "catch.h"
#include "fd_helpers.h"
#include "fixtures.h"
#include "memory_map.h"
#include "v4l2_buffer_queue.h"
#include "v4l2_device.h"
#include "v4l2_test_util.h"
#include "vivid.h"

using namespace v4l2test;
using fdcheck::dmabufExporter;
using testenv::VividFixture;
using vivid::kMultiPlanar;
using vivid::kSinglePlanar;

using namespace v4l2dmabuf;

namespace {

/* vivid's test_pattern menu (6.1): 6 = "100% White"; osd_text_mode 2 = "None". */
constexpr int kPatternWhite = 6;
constexpr int kOsdNone = 2;

/* "Test Pattern" -> "test_pattern", as v4l2-ctl names controls. */
std::string controlKey(const char *name)
{
	std::string key;
	for (const char *p = name; *p; p++) {
		if (isalnum(static_cast<unsigned char>(*p)))
			key += static_cast<char>(tolower(static_cast<unsigned char>(*p)));
		else if (!key.empty() && key.back() != '_')
			key += '_';
	}
	while (!key.empty() && key.back() == '_')
		key.pop_back();
	return key;
}

/*
 * Finds control @p key by walking VIDIOC_QUERY_EXT_CTRL with
 * V4L2_CTRL_FLAG_NEXT_CTRL, then sets it with VIDIOC_S_EXT_CTRLS.
 */
int setControl(const V4l2Device &dev, const std::string &key, int32_t value)
{
	struct v4l2_query_ext_ctrl q = {};
	q.id = V4L2_CTRL_FLAG_NEXT_CTRL;
	while (dev.ioctl(VIDIOC_QUERY_EXT_CTRL, &q) == 0) {
		if (q.type != V4L2_CTRL_TYPE_CTRL_CLASS && controlKey(q.name) == key) {
			struct v4l2_ext_control ctrl = {};
			ctrl.id = q.id;
			ctrl.value = value;
			struct v4l2_ext_controls ctrls = {};
			ctrls.which = V4L2_CTRL_WHICH_CUR_VAL;
			ctrls.count = 1;
			ctrls.controls = &ctrl;
			return dev.ioctl(VIDIOC_S_EXT_CTRLS, &ctrls);
		}
		q.id |= V4L2_CTRL_FLAG_NEXT_CTRL;
	}
	return -ENOENT;
}

void whitePatternNoText(const V4l2Device &dev)
{
	REQUIRE(setControl(dev, "test_pattern", kPatternWhite) == 0);
	REQUIRE(setControl(dev, "osd_text_mode", kOsdNone) == 0);
}

/*
 * Samples of a packed 4:2:2 (YUYV) frame: every Y, and every Cb/Cr.
 */
void scanYuyv(const uint8_t *data, uint32_t width, uint32_t height, uint32_t bpl, Range *y,
	      Range *c)
{
	for (uint32_t row = 0; row < height; row++) {
		const uint8_t *line = data + size_t(row) * bpl;
		for (uint32_t x = 0; x < width * 2; x += 2) {
			y->add(line[x]);
			c->add(line[x + 1]);
		}
	}
}

/* Samples of one 8-bit plane (Y of NV12M, or its interleaved CbCr). */
void scanPlane(const uint8_t *data, uint32_t bytes, uint32_t rows, uint32_t bpl, Range *r)
{
	scan(data, bytes, rows, bpl, 0, 1, r);
}

bool hasFormat(const std::vector<V4l2FormatDesc> &formats, uint32_t fourcc)
{
	for (const V4l2FormatDesc &f : formats)
		if (f.fourcc == fourcc)
			return true;
	return false;
}

/*
 * Sets vivid's white pattern and 640x480 @p fourcc at 25/s on @p dev, exports
 * 4 buffers of @p planes memory planes, maps and queues them all and starts
 * streaming.
 */
struct WhiteStream {
	V4l2Format format;
	std::vector<V4l2ExportedBuffer> buffers;
	std::vector<std::vector<MemoryMap>> maps;

	WhiteStream(V4l2Device &dev, V4l2BufferQueue &queue, uint32_t fourcc, size_t planes)
		: format(vga(fourcc))
	{
		whitePatternNoText(dev);
		REQUIRE(dev.setFormat(&format) == 0);
		REQUIRE(format.fourcc == fourcc);
		REQUIRE(format.planes.size() == planes);
		V4l2Fraction ivl{ 1, 25 };
		REQUIRE(dev.setFrameInterval(&ivl) == 0);

		REQUIRE(queue.exportBuffers(4, &buffers) == 0);
		REQUIRE(queue.numPlanes() == planes);
		maps.resize(buffers.size());
		for (uint32_t i = 0; i < buffers.size(); i++) {
			REQUIRE(queue.mapBuffer(i, &maps[i]) == 0);
			REQUIRE(maps[i].size() == planes);
			REQUIRE(queue.queueBuffer(i) == 0);
		}
		REQUIRE(queue.streamOn() == 0);
		CHECK(queue.streaming());
	}
};

/* Streams @p frames MMAP frames at 1/25 s from @p dev (already formatted). */
void streamSome(V4l2Device &dev, V4l2BufferQueue &queue, int frames)
{
	V4l2Fraction ivl{ 1, 25 };
	REQUIRE(dev.setFrameInterval(&ivl) == 0);
	REQUIRE(queue.requestBuffers(4, V4l2Memory::Mmap) >= 2);
	for (uint32_t i = 0; i < queue.count(); i++)
		REQUIRE(queue.queueBuffer(i) == 0);
	REQUIRE(queue.streamOn() == 0);
	for (int n = 0; n < frames; n++) {
		V4l2DequeuedBuffer buf;
		REQUIRE(waitAndDequeue(dev, queue, &buf) == 0);
		REQUIRE(queue.queueBuffer(buf.index) == 0);
	}
}

/*
 * Streams two frames, sets vivid's button control @p control and dequeues
 * until DQBUF fails. @return that failure.
 */
int errorAfter(V4l2Device &dev, V4l2BufferQueue &queue, const char *control)
{
	streamSome(dev, queue, 2);
	REQUIRE(setControl(dev, control, 1) == 0);
	V4l2DequeuedBuffer buf;
	int ret;
	do
		ret = waitAndDequeue(dev, queue, &buf);
	while (ret == 0);
	return ret;
}

} /* namespace */

TEST_CASE_METHOD(VividFixture, "capture nodes open with the right buffer type", "[vivid]")
{
	V4l2Device &sp = open(kSinglePlanar);
	CHECK(sp.capability().driver == "vivid");
	CHECK_FALSE(sp.isMultiplanar());
	CHECK(sp.bufferType() == V4L2_BUF_TYPE_VIDEO_CAPTURE);
	CHECK((sp.capability().deviceCaps & V4L2_CAP_STREAMING));

	V4l2Device &mp = open(kMultiPlanar);
	CHECK(mp.capability().driver == "vivid");
	CHECK(mp.isMultiplanar());
	CHECK(mp.bufferType() == V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE);

	/* vivid's video output node: V4L2, streaming, but no capture. */
	V4l2Device out;
	CHECK(out.open(vivid::kSinglePlanarOutput) == -ENODEV);
	CHECK_FALSE(out.isOpen());
}

TEST_CASE_METHOD(VividFixture, "formats, sizes and intervals enumerate", "[vivid]")
{
	V4l2Device &sp = open(kSinglePlanar);
	V4l2Device &mp = open(kMultiPlanar);

	std::vector<V4l2FormatDesc> formats = sp.enumFormats();
	REQUIRE(hasFormat(formats, V4L2_PIX_FMT_YUYV));
	/* The single-planar API has no formats with several memory planes. */
	CHECK_FALSE(hasFormat(formats, V4L2_PIX_FMT_NV12M));

	std::vector<V4l2FrameSize> sizes = sp.enumFrameSizes(V4L2_PIX_FMT_YUYV);
	REQUIRE(!sizes.empty());
	bool has640x480 = false;
	for (const V4l2FrameSize &s : sizes) {
		CHECK(s.type == V4l2FrameSize::Type::Discrete);
		CHECK(s.minWidth == s.maxWidth);
		CHECK(s.minHeight == s.maxHeight);
		CHECK(s.minWidth > 0);
		if (s.minWidth == 640 && s.minHeight == 480)
			has640x480 = true;
	}
	CHECK(has640x480);

	V4l2FrameIntervals iv = sp.enumFrameIntervals(V4L2_PIX_FMT_YUYV, 640, 480);
	REQUIRE(iv.type == V4l2FrameIntervals::Type::Discrete);
	REQUIRE(!iv.discrete.empty());
	bool has25 = false;
	for (const V4l2Fraction &f : iv.discrete) {
		CHECK(f.numerator > 0);
		CHECK(f.denominator > 0);
		if (f.numerator * 25 == f.denominator)
			has25 = true;
	}
	CHECK(has25);

	std::vector<V4l2FormatDesc> mformats = mp.enumFormats();
	CHECK(hasFormat(mformats, V4L2_PIX_FMT_YUYV));
	CHECK(hasFormat(mformats, V4L2_PIX_FMT_NV12M));
	CHECK(hasFormat(mformats, V4L2_PIX_FMT_YUV420M));
	CHECK(!mp.enumFrameSizes(V4L2_PIX_FMT_NV12M).empty());
}

TEST_CASE_METHOD(VividFixture, "formats converge on V4l2Format for both APIs", "[vivid]")
{
	V4l2Device &sp = open(kSinglePlanar);
	V4l2Device &mp = open(kMultiPlanar);

	V4l2Format f = vga(V4L2_PIX_FMT_NV12M);
	REQUIRE(mp.setFormat(&f) == 0);
	CHECK(f.fourcc == V4L2_PIX_FMT_NV12M);
	CHECK(f.width == 640);
	CHECK(f.height == 480);
	REQUIRE(f.planes.size() == 2);
	CHECK(f.planes[0].bytesperline >= 640);
	CHECK(f.planes[0].sizeimage >= f.planes[0].bytesperline * 480);
	CHECK(f.planes[1].bytesperline >= 640);
	CHECK(f.planes[1].sizeimage >= f.planes[1].bytesperline * 240);

	V4l2Format g;
	REQUIRE(mp.getFormat(&g) == 0);
	CHECK(g.fourcc == V4L2_PIX_FMT_NV12M);
	CHECK(g.planes.size() == 2);

	V4l2Format y = vga(V4L2_PIX_FMT_YUV420M);
	REQUIRE(mp.tryFormat(&y) == 0);
	CHECK(y.fourcc == V4L2_PIX_FMT_YUV420M);
	CHECK(y.planes.size() == 3);
	/* TRY_FMT changes nothing. */
	REQUIRE(mp.getFormat(&g) == 0);
	CHECK(g.fourcc == V4L2_PIX_FMT_NV12M);

	V4l2Format s = vga(V4L2_PIX_FMT_YUYV);
	REQUIRE(sp.setFormat(&s) == 0);
	REQUIRE(s.planes.size() == 1);
	CHECK(s.planes[0].bytesperline >= 1280);
	CHECK(s.planes[0].sizeimage >= 1280u * 480);

	V4l2Fraction ivl{ 1, 25 };
	REQUIRE(sp.setFrameInterval(&ivl) == 0);
	CHECK(ivl.numerator * 25 == ivl.denominator);
	V4l2Fraction cur;
	REQUIRE(sp.getFrameInterval(&cur) == 0);
	CHECK(cur.numerator * 25 == cur.denominator);
}

TEST_CASE_METHOD(VividFixture, "buffer counts probe and DMA-BUF export", "[vivid]")
{
	V4l2Device &mp = open(kMultiPlanar);
	V4l2Format f = vga(V4L2_PIX_FMT_NV12M);
	REQUIRE(mp.setFormat(&f) == 0);
	REQUIRE(f.planes.size() == 2);

	V4l2BufferQueue queue(mp);
	V4l2BufferCounts counts;
	REQUIRE(queue.probeCounts(&counts) == 0);
	printf("vivid MPLANE NV12M 640x480: min %u max %u capabilities 0x%x\n", counts.min,
	       counts.max, counts.capabilities);
	CHECK(counts.min >= 1);
	CHECK(counts.min <= counts.max);
	CHECK(counts.max <= VIDEO_MAX_FRAME);
	CHECK((counts.capabilities & V4L2_BUF_CAP_SUPPORTS_DMABUF));
	CHECK((counts.capabilities & V4L2_BUF_CAP_SUPPORTS_MMAP));
	CHECK(queue.count() == 0);

	std::vector<V4l2ExportedBuffer> buffers;
	REQUIRE(queue.exportBuffers(4, &buffers) == 0);
	CHECK(queue.numPlanes() == 2);
	CHECK(queue.count() == buffers.size());
	REQUIRE(buffers.size() >= 4);
	for (size_t i = 0; i < buffers.size(); i++) {
		CHECK(buffers[i].index == i);
		REQUIRE(buffers[i].planes.size() == 2);
		for (size_t p = 0; p < 2; p++) {
			const V4l2ExportedPlane &plane = buffers[i].planes[p];
			REQUIRE(plane.fd.isValid());
			CHECK(plane.length >= f.planes[p].sizeimage);
			std::string exporter = dmabufExporter(plane.fd.get());
			INFO("buffer " << i << " plane " << p << " exp_name '" << exporter << "'");
			CHECK(exporter.find("videobuf2") == 0);
			if (i == 0 && p == 0)
				printf("exp_name: %s\n", exporter.c_str());
		}
	}
	/* With buffers allocated, probing is refused. */
	CHECK(queue.probeCounts(&counts) == -EBUSY);

	/* The fds outlive the vb2 buffers (REQBUFS 0). */
	REQUIRE(queue.requestBuffers(0, V4l2Memory::Mmap) == 0);
	MemoryMap m;
	REQUIRE(m.map(buffers[0].planes[0].fd.get(), buffers[0].planes[0].length, 0,
		      PROT_READ) == 0);

	V4l2Device &sp = open(kSinglePlanar);
	V4l2BufferQueue spQueue(sp);
	REQUIRE(spQueue.probeCounts(&counts) == 0);
	printf("vivid single-planar: min %u max %u capabilities 0x%x\n", counts.min, counts.max,
	       counts.capabilities);
	CHECK(counts.min >= 1);
	CHECK(counts.min <= counts.max);
}

TEST_CASE_METHOD(VividFixture, "YUYV streams white frames on the single-planar node", "[vivid]")
{
	V4l2Device &dev = open(kSinglePlanar);
	V4l2BufferQueue queue(dev);
	WhiteStream stream(dev, queue, V4L2_PIX_FMT_YUYV, 1);
	const V4l2Format &f = stream.format;

	Range y, c;
	int64_t lastSeq = -1;
	uint64_t lastTs = 0;
	for (int n = 0; n < 30; n++) {
		V4l2DequeuedBuffer buf;
		REQUIRE(waitAndDequeue(dev, queue, &buf) == 0);
		CHECK_FALSE(buf.corrupted());
		CHECK(int64_t(buf.sequence) > lastSeq);
		CHECK(buf.timestampNs > 0);
		CHECK(buf.timestampNs >= lastTs);
		CHECK((buf.flags & V4L2_BUF_FLAG_TIMESTAMP_MASK) ==
		      V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC);
		REQUIRE(buf.numPlanes == 1);
		CHECK(buf.planes[0].dataOffset == 0);
		CHECK(buf.planes[0].bytesused == f.planes[0].sizeimage);
		lastSeq = buf.sequence;
		lastTs = buf.timestampNs;
		scanYuyv(stream.maps[buf.index][0].data(), f.width, f.height, f.planes[0].bytesperline,
			 &y, &c);
		REQUIRE(queue.queueBuffer(buf.index) == 0);
	}
	printf("YUYV white: Y %d..%d, CbCr %d..%d, last sequence %lld\n", y.min, y.max, c.min,
	       c.max, static_cast<long long>(lastSeq));
	checkWhite(y, &c);

	REQUIRE(queue.streamOff() == 0);
	CHECK_FALSE(queue.streaming());
	/* After STREAMOFF nothing is left to dequeue. */
	V4l2DequeuedBuffer buf;
	CHECK(queue.dequeueBuffer(&buf) == -EINVAL); /* vb2: not streaming */
	REQUIRE(queue.requestBuffers(0, V4l2Memory::Mmap) == 0);
	CHECK(queue.count() == 0);
}

TEST_CASE_METHOD(VividFixture, "NV12M streams white frames on the multi-planar node", "[vivid]")
{
	V4l2Device &dev = open(kMultiPlanar);
	V4l2BufferQueue queue(dev);
	WhiteStream stream(dev, queue, V4L2_PIX_FMT_NV12M, 2);
	const V4l2Format &f = stream.format;

	Range y, c;
	int64_t lastSeq = -1;
	for (int n = 0; n < 10; n++) {
		V4l2DequeuedBuffer buf;
		REQUIRE(waitAndDequeue(dev, queue, &buf) == 0);
		CHECK(int64_t(buf.sequence) > lastSeq);
		CHECK(buf.timestampNs > 0);
		lastSeq = buf.sequence;
		REQUIRE(buf.numPlanes == 2);
		for (uint32_t p = 0; p < 2; p++) {
			CHECK(buf.planes[p].bytesused > buf.planes[p].dataOffset);
			CHECK(buf.planes[p].bytesused <= stream.buffers[buf.index].planes[p].length);
		}
		const uint8_t *luma = stream.maps[buf.index][0].data() + buf.planes[0].dataOffset;
		const uint8_t *chroma = stream.maps[buf.index][1].data() + buf.planes[1].dataOffset;
		scanPlane(luma, f.width, f.height, f.planes[0].bytesperline, &y);
		scanPlane(chroma, f.width, f.height / 2, f.planes[1].bytesperline, &c);
		REQUIRE(queue.queueBuffer(buf.index) == 0);
	}
	printf("NV12M white: Y %d..%d, CbCr %d..%d\n", y.min, y.max, c.min, c.max);
	checkWhite(y, &c);

	REQUIRE(queue.streamOff() == 0);
	REQUIRE(queue.requestBuffers(0, V4l2Memory::Mmap) == 0);
}

TEST_CASE_METHOD(VividFixture, "DMA-BUFs exported by one node import into another", "[vivid]")
{
	/* The exporter: multi-planar node, YUYV (one memory plane). */
	V4l2Device &exp = open(kMultiPlanar);
	V4l2Format ef = vga(V4L2_PIX_FMT_YUYV);
	REQUIRE(exp.setFormat(&ef) == 0);
	REQUIRE(ef.planes.size() == 1);
	V4l2BufferQueue expQueue(exp);
	std::vector<V4l2ExportedBuffer> buffers;
	REQUIRE(expQueue.exportBuffers(4, &buffers) == 0);

	/* The importer: single-planar node, same format, DMABUF memory. */
	V4l2Device &dev = open(kSinglePlanar);
	whitePatternNoText(dev);
	V4l2Format f = vga(V4L2_PIX_FMT_YUYV);
	REQUIRE(dev.setFormat(&f) == 0);
	V4l2Fraction ivl{ 1, 25 };
	REQUIRE(dev.setFrameInterval(&ivl) == 0);

	V4l2BufferQueue queue(dev);
	int granted = queue.requestBuffers(static_cast<uint32_t>(buffers.size()), V4l2Memory::DmaBuf);
	REQUIRE(granted == static_cast<int>(buffers.size()));
	REQUIRE(queue.memory() == V4l2Memory::DmaBuf);
	CHECK(queue.queueBuffer(0, {}) == -EINVAL); /* plane count mismatch */
	CHECK(queue.queueBuffer(0) == -EINVAL);     /* not MMAP */

	std::vector<MemoryMap> maps(buffers.size());
	for (uint32_t i = 0; i < buffers.size(); i++) {
		const V4l2ExportedPlane &ep = buffers[i].planes[0];
		REQUIRE(maps[i].map(ep.fd.get(), ep.length, 0, PROT_READ) == 0);
		V4l2ImportPlane ip;
		ip.fd = ep.fd.get();
		ip.length = ep.length;
		REQUIRE(queue.queueBuffer(i, { ip }) == 0);
	}
	REQUIRE(queue.streamOn() == 0);

	Range y, c;
	for (int n = 0; n < 8; n++) {
		V4l2DequeuedBuffer buf;
		REQUIRE(waitAndDequeue(dev, queue, &buf) == 0);
		CHECK(buf.planes[0].bytesused == f.planes[0].sizeimage);
		scanYuyv(maps[buf.index].data(), f.width, f.height, f.planes[0].bytesperline, &y, &c);
		const V4l2ExportedPlane &ep = buffers[buf.index].planes[0];
		V4l2ImportPlane ip;
		ip.fd = ep.fd.get();
		ip.length = ep.length;
		REQUIRE(queue.queueBuffer(buf.index, { ip }) == 0);
	}
	printf("YUYV white via DMABUF import: Y %d..%d, CbCr %d..%d\n", y.min, y.max, c.min, c.max);
	checkWhite(y, nullptr);
	/* The destructors stop streaming and release both queues. */
}

TEST_CASE_METHOD(VividFixture, "a fatal streaming error dequeues as -EPIPE", "[vivid]")
{
	V4l2Device &dev = open(kSinglePlanar);
	V4l2BufferQueue queue(dev);
	/* vivid calls vb2_queue_error(): DQBUF answers EIO. */
	CHECK(errorAfter(dev, queue, "inject_fatal_streaming_error") == -EPIPE);

	/* Restarting the queue clears the error. */
	REQUIRE(queue.streamOff() == 0);
	REQUIRE(queue.requestBuffers(0, V4l2Memory::Mmap) == 0);
	streamSome(dev, queue, 2);
}

/* Last: it unregisters vivid's multi-planar instance for the rest of the boot. */
TEST_CASE_METHOD(VividFixture, "an unplugged device dequeues as -ENODEV", "[vivid][disconnect]")
{
	V4l2Device &dev = open(kMultiPlanar);
	V4l2BufferQueue queue(dev);
	CHECK(errorAfter(dev, queue, "disconnect") == -ENODEV);
	CHECK(queue.streamOff() == -ENODEV);
	CHECK_FALSE(queue.streaming());
	/* The destructor's REQBUFS 0 fails too; the fd still closes. */
}
