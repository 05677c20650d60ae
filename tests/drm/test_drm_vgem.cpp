/* SPDX-License-Identifier: MIT */
/*
 * The DRM allocator against real vgem, and its buffers imported into real
 * vivid with V4L2_MEMORY_DMABUF, run inside the test VM (vgem: /dev/dri/card0
 * and renderD128; vivid n_devs=2 multiplanar=1,2: /dev/video0 single-planar,
 * /dev/video4 multi-planar capture). Exits 77 (skipped) where those are absent
 * (VgemFixture).
 *
 * Pixel checks use vivid's "100% White" test pattern with the on-screen text
 * off: every luma sample is then the same value, and the buffers are filled
 * with another value first, so a match proves vivid wrote the vgem memory.
 */

#include <fcntl.h>
#include <linux/dma-buf.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <drm_mode.h>
#include <xf86drm.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <list>
#include <string>
#include <vector>

#include "catch.h"
#include "drm_allocator.h"
#include "fd_helpers.h"
#include "fixtures.h"
#include "log_capture.h"
#include "memory_map.h"
#include "v4l2_buffer_queue.h"
#include "v4l2_device.h"
#include "v4l2_test_util.h"
#include "vivid.h"

using namespace v4l2dmabuf;
using namespace v4l2test;
using fdcheck::countOpenFds;
using fdcheck::dmabufExporter;

namespace {

const char *const kCard = "/dev/dri/card0";
const char *const kRender = "/dev/dri/renderD128";

/* What vgem's PRIME export shows as exp_name (drm_prime.c exports as "drm"), measured under 6.1. */
const char *const kVgemExporter = "drm";

/* What the buffers hold before capture: neither white's Y nor its chroma. */
constexpr uint8_t kFill = 0x10;

/* DMA_BUF_IOCTL_SYNC with @p flags; 0 or -errno. */
int dmabufSync(int fd, uint64_t flags)
{
	struct dma_buf_sync sync = {};
	sync.flags = flags;
	int ret;
	do
		ret = ioctl(fd, DMA_BUF_IOCTL_SYNC, &sync);
	while (ret < 0 && (errno == EINTR || errno == EAGAIN));
	return ret < 0 ? -errno : 0;
}

/* One V4L2 buffer made of vgem planes, each mapped for the CPU. */
struct VgemFrame {
	std::vector<DrmBuffer> planes;
	std::vector<MemoryMap> maps;

	std::vector<V4l2ImportPlane> importPlanes() const
	{
		std::vector<V4l2ImportPlane> out;
		for (const DrmBuffer &b : planes) {
			V4l2ImportPlane p;
			p.fd = b.fd.get();
			p.length = b.size;
			out.push_back(p);
		}
		return out;
	}
};

/*
 * Allocates @p count buffers for @p fmt from @p alloc, checks each plane
 * (size, pitch, exporter, mmap) and fills it with kFill.
 */
void allocateFrames(const DrmAllocator &alloc, const V4l2Format &fmt, uint32_t count,
		    std::vector<VgemFrame> *frames)
{
	frames->resize(count);
	for (VgemFrame &frame : *frames) {
		for (const V4l2PlaneFormat &pf : fmt.planes) {
			DrmBuffer buf;
			REQUIRE(alloc.allocatePlane(pf.bytesperline, pf.sizeimage, &buf) == 0);
			REQUIRE(buf.fd.isValid());
			CHECK(buf.size >= pf.sizeimage);
			CHECK(buf.size % 4096 == 0);
			CHECK(buf.pitch == pf.bytesperline); /* vgem: no row alignment at bpp 8 */
			CHECK(dmabufExporter(buf.fd.get()) == kVgemExporter);
			CHECK(lseek(buf.fd.get(), 0, SEEK_END) == off_t(buf.size));
			CHECK((fcntl(buf.fd.get(), F_GETFD) & FD_CLOEXEC) != 0);
			CHECK((fcntl(buf.fd.get(), F_GETFL) & O_ACCMODE) == O_RDWR);

			MemoryMap map;
			REQUIRE(map.map(buf.fd.get(), buf.size, 0, PROT_READ | PROT_WRITE) == 0);
			REQUIRE(dmabufSync(buf.fd.get(), DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE) == 0);
			memset(map.data(), kFill, buf.size);
			REQUIRE(dmabufSync(buf.fd.get(), DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE) == 0);
			frame.planes.push_back(std::move(buf));
			frame.maps.push_back(std::move(map));
		}
	}
}

/* Gives every buffer of @p frames to @p queue (DMABUF memory) and starts streaming. */
void startImport(V4l2BufferQueue &queue, const std::vector<VgemFrame> &frames)
{
	const uint32_t count = static_cast<uint32_t>(frames.size());
	REQUIRE(queue.requestBuffers(count, V4l2Memory::DmaBuf) == int(count));
	for (uint32_t i = 0; i < count; i++)
		REQUIRE(queue.queueBuffer(i, frames[i].importPlanes()) == 0);
	REQUIRE(queue.streamOn() == 0);
}

/* Stops @p queue, frees its buffers and takes one again, for the QBUF checks. */
void restartWithOneBuffer(V4l2BufferQueue &queue)
{
	REQUIRE(queue.streamOff() == 0);
	REQUIRE(queue.requestBuffers(0, V4l2Memory::DmaBuf) == 0);
	REQUIRE(queue.requestBuffers(1, V4l2Memory::DmaBuf) >= 1); /* vivid grants 2 */
}

/*
 * The vivid fixture, and vgem's nodes there too: the first test case ends
 * the program with 77 (skipped) where they are not vgem's.
 */
class VgemFixture : public testenv::VividFixture
{
public:
	VgemFixture()
	{
		if (!testenv::isFirstTestCase())
			return;
		for (const char *node : { kCard, kRender }) {
			int fd = ::open(node, O_RDWR | O_CLOEXEC);
			drmVersionPtr v = fd >= 0 ? drmGetVersion(fd) : nullptr;
			bool vgem = v && std::string(v->name) == "vgem";
			drmFreeVersion(v);
			if (fd >= 0)
				close(fd);
			testenv::skipUnless(vgem, std::string(node) + " is not a vgem node");
		}
	}

	/** An allocator on @p node, logging into the fixture's sink; REQUIREs that it opens. */
	DrmAllocator &allocator(const char *node)
	{
		DrmAllocator &alloc = allocators_.emplace_back();
		alloc.setLogSink(log.sink());
		REQUIRE(alloc.open(node) == 0);
		return alloc;
	}

	/** Opens @p node for capture at 640x480 @p fourcc, white pattern, 25/s. */
	V4l2Device &capture(const char *node, uint32_t fourcc, V4l2Format *fmt)
	{
		V4l2Device &dev = open(node);
		REQUIRE(vivid::setSolidPattern(node, vivid::kWhite) == 0);
		*fmt = vga(fourcc);
		REQUIRE(dev.setFormat(fmt) == 0);
		REQUIRE(fmt->fourcc == fourcc);
		V4l2Fraction ivl{ 1, 25 };
		REQUIRE(dev.setFrameInterval(&ivl) == 0);
		return dev;
	}

private:
	std::list<DrmAllocator> allocators_;
};

} /* namespace */

TEST_CASE_METHOD(VgemFixture, "what vgem's nodes accept (raw libdrm, the facts the allocator is built on)",
		 "[vgem]")
{
	for (const char *node : { kCard, kRender }) {
		int fd = ::open(node, O_RDWR | O_CLOEXEC);
		REQUIRE(fd >= 0);
		const bool render = drmGetNodeTypeFromFd(fd) == DRM_NODE_RENDER;
		uint64_t cap = 0;
		int capRet = drmGetCap(fd, DRM_CAP_DUMB_BUFFER, &cap);
		int capErrno = capRet < 0 ? errno : 0;
		struct drm_mode_create_dumb create = {};
		create.width = 640;
		create.height = 480;
		create.bpp = 8;
		int ret = drmIoctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &create);
		int createErrno = ret < 0 ? errno : 0;
		printf("%s (%s node): DRM_CAP_DUMB_BUFFER %s; CREATE_DUMB 640x480x8 %s, pitch %u size %llu\n",
		       node, render ? "render" : "card", capRet ? strerror(capErrno) : "answered",
		       ret ? strerror(createErrno) : "ok", create.pitch,
		       static_cast<unsigned long long>(create.size));
		/* vgem has no modesetting: the cap query itself is refused. */
		CHECK(capErrno == EOPNOTSUPP);
		if (render) {
			/* CREATE_DUMB is not DRM_RENDER_ALLOW. */
			CHECK(createErrno == EACCES);
		} else {
			REQUIRE(ret == 0);
			CHECK(create.pitch == 640);
			CHECK(create.size == 640 * 480);
			struct drm_mode_destroy_dumb destroy = { create.handle };
			CHECK(drmIoctl(fd, DRM_IOCTL_MODE_DESTROY_DUMB, &destroy) == 0);
		}
		close(fd);
	}
}

TEST_CASE_METHOD(VgemFixture, "open() of vgem's card and render nodes", "[vgem]")
{
	DrmAllocator &card = allocator(kCard);
	CHECK(card.isOpen());
	CHECK(card.driverName() == "vgem");
	CHECK(card.path() == kCard);
	CHECK(card.allocationPath() == kCard);

	/* The allocator dropped DRM master: the next client of the card node gets it. */
	int other = ::open(kCard, O_RDWR | O_CLOEXEC);
	REQUIRE(other >= 0);
	CHECK(drmIsMaster(other));
	close(other);

	testenv::LogCapture renderLog("render");
	DrmAllocator render;
	render.setLogSink(renderLog.sink());
	REQUIRE(render.open(kRender) == 0);
	const std::vector<std::string> infos = renderLog.at(LogLevel::Info);
	CHECK(render.driverName() == "vgem");
	CHECK(render.path() == kRender);
	CHECK(render.allocationPath() == kCard);
	REQUIRE(infos.size() == 1);
	CHECK(infos[0].rfind(std::string(kRender) + ": ", 0) == 0);
	CHECK(infos[0].find(kCard) != std::string::npos);

	/* A character device that is no DRM device. */
	DrmAllocator video;
	CHECK(video.open(vivid::kSinglePlanar) == -ENODEV);

	/* Bad arguments, and a plane allocation and its release. */
	DrmBuffer buf;
	CHECK(render.allocatePlane(0, 4096, &buf) == -EINVAL);
	CHECK(render.allocatePlane(4096, 0, &buf) == -EINVAL);
	CHECK(render.allocatePlane(640, 640 * 480 + 1, &buf) == 0);
	CHECK(buf.size == 640 * 481 + (4096 - (640 * 481) % 4096) % 4096);
	CHECK(buf.pitch == 640);
	int fd = buf.fd.get();
	render.close();
	CHECK_FALSE(render.isOpen());
	/* The DMA-BUF outlives the allocator. */
	MemoryMap map;
	CHECK(map.map(fd, buf.size, 0, PROT_READ | PROT_WRITE) == 0);

	/* Moving keeps the device open. */
	DrmAllocator moved(std::move(card));
	CHECK(moved.isOpen());
	CHECK(moved.driverName() == "vgem");
	DrmBuffer buf2;
	CHECK(moved.allocatePlane(1, 1, &buf2) == 0);
	CHECK(buf2.size == 4096);
}

/*
 * Runs @p body in a child as user nobody (65534); its exit status, or -1.
 * The guest runs tests as root, who opens any node whatever its mode.
 */
template<typename Body>
int runAsNobody(Body body)
{
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid == 0) {
		if (setresgid(65534, 65534, 65534) < 0 || setresuid(65534, 65534, 65534) < 0)
			_exit(100);
		_exit(body());
	}
	int status = 0;
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

TEST_CASE_METHOD(VgemFixture, "a render node whose card node is out of reach is -ENOTSUP", "[vgem]")
{
	/*
	 * As on a desktop the other way round: the render node open to all,
	 * the card node (root 0600 in the guest's devtmpfs) not.
	 */
	struct stat st;
	REQUIRE(stat(kRender, &st) == 0);
	REQUIRE(chmod(kRender, 0666) == 0);
	int status = runAsNobody([] {
		int fails = 0;
		auto check = [&](bool ok, const char *what) {
			if (!ok) {
				fprintf(stderr, "FAILED as nobody: %s\n", what);
				fails++;
			}
		};
		testenv::LogCapture messages("nobody");
		int before = countOpenFds();
		{
			DrmAllocator alloc;
			alloc.setLogSink(messages.sink());
			check(alloc.open(kCard) == -EACCES, "open(card0) == -EACCES");
			messages.clear();
			check(alloc.open(kRender) == -ENOTSUP, "open(renderD128) == -ENOTSUP");
			check(!alloc.isOpen(), "not open");
			const std::vector<std::string> errors = messages.errors();
			check(!errors.empty() && errors.back().rfind(std::string(kRender) + ": ", 0) == 0 &&
				      errors.back().find(kCard) != std::string::npos,
			      "the error names the render node and its card node");
			DrmBuffer buf;
			check(alloc.allocatePlane(640, 640, &buf) == -EBADF, "allocatePlane == -EBADF");
		}
		check(countOpenFds() == before, "no fd leaked");
		return fails;
	});
	chmod(kRender, st.st_mode & 07777);
	CHECK(status == 0);
}

TEST_CASE_METHOD(VgemFixture, "NV12M from multi-planar vivid into vgem planes (render node)", "[vgem][vivid]")
{
	DrmAllocator &alloc = allocator(kRender);
	V4l2Format fmt;
	V4l2Device &dev = capture(vivid::kMultiPlanar, V4L2_PIX_FMT_NV12M, &fmt);
	REQUIRE(fmt.planes.size() == 2);
	printf("NV12M 640x480: Y bytesperline %u sizeimage %u, CbCr bytesperline %u sizeimage %u\n",
	       fmt.planes[0].bytesperline, fmt.planes[0].sizeimage, fmt.planes[1].bytesperline,
	       fmt.planes[1].sizeimage);

	std::vector<VgemFrame> frames;
	allocateFrames(alloc, fmt, 4, &frames);

	V4l2BufferQueue queue(dev);
	startImport(queue, frames);

	Range y, c;
	for (int n = 0; n < 8; n++) {
		V4l2DequeuedBuffer buf;
		REQUIRE(waitAndDequeue(dev, queue, &buf) == 0);
		REQUIRE(buf.numPlanes == 2);
		CHECK_FALSE(buf.corrupted());
		VgemFrame &frame = frames[buf.index];
		for (const DrmBuffer &p : frame.planes)
			REQUIRE(dmabufSync(p.fd.get(), DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ) == 0);
		scan(frame.maps[0].data() + buf.planes[0].dataOffset, fmt.width, fmt.height,
		     fmt.planes[0].bytesperline, 0, 1, &y);
		scan(frame.maps[1].data() + buf.planes[1].dataOffset, fmt.width, fmt.height / 2,
		     fmt.planes[1].bytesperline, 0, 1, &c);
		for (const DrmBuffer &p : frame.planes)
			REQUIRE(dmabufSync(p.fd.get(), DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ) == 0);
		REQUIRE(queue.queueBuffer(buf.index, frame.importPlanes()) == 0);
	}
	printf("NV12M white read from vgem: Y %d..%d, CbCr %d..%d\n", y.min, y.max, c.min, c.max);
	checkWhite(y, &c);

	/* A luma plane of half the size vivid needs: QBUF refuses it. */
	restartWithOneBuffer(queue);
	DrmBuffer small;
	REQUIRE(alloc.allocatePlane(fmt.planes[0].bytesperline, fmt.planes[0].sizeimage / 2,
				    &small) == 0);
	REQUIRE(small.size < fmt.planes[0].sizeimage);
	std::vector<V4l2ImportPlane> planes = frames[0].importPlanes();
	planes[0].fd = small.fd.get();
	planes[0].length = small.size; /* the truth: vb2 checks it against the plane size */
	int ret = queue.queueBuffer(0, planes);
	printf("QBUF with a %u-byte luma plane (needs %u): %s\n", small.size,
	       fmt.planes[0].sizeimage, strerror(-ret));
	CHECK(ret == -EINVAL);
	planes[0].length = 0; /* vb2 then takes the DMA-BUF's own size */
	ret = queue.queueBuffer(0, planes);
	printf("... with length 0: %s\n", strerror(-ret));
	CHECK(ret == -EINVAL);
	/* A lie, more than the DMA-BUF has: vb2-vmalloc (vivid) refuses it at attach. */
	planes[0].length = fmt.planes[0].sizeimage;
	ret = queue.queueBuffer(0, planes);
	printf("... claiming %u bytes: %s\n", planes[0].length, strerror(-ret));
	CHECK(ret == -EFAULT);
	/* The destructors release the queue, the device and every buffer. */
}

TEST_CASE_METHOD(VgemFixture, "YUYV from single-planar vivid into vgem buffers (card node)", "[vgem][vivid]")
{
	DrmAllocator &alloc = allocator(kCard);
	V4l2Format fmt;
	V4l2Device &dev = capture(vivid::kSinglePlanar, V4L2_PIX_FMT_YUYV, &fmt);
	REQUIRE(fmt.planes.size() == 1);
	printf("YUYV 640x480: bytesperline %u sizeimage %u\n", fmt.planes[0].bytesperline,
	       fmt.planes[0].sizeimage);

	std::vector<VgemFrame> frames;
	allocateFrames(alloc, fmt, 3, &frames);

	V4l2BufferQueue queue(dev);
	startImport(queue, frames);

	Range y, c;
	for (int n = 0; n < 6; n++) {
		V4l2DequeuedBuffer buf;
		REQUIRE(waitAndDequeue(dev, queue, &buf) == 0);
		CHECK(buf.planes[0].bytesused == fmt.planes[0].sizeimage);
		VgemFrame &frame = frames[buf.index];
		const int fd = frame.planes[0].fd.get();
		REQUIRE(dmabufSync(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ) == 0);
		const uint8_t *data = frame.maps[0].data() + buf.planes[0].dataOffset;
		scan(data, fmt.width * 2, fmt.height, fmt.planes[0].bytesperline, 0, 2, &y);
		scan(data, fmt.width * 2, fmt.height, fmt.planes[0].bytesperline, 1, 2, &c);
		REQUIRE(dmabufSync(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ) == 0);
		REQUIRE(queue.queueBuffer(buf.index, frame.importPlanes()) == 0);
	}
	printf("YUYV white read from vgem: Y %d..%d, CbCr %d..%d\n", y.min, y.max, c.min, c.max);
	checkWhite(y, &c);

	/* Too small on a single-planar queue as well. */
	restartWithOneBuffer(queue);
	DrmBuffer small;
	REQUIRE(alloc.allocatePlane(fmt.planes[0].bytesperline, 4096, &small) == 0);
	V4l2ImportPlane plane;
	plane.fd = small.fd.get();
	plane.length = small.size;
	int ret = queue.queueBuffer(0, { plane });
	printf("QBUF with a %u-byte YUYV buffer (needs %u): %s\n", small.size,
	       fmt.planes[0].sizeimage, strerror(-ret));
	CHECK(ret == -EINVAL);
}
