/* SPDX-License-Identifier: MIT */
/*
 * io-mode convert, hosted directly against the real vivid driver in the test
 * VM, run under tests/common/with-raw-sensor: libv4l2 sees
 * /dev/video0 as a raw sensor offering only SRGGB8 (Bayer), so the formats it
 * emulates are really demosaiced by libv4lconvert from vivid's real frames.
 * Proves: only emulated formats are offered, only as MemFd/MemPtr with the
 * port not allocating, frames carry the converted pattern in the given
 * shared memory, the zero-copy node of the same device is untouched, a
 * device needing no conversion gets no converting node, and no fd leaks.
 */
#include <spa/pod/parser.h>

#include <cstdlib>
#include <memory>
#include <set>

#include "node_test_util.h"

namespace {

std::map<std::string, std::string> convertProps(const char *path)
{
	return {{"api.v4l2.path", path}, {"v4l2-dmabuf.io-mode", "convert"}};
}

/* The SPA video formats of every EnumFormat entry. */
std::set<uint32_t> offeredFormats(NodeHost &host)
{
	std::set<uint32_t> formats;
	for (const auto &param : host.portParams(SPA_PARAM_EnumFormat)) {
		const struct spa_pod_prop *prop = spa_pod_find_prop(asPod(param), nullptr,
								     SPA_FORMAT_VIDEO_format);
		uint32_t n = 0, choice = 0;
		if (!prop)
			continue;
		const struct spa_pod *v = spa_pod_get_values(&prop->value, &n, &choice);
		uint32_t id = 0;
		if (spa_pod_get_id(v, &id) == 0)
			formats.insert(id);
	}
	return formats;
}

/* The dataType flags of the Buffers param. */
uint32_t bufferDataTypes(NodeHost &host)
{
	auto params = host.portParams(SPA_PARAM_Buffers);
	if (params.size() != 1)
		return 0;
	const struct spa_pod_prop *dt = spa_pod_find_prop(asPod(params[0]), nullptr,
							   SPA_PARAM_BUFFERS_dataType);
	uint32_t n = 0, choice = 0;
	int32_t types = 0;
	if (!dt || spa_pod_get_int(spa_pod_get_values(&dt->value, &n, &choice), &types) < 0)
		return 0;
	return uint32_t(types);
}

int setProps(NodeHost &host, const char *ioMode)
{
	uint8_t buf[256];
	struct spa_pod_builder b = SPA_POD_BUILDER_INIT(buf, sizeof(buf));
	auto *pod = static_cast<struct spa_pod *>(spa_pod_builder_add_object(&b,
		SPA_TYPE_OBJECT_Props, SPA_PARAM_Props,
		V4L2_DMABUF_PROP_ioMode, SPA_POD_String(ioMode)));
	return spa_node_set_param(host.node(), SPA_PARAM_Props, 0, pod);
}

/* Streams @p frames frames of 640x480 @p spaFormat into 4 given memfds. */
struct ConvertedCapture {
	std::vector<std::unique_ptr<SharedMemory>> memory;
	std::vector<NodeHost::Frame> frames;

	int run(NodeHost &host, uint32_t spaFormat, size_t bytes, size_t count)
	{
		uint8_t buf[1024];
		struct spa_pod_builder b = SPA_POD_BUILDER_INIT(buf, sizeof(buf));
		int ret = host.setFormat(rawFormat(&b, spaFormat, 640, 480, 0, 25));
		if (ret < 0)
			return ret;
		for (int i = 0; i < 4; i++) {
			memory.push_back(std::make_unique<SharedMemory>(bytes));
			memset(memory.back()->data, 0x10, bytes);
		}
		ret = host.giveBuffers(4, 1, [&](uint32_t i, uint32_t, struct spa_data *d) {
			d->type = SPA_DATA_MemFd;
			d->fd = memory[i]->fd;
			d->data = memory[i]->data;
			d->maxsize = uint32_t(memory[i]->size);
		});
		if (ret < 0)
			return ret;
		host.clearFrames();
		if ((ret = host.start()) < 0)
			return ret;
		frames = host.waitFrames(count, 15000);
		return host.pause();
	}

	const uint8_t *pixels(const NodeHost::Frame &f) const
	{
		return static_cast<const uint8_t *>(memory[f.bufferId]->data);
	}
};

/* Mean of component @p c (0 R, 1 G, 2 B) of the RGB24 image's middle half. */
double rgbMean(const uint8_t *rgb, int c)
{
	return vivid::meanBytes(rgb + 120 * 1920 + 160 * 3, 1920, 320 * 3, 240, c, 3);
}

} /* namespace */

TEST_CASE_METHOD(NodeFixture, "convert offers only libv4l2's emulated formats, as shared memory only", "[convert]")
{
	NodeHost &host = node(convertProps(vivid::kSinglePlanar));
	/* SRGGB8 is the raw sensor's; libv4lconvert adds RGB24, BGR24, YUV420, YVU420. */
	CHECK(offeredFormats(host) == std::set<uint32_t>{SPA_VIDEO_FORMAT_RGB, SPA_VIDEO_FORMAT_BGR,
							 SPA_VIDEO_FORMAT_I420, SPA_VIDEO_FORMAT_YV12});
	CHECK(host.nodeProps().at("v4l2-dmabuf.conversion") == "libv4l2");
	CHECK(host.nodeProps().at("node.description").find("(libv4l2 conversion)") != std::string::npos);
	/* PipeWire must give the node shared memory: the port does not allocate. */
	CHECK((host.portFlags() & SPA_PORT_FLAG_CAN_ALLOC_BUFFERS) == 0);

	uint8_t buf[1024];
	struct spa_pod_builder b = SPA_POD_BUILDER_INIT(buf, sizeof(buf));
	REQUIRE(host.setFormat(rawFormat(&b, SPA_VIDEO_FORMAT_RGB, 640, 480, 0, 25)) == 0);
	CHECK(bufferDataTypes(host) == (bit(SPA_DATA_MemFd) | bit(SPA_DATA_MemPtr)));
	CHECK((host.portFlags() & SPA_PORT_FLAG_CAN_ALLOC_BUFFERS) == 0);

	SECTION("the device's own (Bayer) format is not offered") {
		b = SPA_POD_BUILDER_INIT(buf, sizeof(buf));
		CHECK(host.setFormat(rawFormat(&b, SPA_VIDEO_FORMAT_YUY2, 640, 480, 0, 25)) == -EINVAL);
	}
	SECTION("a node cannot leave convert, nor another enter it") {
		CHECK(setProps(host, "dmabuf") == -EINVAL);
		CHECK(setProps(host, "convert") == 0);
		NodeHost &zeroCopy = node(vivid::kSinglePlanar);
		CHECK(setProps(zeroCopy, "convert") == -EINVAL);
	}
	SECTION("given DMA-BUF or too small memory is refused") {
		SharedMemory small(640 * 480);
		CHECK(host.giveBuffers(2, 1, [&](uint32_t, uint32_t, struct spa_data *d) {
			d->type = SPA_DATA_MemFd;
			d->fd = small.fd;
			d->data = small.data;
			d->maxsize = uint32_t(small.size);
		}) == -EINVAL);
		CHECK(host.giveBuffers(2, 1, [&](uint32_t, uint32_t, struct spa_data *d) {
			d->type = SPA_DATA_DmaBuf;
			d->fd = small.fd;
			d->maxsize = 640 * 480 * 3;
		}) == -EINVAL);
	}
}

TEST_CASE_METHOD(NodeFixture, "convert: vivid's real frames, demosaiced, land in the given memory", "[convert]")
{
	NodeHost &host = node(convertProps(vivid::kSinglePlanar));
	int fdsBefore = countOpenFds();
	{
		REQUIRE(vivid::setSolidPattern(vivid::kSinglePlanar, vivid::kRed) == 0);
		ConvertedCapture red;
		REQUIRE(red.run(host, SPA_VIDEO_FORMAT_RGB, 640 * 480 * 3, 6) == 0);
		REQUIRE(red.frames.size() >= 6);
		checkFrames(red.frames);
		for (const auto &f : red.frames) {
			CHECK(f.chunks[0].offset == 0);
			CHECK(f.chunks[0].size == 640 * 480 * 3);
			CHECK(f.chunks[0].stride == 640 * 3);
		}
		const uint8_t *rgb = red.pixels(red.frames.back());
		INFO("red: R " << rgbMean(rgb, 0) << " G " << rgbMean(rgb, 1) << " B " << rgbMean(rgb, 2));
		CHECK(rgbMean(rgb, 0) > 150);
		CHECK(rgbMean(rgb, 1) < 60);
		CHECK(rgbMean(rgb, 2) < 60);

		REQUIRE(vivid::setSolidPattern(vivid::kSinglePlanar, vivid::kWhite) == 0);
		ConvertedCapture white;
		REQUIRE(white.run(host, SPA_VIDEO_FORMAT_I420, 640 * 480 * 3 / 2, 6) == 0);
		REQUIRE(white.frames.size() >= 6);
		CHECK(white.frames.back().chunks[0].size == 640 * 480 * 3 / 2);
		/* I420: the Y plane first, white is bright; then U and V near neutral. */
		const uint8_t *yuv = white.pixels(white.frames.back());
		double y = vivid::meanBytes(yuv, 640, 640, 480);
		double u = vivid::meanBytes(yuv + 640 * 480, 320, 320, 240);
		INFO("white: Y " << y << " U " << u);
		CHECK(y > 200);
		CHECK(u == Approx(128).margin(12));
		REQUIRE(host.useBuffers(0, 1, 0) == 0);
	}
	CHECK(countOpenFds() == fdsBefore);
}

TEST_CASE_METHOD(NodeFixture, "the zero-copy node of the same device never goes through libv4l2", "[convert]")
{
	NodeHost &host = node(vivid::kSinglePlanar);
	std::set<uint32_t> formats = offeredFormats(host);
	CHECK(formats.count(SPA_VIDEO_FORMAT_YUY2) == 1); /* vivid's own, hidden from libv4l2 */
	CHECK(host.nodeProps().count("v4l2-dmabuf.conversion") == 0);
	CHECK((host.portFlags() & SPA_PORT_FLAG_CAN_ALLOC_BUFFERS) != 0);
	uint8_t buf[1024];
	struct spa_pod_builder b = SPA_POD_BUILDER_INIT(buf, sizeof(buf));
	REQUIRE(host.setFormat(rawFormat(&b, SPA_VIDEO_FORMAT_YUY2, 640, 480, 0, 25)) == 0);
	CHECK((bufferDataTypes(host) & bit(SPA_DATA_DmaBuf)) != 0);
}

TEST_CASE_METHOD(NodeFixture, "a device whose formats need no conversion gets no converting node", "[convert]")
{
	/* The multi-planar vivid, single-planar to libv4l2 through libv4l-mplane,
	 * has RGB24, BGR24, YUV420 and YVU420 itself: nothing is emulated. */
	NodeHost &host = newHost();
	int fdsBefore = countOpenFds();
	int ret = host.load(kFactory, convertProps(vivid::kMultiPlanar));
	INFO("load: " << ret);
	CHECK(ret == -ENOTSUP);
	CHECK(countOpenFds() == fdsBefore);
}
