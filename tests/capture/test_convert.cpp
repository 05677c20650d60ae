/* SPDX-License-Identifier: MIT */
/* Unit tests of the RGB conversion and per-component means, on synthetic frames. */
#include "catch.h"

#include <cerrno>
#include <map>

#include "convert.h"

using namespace v4l2dmabuf;
using namespace v4l2dmabuf::capture;

namespace {

/* A frame under construction: owns its memory planes. */
struct TestFrame {
	const FormatInfo *info;
	uint32_t width, height;
	std::vector<uint32_t> strides;
	std::vector<std::vector<uint8_t>> bytes;

	TestFrame(const char *name, uint32_t w, uint32_t h, std::vector<uint32_t> s,
		  std::vector<size_t> sizes, uint8_t fill = 0)
		: info(findFormatByName(name)), width(w), height(h), strides(std::move(s))
	{
		REQUIRE(info);
		for (size_t size : sizes)
			bytes.emplace_back(size, fill);
	}

	FrameView view() const
	{
		FrameView v{info, width, height, strides, {}};
		for (const auto &b : bytes)
			v.planes.push_back({b.data(), b.size()});
		return v;
	}

	std::map<std::string, double> means() const
	{
		std::vector<ChannelMean> m;
		REQUIRE(channelMeans(view(), &m) == 0);
		std::map<std::string, double> out;
		for (const ChannelMean &c : m)
			out[c.name] = c.mean;
		return out;
	}

	RgbImage rgb() const
	{
		RgbImage img;
		REQUIRE(convertToRgb(view(), &img) == 0);
		REQUIRE(img.width == width);
		REQUIRE(img.height == height);
		REQUIRE(img.pixels.size() == size_t(width) * height * 3);
		return img;
	}
};

/* Fills a w x h grid of 1-byte samples at @p base, @p step bytes apart, @p stride a line. */
void fillSamples(uint8_t *base, uint32_t w, uint32_t h, uint32_t stride, uint32_t step, uint8_t v)
{
	for (uint32_t y = 0; y < h; y++)
		for (uint32_t x = 0; x < w; x++)
			base[y * stride + x * step] = v;
}

bool allPixels(const RgbImage &img, uint8_t r, uint8_t g, uint8_t b)
{
	for (size_t i = 0; i < img.pixels.size(); i += 3)
		if (img.pixels[i] != r || img.pixels[i + 1] != g || img.pixels[i + 2] != b)
			return false;
	return true;
}

} /* namespace */

TEST_CASE("BT.601 limited range: reference colours", "[convert]")
{
	uint8_t rgb[3];
	yuvToRgb(235, 128, 128, rgb);
	CHECK((rgb[0] == 255 && rgb[1] == 255 && rgb[2] == 255));
	yuvToRgb(16, 128, 128, rgb);
	CHECK((rgb[0] == 0 && rgb[1] == 0 && rgb[2] == 0));
	/* 75% red of a BT.601 colour bar: Y=65 Cb=100 Cr=212 -> about (191, 0, 0). */
	yuvToRgb(65, 100, 212, rgb);
	CHECK(rgb[0] == Approx(191).margin(3));
	CHECK(rgb[1] <= 3);
	CHECK(rgb[2] <= 3);
}

TEST_CASE("YUYV of Y=235 Cb=Cr=128 is white", "[convert]")
{
	TestFrame f("YUYV", 8, 4, {16}, {16 * 4});
	for (size_t i = 0; i < f.bytes[0].size(); i += 4) {
		f.bytes[0][i] = 235;     /* Y0 */
		f.bytes[0][i + 1] = 128; /* Cb */
		f.bytes[0][i + 2] = 235; /* Y1 */
		f.bytes[0][i + 3] = 128; /* Cr */
	}
	CHECK(allPixels(f.rgb(), 255, 255, 255));
	auto m = f.means();
	CHECK(m.size() == 3);
	CHECK(m["Y"] == Approx(235));
	CHECK(m["Cb"] == Approx(128));
	CHECK(m["Cr"] == Approx(128));
}

TEST_CASE("a stride larger than the line is honoured", "[convert]")
{
	/* 6 pixels of YUYV are 12 bytes; the stride is 20, the padding is junk. */
	TestFrame f("YUYV", 6, 3, {20}, {20 * 3}, 0xff);
	for (uint32_t y = 0; y < 3; y++)
		for (uint32_t x = 0; x < 12; x += 4) {
			uint8_t *p = &f.bytes[0][y * 20 + x];
			p[0] = 16, p[1] = 128, p[2] = 16, p[3] = 128;
		}
	CHECK(allPixels(f.rgb(), 0, 0, 0));
	auto m = f.means();
	CHECK(m["Y"] == Approx(16));
	CHECK(m["Cb"] == Approx(128));
	CHECK(m["Cr"] == Approx(128));
}

TEST_CASE("packed 4:2:2 byte orders", "[convert]")
{
	/* Each order names where Y, Cb, Cr sit in the 4-byte macropixel. */
	struct { const char *name; int y0, cb, y1, cr; } orders[] = {
		{"YUYV", 0, 1, 2, 3}, {"YVYU", 0, 3, 2, 1}, {"UYVY", 1, 0, 3, 2}, {"VYUY", 1, 2, 3, 0},
	};
	for (const auto &o : orders) {
		INFO(o.name);
		TestFrame f(o.name, 2, 1, {4}, {4});
		f.bytes[0][o.y0] = 65;
		f.bytes[0][o.y1] = 65;
		f.bytes[0][o.cb] = 100;
		f.bytes[0][o.cr] = 212;
		auto m = f.means();
		CHECK(m["Y"] == Approx(65));
		CHECK(m["Cb"] == Approx(100));
		CHECK(m["Cr"] == Approx(212));
		RgbImage img = f.rgb();
		CHECK(img.pixels[0] > 180); /* red */
		CHECK(img.pixels[1] < 10);
	}
}

TEST_CASE("NV12M: two memory planes with padded strides", "[convert]")
{
	/* 6x4 pixels: Y stride 8 (4 lines), CbCr stride 8 (2 lines of 3 pairs). */
	TestFrame f("NV12M", 6, 4, {8, 8}, {8 * 4, 8 * 2}, 0xee);
	fillSamples(f.bytes[0].data(), 6, 4, 8, 1, 100);
	fillSamples(f.bytes[1].data(), 3, 2, 8, 2, 60);      /* Cb */
	fillSamples(f.bytes[1].data() + 1, 3, 2, 8, 2, 200); /* Cr */
	auto m = f.means();
	CHECK(m["Y"] == Approx(100));
	CHECK(m["Cb"] == Approx(60));
	CHECK(m["Cr"] == Approx(200));

	uint8_t expect[3];
	yuvToRgb(100, 60, 200, expect);
	CHECK(allPixels(f.rgb(), expect[0], expect[1], expect[2]));

	/* NV21M swaps the chroma bytes. */
	TestFrame g("NV21M", 6, 4, {8, 8}, {8 * 4, 8 * 2});
	g.bytes = f.bytes;
	auto n = g.means();
	CHECK(n["Cb"] == Approx(200));
	CHECK(n["Cr"] == Approx(60));
}

TEST_CASE("NV12: chroma follows luma in the one memory plane", "[convert]")
{
	const uint32_t w = 4, h = 4, stride = 8;
	TestFrame f("NV12", w, h, {stride}, {stride * h * 3 / 2}, 0);
	fillSamples(f.bytes[0].data(), w, h, stride, 1, 235);
	uint8_t *uv = f.bytes[0].data() + stride * h; /* chroma stride: also 8 */
	fillSamples(uv, w / 2, h / 2, stride, 2, 128);
	fillSamples(uv + 1, w / 2, h / 2, stride, 2, 128);
	CHECK(allPixels(f.rgb(), 255, 255, 255));
}

TEST_CASE("YUV420 and YVU420: three colour planes, contiguous", "[convert]")
{
	/* 8x4, Y stride 8: Cb and Cr each have stride 4 and 2 lines. */
	const uint32_t w = 8, h = 4, stride = 8;
	TestFrame f("YUV420", w, h, {stride}, {stride * h + 2 * (4 * 2)});
	uint8_t *p = f.bytes[0].data();
	fillSamples(p, w, h, stride, 1, 50);
	fillSamples(p + stride * h, 4, 2, 4, 1, 70);         /* first chroma plane */
	fillSamples(p + stride * h + 8, 4, 2, 4, 1, 170);    /* second chroma plane */
	auto m = f.means();
	CHECK(m["Y"] == Approx(50));
	CHECK(m["Cb"] == Approx(70));
	CHECK(m["Cr"] == Approx(170));

	TestFrame g("YVU420", w, h, {stride}, {stride * h + 2 * (4 * 2)});
	g.bytes = f.bytes;
	auto n = g.means();
	CHECK(n["Cb"] == Approx(170));
	CHECK(n["Cr"] == Approx(70));

	/* The first chroma plane is one byte short: a range error, not a read past the end. */
	TestFrame shortFrame("YUV420", w, h, {stride}, {stride * h + 2 * (4 * 2) - 1});
	RgbImage img;
	CHECK(convertToRgb(shortFrame.view(), &img) == -ERANGE);
}

TEST_CASE("YUV420M: three memory planes", "[convert]")
{
	TestFrame f("YUV420M", 4, 2, {4, 4, 4}, {8, 4, 4});
	fillSamples(f.bytes[0].data(), 4, 2, 4, 1, 16);
	fillSamples(f.bytes[1].data(), 2, 1, 4, 1, 128);
	fillSamples(f.bytes[2].data(), 2, 1, 4, 1, 128);
	f.bytes[0][0] = 235; /* the top-left pixel is white, the rest black */
	RgbImage img = f.rgb();
	CHECK((img.pixels[0] == 255 && img.pixels[1] == 255 && img.pixels[2] == 255));
	CHECK((img.pixels[3] == 0 && img.pixels[4] == 0 && img.pixels[5] == 0));
	CHECK(f.means()["Y"] == Approx((235.0 + 7 * 16) / 8));
}

TEST_CASE("RGB formats read bytes in SPA memory order", "[convert]")
{
	/* Name, bytes a pixel, offsets of R, G, B. */
	struct { const char *name; uint32_t bpp; int r, g, b; } rgbs[] = {
		{"RGB24", 3, 0, 1, 2}, {"BGR24", 3, 2, 1, 0},
		{"XRGB32", 4, 2, 1, 0}, {"ARGB32", 4, 2, 1, 0},
		{"XBGR32", 4, 0, 1, 2}, {"ABGR32", 4, 0, 1, 2},
		{"BGR32", 4, 2, 1, 0}, {"RGB32", 4, 1, 2, 3},
	};
	for (const auto &c : rgbs) {
		INFO(c.name);
		TestFrame f(c.name, 3, 2, {3 * c.bpp + 4}, {(3 * c.bpp + 4) * 2}, 0x55);
		for (uint32_t y = 0; y < 2; y++)
			for (uint32_t x = 0; x < 3; x++) {
				uint8_t *p = &f.bytes[0][y * (3 * c.bpp + 4) + x * c.bpp];
				p[c.r] = 30, p[c.g] = 20, p[c.b] = 10;
			}
		CHECK(allPixels(f.rgb(), 30, 20, 10));
		auto m = f.means();
		CHECK(m["R"] == Approx(30));
		CHECK(m["G"] == Approx(20));
		CHECK(m["B"] == Approx(10));
	}
}

TEST_CASE("RGB565, GREY and Y16", "[convert]")
{
	TestFrame rgb565("RGB565", 2, 1, {4}, {4});
	rgb565.bytes[0] = {0x00, 0xf8, 0x1f, 0x00}; /* red, blue (little-endian words) */
	RgbImage img = rgb565.rgb();
	CHECK((img.pixels[0] == 255 && img.pixels[1] == 0 && img.pixels[2] == 0));
	CHECK((img.pixels[3] == 0 && img.pixels[4] == 0 && img.pixels[5] == 255));
	CHECK(rgb565.means()["R"] == Approx(127.5));

	TestFrame grey("GREY", 2, 2, {4}, {8}, 0);
	fillSamples(grey.bytes[0].data(), 2, 2, 4, 1, 77);
	CHECK(allPixels(grey.rgb(), 77, 77, 77));
	CHECK(grey.means()["Y"] == Approx(77));

	TestFrame y16("Y16", 1, 1, {2}, {2});
	y16.bytes[0] = {0x34, 0x12};
	CHECK(allPixels(y16.rgb(), 0x12, 0x12, 0x12));
	CHECK(y16.means()["Y"] == Approx(0x1234));
}

TEST_CASE("every raw format of the table converts", "[convert]")
{
	const uint32_t w = 16, h = 8;
	for (const FormatInfo &info : formatTable()) {
		if (info.kind != MediaKind::Raw)
			continue;
		INFO(info.name);
		/* Each memory plane: the tight stride of its first colour plane, room for 3 planes. */
		std::vector<uint32_t> strides(info.memoryPlanes, 0);
		for (int c = info.colourPlaneCount - 1; c >= 0; c--) {
			const ColourPlane &cp = info.colourPlanes[c];
			strides[cp.memoryPlane] = (w + cp.hsub - 1) / cp.hsub * cp.bytesPerSample;
		}
		std::vector<size_t> sizes;
		for (uint32_t s : strides)
			sizes.push_back(size_t(s) * h * 3);
		TestFrame f(info.name, w, h, strides, sizes, 128);
		RgbImage img;
		CHECK(convertToRgb(f.view(), &img) == 0);
		std::vector<ChannelMean> m;
		CHECK(channelMeans(f.view(), &m) == 0);
		CHECK(!m.empty());
	}
}

TEST_CASE("bad frames are refused", "[convert]")
{
	RgbImage img;
	TestFrame mjpeg("MJPEG", 16, 16, {0}, {1024});
	CHECK(convertToRgb(mjpeg.view(), &img) == -EINVAL);

	TestFrame nv12m("NV12M", 4, 4, {4}, {16}); /* one plane for a two-plane format */
	CHECK(convertToRgb(nv12m.view(), &img) == -EINVAL);

	TestFrame tiny("YUYV", 4, 4, {8}, {8 * 4 - 1});
	CHECK(convertToRgb(tiny.view(), &img) == -ERANGE);

	TestFrame zero("YUYV", 0, 4, {8}, {32});
	CHECK(convertToRgb(zero.view(), &img) == -EINVAL);
}
