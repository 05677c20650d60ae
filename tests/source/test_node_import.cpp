/* SPDX-License-Identifier: MIT */
/*
 * The import path with the node hosted directly against vivid and vgem:
 * buffers a host gives (vgem DMA-BUFs: V4L2_MEMORY_DMABUF; memfds as
 * PipeWire makes them: V4L2_MEMORY_USERPTR), the allocator property, bad
 * buffers, and lifetime across 100 start/stop cycles.
 */
#include <sys/mman.h>
#include <unistd.h>

#include <memory>
#include <set>

#include "drm_allocator.h"
#include "node_test_util.h"

namespace {

constexpr const char kVgemCard[] = "/dev/dri/card0";
constexpr const char kVgemRender[] = "/dev/dri/renderD128";

/* The planes vivid wants for a format: bytesperline and sizeimage, read from the Buffers param
 * is not enough (one size for all blocks), so the tests use the known vivid layout. */
struct Plane {
	uint32_t stride, size;
};

/* Owned DMA-BUFs from vgem, one per (buffer, plane). */
struct VgemBuffers {
	v4l2dmabuf::DrmAllocator drm;
	std::vector<v4l2dmabuf::DrmBuffer> planes;

	int make(uint32_t n, const std::vector<Plane> &layout, uint32_t shrink = 1)
	{
		int ret = drm.open(kVgemCard);
		if (ret < 0)
			return ret;
		for (uint32_t i = 0; i < n; i++) {
			for (const Plane &p : layout) {
				v4l2dmabuf::DrmBuffer b;
				ret = drm.allocatePlane(p.stride, p.size / shrink, &b);
				if (ret < 0)
					return ret;
				planes.push_back(std::move(b));
			}
		}
		return 0;
	}
};

const std::vector<Plane> kNv12m640{{640, 640 * 480}, {640, 640 * 240}};
const std::vector<Plane> kYuyv640{{1280, 1280 * 480}};

int setNv12m(NodeHost &host)
{
	uint8_t buf[1024];
	struct spa_pod_builder b = SPA_POD_BUILDER_INIT(buf, sizeof(buf));
	return host.setFormat(rawFormat(&b, SPA_VIDEO_FORMAT_NV12, 640, 480, 2, 25));
}

int setYuyv(NodeHost &host)
{
	uint8_t buf[1024];
	struct spa_pod_builder b = SPA_POD_BUILDER_INIT(buf, sizeof(buf));
	return host.setFormat(rawFormat(&b, SPA_VIDEO_FORMAT_YUY2, 640, 480, 0, 25));
}

int setProps(NodeHost &host, const char *ioMode, const char *allocator)
{
	uint8_t buf[512];
	struct spa_pod_builder b = SPA_POD_BUILDER_INIT(buf, sizeof(buf));
	struct spa_pod_frame f;
	spa_pod_builder_push_object(&b, &f, SPA_TYPE_OBJECT_Props, SPA_PARAM_Props);
	if (ioMode)
		spa_pod_builder_add(&b, V4L2_DMABUF_PROP_ioMode, SPA_POD_String(ioMode), 0);
	if (allocator)
		spa_pod_builder_add(&b, V4L2_DMABUF_PROP_allocator, SPA_POD_String(allocator), 0);
	auto *pod = static_cast<struct spa_pod *>(spa_pod_builder_pop(&b, &f));
	return spa_node_set_param(host.node(), SPA_PARAM_Props, 0, pod);
}

} /* namespace */

TEST_CASE_METHOD(NodeFixture, "given vgem DMA-BUFs are imported: frames land in exactly those buffers",
	  "[node][import][dmabuf]")
{
	REQUIRE(vivid::setSolidPattern(vivid::kMultiPlanar, vivid::kWhite) == 0);
	NodeHost &host = node(vivid::kMultiPlanar);
	int fdsBefore = countOpenFds();
	REQUIRE(setNv12m(host) == 0);
	{
		VgemBuffers vgem;
		REQUIRE(vgem.make(4, kNv12m640) == 0);
		REQUIRE(host.giveBuffers(4, 2, [&](uint32_t i, uint32_t p, struct spa_data *d) {
			const v4l2dmabuf::DrmBuffer &b = vgem.planes[i * 2 + p];
			d->type = SPA_DATA_DmaBuf;
			d->fd = b.fd.get();
			d->maxsize = b.size;
		}) == 0);

		std::vector<std::pair<double, double>> means;
		host.setFrameHook([&](const NodeHost::Frame &f, struct spa_buffer *buffer) {
			/* The buffer is one of ours, untouched by the node. */
			CHECK(buffer->datas[0].fd == vgem.planes[f.bufferId * 2].fd.get());
			CHECK(buffer->datas[0].type == SPA_DATA_DmaBuf);
			if (means.size() < 3)
				means.emplace_back(
					dmabufMean(buffer->datas[0], f.chunks[0].stride, 640, 480, 0, 1),
					dmabufMean(buffer->datas[1], f.chunks[1].stride, 640, 240, 0, 1));
		});
		REQUIRE(host.start() == 0);
		auto frames = host.waitFrames(8, 10000);
		REQUIRE(host.pause() == 0);
		REQUIRE(frames.size() >= 8);
		checkFrames(frames);
		std::set<uint32_t> ids;
		for (auto &f : frames)
			ids.insert(f.bufferId);
		CHECK(ids.size() == 4); /* every given buffer went round */
		REQUIRE(means.size() == 3);
		CHECK(means[2].first == Approx(vivid::kWhiteY).margin(2));
		CHECK(means[2].second == Approx(vivid::kWhiteC).margin(2));
		CHECK(dmabufExporter(vgem.planes[0].fd.get()) == "drm");
		REQUIRE(host.useBuffers(0, 2, 0) == 0);
	}
	CHECK(countOpenFds() == fdsBefore);
}

TEST_CASE_METHOD(NodeFixture, "given shared memory (memfd, as PipeWire makes it) is filled through USERPTR",
	  "[node][import][userptr]")
{
	REQUIRE(vivid::setSolidPattern(vivid::kSinglePlanar, vivid::kWhite) == 0);
	NodeHost &host = node(vivid::kSinglePlanar);
	REQUIRE(setYuyv(host) == 0);
	std::vector<std::unique_ptr<SharedMemory>> mem;
	for (int i = 0; i < 4; i++) {
		mem.push_back(std::make_unique<SharedMemory>(640 * 480 * 2));
		REQUIRE(mem.back()->data != MAP_FAILED);
		memset(mem.back()->data, 0x10, mem.back()->size);
	}
	REQUIRE(host.giveBuffers(4, 1, [&](uint32_t i, uint32_t, struct spa_data *d) {
		d->type = SPA_DATA_MemFd;
		d->fd = mem[i]->fd;
		d->data = mem[i]->data;
		d->maxsize = uint32_t(mem[i]->size);
	}) == 0);
	REQUIRE(host.start() == 0);
	auto frames = host.waitFrames(6, 10000);
	REQUIRE(host.pause() == 0);
	REQUIRE(frames.size() >= 6);
	checkFrames(frames);
	/* vivid wrote into our memory: Y of white where we left 0x10. */
	const NodeHost::Frame &last = frames.back();
	const uint8_t *pixels = static_cast<uint8_t *>(mem[last.bufferId]->data);
	CHECK(vivid::meanBytes(pixels, 1280, 1280, 480, 0, 2) == Approx(vivid::kWhiteY).margin(2));
	CHECK(vivid::meanBytes(pixels, 1280, 1280, 480, 1, 2) == Approx(vivid::kWhiteC).margin(2));
}

TEST_CASE_METHOD(NodeFixture, "bad given buffers are refused when given, and the node stays usable",
	  "[node][import][bad-input]")
{
	NodeHost &host = node(vivid::kMultiPlanar);
	REQUIRE(setNv12m(host) == 0);
	int fdsBefore = countOpenFds();
	{
		SharedMemory notDmabuf(640 * 480);
		VgemBuffers small, good;
		REQUIRE(small.make(2, kNv12m640, 4) == 0);
		REQUIRE(good.make(2, kNv12m640) == 0);
		auto dmabufs = [](VgemBuffers &v) {
			return [&v](uint32_t i, uint32_t p, struct spa_data *d) {
				d->type = SPA_DATA_DmaBuf;
				d->fd = v.planes[i * 2 + p].fd.get();
				d->maxsize = v.planes[i * 2 + p].size;
			};
		};
		SECTION("an fd that is not a DMA-BUF") {
			CHECK(host.giveBuffers(2, 2, [&](uint32_t, uint32_t, struct spa_data *d) {
				d->type = SPA_DATA_DmaBuf;
				d->fd = notDmabuf.fd;
				d->maxsize = 640 * 480;
			}) == -EINVAL);
		}
		SECTION("a DMA-BUF smaller than the plane") {
			CHECK(host.giveBuffers(2, 2, dmabufs(small)) == -EINVAL);
		}
		SECTION("the wrong plane count") {
			CHECK(host.giveBuffers(2, 1, dmabufs(good)) == -EINVAL);
		}
		SECTION("a DMA-BUF at an offset V4L2 capture cannot honour") {
			CHECK(host.giveBuffers(2, 2, [&](uint32_t i, uint32_t p, struct spa_data *d) {
				dmabufs(good)(i, p, d);
				d->mapoffset = 4096;
			}) == -EINVAL);
		}
		SECTION("DMA-BUF and memory planes mixed") {
			CHECK(host.giveBuffers(2, 2, [&](uint32_t i, uint32_t p, struct spa_data *d) {
				dmabufs(good)(i, p, d);
				if (p == 1) {
					d->type = SPA_DATA_MemPtr;
					d->data = notDmabuf.data;
				}
			}) == -EINVAL);
		}
		/* Whatever was refused, good buffers stream afterwards. */
		REQUIRE(host.giveBuffers(2, 2, dmabufs(good)) == 0);
		REQUIRE(host.start() == 0);
		CHECK(host.waitFrames(3, 10000).size() >= 3);
		SECTION("buffers removed while streaming stop the node cleanly") {
			REQUIRE(host.useBuffers(0, 2, 0) == 0);
			CHECK(host.start() == -EIO);
		}
		host.pause();
		REQUIRE(host.useBuffers(0, 2, 0) == 0);
	}
	CHECK(countOpenFds() == fdsBefore);
}

TEST_CASE_METHOD(NodeFixture, "v4l2-dmabuf.allocator: every plane comes from the DRM device", "[node][import][allocator]")
{
	REQUIRE(vivid::setSolidPattern(vivid::kMultiPlanar, vivid::kWhite) == 0);

	SECTION("bad allocator paths are refused at creation") {
		NodeHost &a = newHost(), &b = newHost();
		auto props = deviceProps(vivid::kMultiPlanar);
		props["v4l2-dmabuf.allocator"] = "/dev/dri/does-not-exist";
		CHECK(a.load(kFactory, props) == -ENOENT);
		props["v4l2-dmabuf.allocator"] = "/dev/null";
		CHECK(b.load(kFactory, props) == -ENODEV);
	}
	SECTION("a bad allocator set at run time is refused and the node keeps exporting") {
		NodeHost &host = node(vivid::kMultiPlanar);
		CHECK(setProps(host, nullptr, "/dev/null") == -ENODEV);
		CHECK(setProps(host, "no-such-mode", nullptr) == -EINVAL);
		REQUIRE(setNv12m(host) == 0);
		REQUIRE(host.useBuffers(4, 2, 1u << SPA_DATA_DmaBuf) == 0);
		CHECK(dmabufExporter(int(host.buffers()[0]->datas[0].fd)).find("videobuf2") == 0);
	}
	SECTION("with a render node given, vgem's card node allocates; 100 cycles leak nothing") {
		auto props = deviceProps(vivid::kMultiPlanar);
		props["v4l2-dmabuf.allocator"] = kVgemRender;
		NodeHost &host = node(props);
		int fdsBefore = countOpenFds();
		REQUIRE(setNv12m(host) == 0);
		REQUIRE(host.useBuffers(4, 2, 1u << SPA_DATA_DmaBuf) == 0);
		for (uint32_t i = 0; i < 4; i++) {
			for (uint32_t p = 0; p < 2; p++) {
				const struct spa_data &d = host.buffers()[i]->datas[p];
				CHECK(d.type == SPA_DATA_DmaBuf);
				CHECK(dmabufExporter(int(d.fd)) == "drm");
			}
		}
		std::vector<double> luma;
		host.setFrameHook([&](const NodeHost::Frame &f, struct spa_buffer *buffer) {
			if (luma.empty())
				luma.push_back(dmabufMean(buffer->datas[0], f.chunks[0].stride, 640, 480, 0, 1));
		});
		REQUIRE(host.start() == 0);
		REQUIRE(host.waitFrames(3, 10000).size() >= 3);
		REQUIRE(host.pause() == 0);
		REQUIRE(!luma.empty());
		CHECK(luma[0] == Approx(vivid::kWhiteY).margin(2));

		int fdsStreaming = countOpenFds();
		for (int cycle = 0; cycle < 100; cycle++) {
			host.clearFrames();
			REQUIRE(host.start() == 0);
			REQUIRE(host.waitFrames(1, 5000).size() >= 1);
			REQUIRE(host.pause() == 0);
		}
		CHECK(countOpenFds() == fdsStreaming);

		/* Renegotiation releases the imported planes before the new ones. */
		uint8_t buf[1024];
		struct spa_pod_builder b = SPA_POD_BUILDER_INIT(buf, sizeof(buf));
		REQUIRE(host.setFormat(rawFormat(&b, SPA_VIDEO_FORMAT_NV12, 320, 180, 2, 25)) == 0);
		REQUIRE(host.useBuffers(3, 2, 1u << SPA_DATA_DmaBuf) == 0);
		REQUIRE(setNv12m(host) == 0);
		REQUIRE(host.useBuffers(2, 2, 1u << SPA_DATA_DmaBuf) == 0);
		REQUIRE(host.useBuffers(0, 2, 0) == 0);
		CHECK(countOpenFds() == fdsBefore);
	}
}
