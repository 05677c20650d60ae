/* SPDX-License-Identifier: MIT */
#include "convert.h"

#include <algorithm>
#include <cerrno>

#include <spa/param/video/raw.h>

namespace v4l2dmabuf::capture {

namespace {

enum class Family { Yuv, Rgb, Grey8, Grey16, Rgb565 };

/*
 * Where each component sits, per SPA format (SPA names bytes in memory order).
 * Packed YUV: byte offsets inside a 4-byte, 2-pixel macropixel.
 * Semi-planar: Cb/Cr byte offsets inside the 2-byte chroma sample.
 * Planar: colour plane index of Cb and Cr.
 * RGB: byte offsets of R, G, B inside a pixel of @c bpp bytes.
 */
struct Recipe {
	Family family;
	enum { Packed, SemiPlanar, Planar, Single } shape;
	uint8_t a, b, c; /* Y/Cb/Cr or R/G/B positions as described above */
	uint8_t bpp;
};

bool recipeFor(uint32_t spaFormat, Recipe *r)
{
	switch (spaFormat) {
	case SPA_VIDEO_FORMAT_YUY2: *r = {Family::Yuv, Recipe::Packed, 0, 1, 3, 2}; return true;
	case SPA_VIDEO_FORMAT_YVYU: *r = {Family::Yuv, Recipe::Packed, 0, 3, 1, 2}; return true;
	case SPA_VIDEO_FORMAT_UYVY: *r = {Family::Yuv, Recipe::Packed, 1, 0, 2, 2}; return true;
	case SPA_VIDEO_FORMAT_VYUY: *r = {Family::Yuv, Recipe::Packed, 1, 2, 0, 2}; return true;
	case SPA_VIDEO_FORMAT_NV12:
	case SPA_VIDEO_FORMAT_NV16:
	case SPA_VIDEO_FORMAT_NV24: *r = {Family::Yuv, Recipe::SemiPlanar, 0, 0, 1, 1}; return true;
	case SPA_VIDEO_FORMAT_NV21:
	case SPA_VIDEO_FORMAT_NV61: *r = {Family::Yuv, Recipe::SemiPlanar, 0, 1, 0, 1}; return true;
	case SPA_VIDEO_FORMAT_I420:
	case SPA_VIDEO_FORMAT_Y42B: *r = {Family::Yuv, Recipe::Planar, 0, 1, 2, 1}; return true;
	case SPA_VIDEO_FORMAT_YV12: *r = {Family::Yuv, Recipe::Planar, 0, 2, 1, 1}; return true;
	case SPA_VIDEO_FORMAT_GRAY8: *r = {Family::Grey8, Recipe::Single, 0, 0, 0, 1}; return true;
	case SPA_VIDEO_FORMAT_GRAY16_LE: *r = {Family::Grey16, Recipe::Single, 0, 0, 0, 2}; return true;
	case SPA_VIDEO_FORMAT_RGB16: *r = {Family::Rgb565, Recipe::Single, 0, 0, 0, 2}; return true;
	case SPA_VIDEO_FORMAT_RGB: *r = {Family::Rgb, Recipe::Single, 0, 1, 2, 3}; return true;
	case SPA_VIDEO_FORMAT_BGR: *r = {Family::Rgb, Recipe::Single, 2, 1, 0, 3}; return true;
	case SPA_VIDEO_FORMAT_RGBx:
	case SPA_VIDEO_FORMAT_RGBA: *r = {Family::Rgb, Recipe::Single, 0, 1, 2, 4}; return true;
	case SPA_VIDEO_FORMAT_BGRx:
	case SPA_VIDEO_FORMAT_BGRA: *r = {Family::Rgb, Recipe::Single, 2, 1, 0, 4}; return true;
	case SPA_VIDEO_FORMAT_xRGB: *r = {Family::Rgb, Recipe::Single, 1, 2, 3, 4}; return true;
	default: return false;
	}
}

/* One component: sample (sx, sy) of its grid is at base[sy * stride + sx * step]. */
struct Component {
	const uint8_t *base = nullptr;
	uint32_t stride = 0, step = 0;
	uint32_t hsub = 1, vsub = 1;   /* pixel -> sample divisors */
	uint32_t gridW = 0, gridH = 0; /* samples */
	uint32_t width = 1;            /* bytes read per sample (2 for 16-bit words) */

	const uint8_t *at(uint32_t x, uint32_t y) const
	{
		return base + size_t(y / vsub) * stride + size_t(x / hsub) * step;
	}
};

struct Sampler {
	Family family;
	Component comp[3];
	int count = 0;
};

/* Checks that every sample of @p c lies inside @p plane. */
bool fits(const Component &c, const PlaneBytes &plane)
{
	if (c.gridW == 0 || c.gridH == 0)
		return false;
	size_t last = size_t(c.gridH - 1) * c.stride + size_t(c.gridW - 1) * c.step + c.width;
	return c.base >= plane.data && size_t(c.base - plane.data) + last <= plane.size;
}

int buildSampler(const FrameView &frame, Sampler *s)
{
	const FormatInfo *info = frame.info;
	Recipe r;
	if (!info || info->kind != MediaKind::Raw || !recipeFor(info->spaFormat, &r))
		return -EINVAL;
	if (frame.width == 0 || frame.height == 0 || frame.strides.size() != info->memoryPlanes ||
	    frame.planes.size() != info->memoryPlanes)
		return -EINVAL;

	std::vector<ColourPlaneLayout> layout =
		colourPlaneLayout(*info, frame.width, frame.height, frame.strides);
	if (layout.size() != info->colourPlaneCount || layout.empty())
		return -EINVAL;

	auto make = [&](const ColourPlaneLayout &l, uint32_t byteOffset, uint32_t step,
			uint32_t hsub, uint32_t vsub, uint32_t gridW, uint32_t gridH,
			const PlaneBytes **plane) {
		*plane = &frame.planes[l.memoryPlane];
		Component c;
		c.base = (*plane)->data + l.offset + byteOffset;
		c.stride = l.stride;
		c.step = step;
		c.hsub = hsub;
		c.vsub = vsub;
		c.gridW = gridW;
		c.gridH = gridH;
		return c;
	};

	s->family = r.family;
	const PlaneBytes *planeOf[3] = {};
	const ColourPlaneLayout &l0 = layout[0];
	switch (r.shape) {
	case Recipe::Packed: {
		uint32_t cw = (frame.width + 1) / 2;
		s->comp[0] = make(l0, r.a, 2, 1, 1, frame.width, frame.height, &planeOf[0]);
		s->comp[1] = make(l0, r.b, 4, 2, 1, cw, frame.height, &planeOf[1]);
		s->comp[2] = make(l0, r.c, 4, 2, 1, cw, frame.height, &planeOf[2]);
		s->count = 3;
		break;
	}
	case Recipe::SemiPlanar: {
		const ColourPlaneLayout &lc = layout[1];
		const ColourPlane &cp = info->colourPlanes[1];
		s->comp[0] = make(l0, 0, 1, 1, 1, l0.width, l0.height, &planeOf[0]);
		s->comp[1] = make(lc, r.b, 2, cp.hsub, cp.vsub, lc.width, lc.height, &planeOf[1]);
		s->comp[2] = make(lc, r.c, 2, cp.hsub, cp.vsub, lc.width, lc.height, &planeOf[2]);
		s->count = 3;
		break;
	}
	case Recipe::Planar: {
		const ColourPlaneLayout &lb = layout[r.b], &lr = layout[r.c];
		const ColourPlane &cb = info->colourPlanes[r.b], &cr = info->colourPlanes[r.c];
		s->comp[0] = make(l0, 0, 1, 1, 1, l0.width, l0.height, &planeOf[0]);
		s->comp[1] = make(lb, 0, 1, cb.hsub, cb.vsub, lb.width, lb.height, &planeOf[1]);
		s->comp[2] = make(lr, 0, 1, cr.hsub, cr.vsub, lr.width, lr.height, &planeOf[2]);
		s->count = 3;
		break;
	}
	case Recipe::Single:
		if (r.family == Family::Rgb) {
			for (int i = 0; i < 3; i++) {
				uint8_t off = i == 0 ? r.a : i == 1 ? r.b : r.c;
				s->comp[i] = make(l0, off, r.bpp, 1, 1, frame.width, frame.height,
						  &planeOf[i]);
			}
			s->count = 3;
		} else {
			/* Grey8, Grey16, RGB565: one component, decoded per family. */
			s->comp[0] = make(l0, 0, r.bpp, 1, 1, frame.width, frame.height, &planeOf[0]);
			s->comp[0].width = r.bpp;
			s->count = 1;
		}
		break;
	}

	for (int i = 0; i < s->count; i++)
		if (!fits(s->comp[i], *planeOf[i]))
			return -ERANGE;
	return 0;
}

uint16_t readLe16(const uint8_t *p)
{
	return uint16_t(p[0] | (p[1] << 8));
}

void rgb565ToRgb(uint16_t w, uint8_t rgb[3])
{
	uint8_t r = w >> 11, g = (w >> 5) & 0x3f, b = w & 0x1f;
	rgb[0] = uint8_t((r << 3) | (r >> 2));
	rgb[1] = uint8_t((g << 2) | (g >> 4));
	rgb[2] = uint8_t((b << 3) | (b >> 2));
}

uint8_t clamp8(int v)
{
	return uint8_t(std::clamp(v, 0, 255));
}

} /* namespace */

void yuvToRgb(uint8_t y, uint8_t cb, uint8_t cr, uint8_t rgb[3])
{
	/* BT.601 limited range, 8.8 fixed point: 1.164, 1.596, 0.391, 0.813, 2.018. */
	int c = int(y) - 16, d = int(cb) - 128, e = int(cr) - 128;
	rgb[0] = clamp8((298 * c + 409 * e + 128) >> 8);
	rgb[1] = clamp8((298 * c - 100 * d - 208 * e + 128) >> 8);
	rgb[2] = clamp8((298 * c + 516 * d + 128) >> 8);
}

int convertToRgb(const FrameView &frame, RgbImage *out)
{
	Sampler s;
	int ret = buildSampler(frame, &s);
	if (ret < 0)
		return ret;

	out->width = frame.width;
	out->height = frame.height;
	out->pixels.assign(size_t(frame.width) * frame.height * 3, 0);
	uint8_t *dst = out->pixels.data();
	for (uint32_t y = 0; y < frame.height; y++) {
		for (uint32_t x = 0; x < frame.width; x++, dst += 3) {
			switch (s.family) {
			case Family::Yuv:
				yuvToRgb(*s.comp[0].at(x, y), *s.comp[1].at(x, y), *s.comp[2].at(x, y), dst);
				break;
			case Family::Rgb:
				for (int i = 0; i < 3; i++)
					dst[i] = *s.comp[i].at(x, y);
				break;
			case Family::Grey8:
				dst[0] = dst[1] = dst[2] = *s.comp[0].at(x, y);
				break;
			case Family::Grey16:
				dst[0] = dst[1] = dst[2] = s.comp[0].at(x, y)[1];
				break;
			case Family::Rgb565:
				rgb565ToRgb(readLe16(s.comp[0].at(x, y)), dst);
				break;
			}
		}
	}
	return 0;
}

int channelMeans(const FrameView &frame, std::vector<ChannelMean> *out)
{
	Sampler s;
	int ret = buildSampler(frame, &s);
	if (ret < 0)
		return ret;

	out->clear();
	if (s.family == Family::Rgb565) {
		/* One 16-bit word holds all three: widen, then average each. */
		double sum[3] = {0, 0, 0};
		const Component &c = s.comp[0];
		for (uint32_t y = 0; y < c.gridH; y++)
			for (uint32_t x = 0; x < c.gridW; x++) {
				uint8_t rgb[3];
				rgb565ToRgb(readLe16(c.base + size_t(y) * c.stride + size_t(x) * c.step), rgb);
				for (int i = 0; i < 3; i++)
					sum[i] += rgb[i];
			}
		double n = double(c.gridW) * c.gridH;
		*out = {{"R", sum[0] / n}, {"G", sum[1] / n}, {"B", sum[2] / n}};
		return 0;
	}

	static const char *const yuvNames[] = {"Y", "Cb", "Cr"};
	static const char *const rgbNames[] = {"R", "G", "B"};
	for (int i = 0; i < s.count; i++) {
		const Component &c = s.comp[i];
		double sum = 0;
		for (uint32_t y = 0; y < c.gridH; y++) {
			const uint8_t *row = c.base + size_t(y) * c.stride;
			for (uint32_t x = 0; x < c.gridW; x++) {
				const uint8_t *p = row + size_t(x) * c.step;
				sum += s.family == Family::Grey16 ? readLe16(p) : *p;
			}
		}
		const char *name = s.family == Family::Rgb ? rgbNames[i] : yuvNames[i];
		out->push_back({name, sum / (double(c.gridW) * c.gridH)});
	}
	return 0;
}

} /* namespace v4l2dmabuf::capture */
