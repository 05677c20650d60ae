/* SPDX-License-Identifier: MIT */
#include "dmabuf_layout.h"

#include <cerrno>
#include <limits>

namespace v4l2dmabuf::viewer {

namespace {

constexpr uint64_t kModLinear = 0; /* DRM_FORMAT_MOD_LINEAR (drm_fourcc.h) */

uint32_t tightStride(const FormatInfo &info, uint32_t width, uint32_t memoryPlane)
{
	for (uint8_t c = 0; c < info.colourPlaneCount; c++) {
		const ColourPlane &cp = info.colourPlanes[c];
		if (cp.memoryPlane == memoryPlane)
			return (width + cp.hsub - 1) / cp.hsub * cp.bytesPerSample;
	}
	return 0;
}

} /* namespace */

std::vector<uint32_t> chunkStrides(const FormatInfo &info, uint32_t width,
				   const spa_buffer &buffer)
{
	std::vector<uint32_t> strides;
	for (uint32_t m = 0; m < buffer.n_datas; m++) {
		const spa_chunk *chunk = buffer.datas[m].chunk;
		uint32_t stride = chunk && chunk->stride > 0 ? uint32_t(chunk->stride) : 0;
		if (chunk && stride == 0)
			stride = tightStride(info, width, m);
		strides.push_back(stride);
	}
	return strides;
}

int dmabufLayout(const FormatInfo &info, uint32_t width, uint32_t height,
		 const spa_buffer &buffer, DmabufLayout *out)
{
	if (info.kind != MediaKind::Raw || info.drmFourcc == 0)
		return -ENOTSUP;
	if (width == 0 || height == 0 || buffer.n_datas != info.memoryPlanes || !buffer.datas)
		return -EINVAL;
	for (uint32_t m = 0; m < buffer.n_datas; m++) {
		const spa_data &d = buffer.datas[m];
		if (d.type != SPA_DATA_DmaBuf)
			return -ENOTSUP;
		if (!d.chunk || d.fd < 0 || d.fd > std::numeric_limits<int>::max())
			return -EINVAL;
	}

	std::vector<uint32_t> strides = chunkStrides(info, width, buffer);
	std::vector<ColourPlaneLayout> layout = colourPlaneLayout(info, width, height, strides);
	if (layout.size() != info.colourPlaneCount)
		return -EINVAL;

	DmabufLayout result;
	result.drmFourcc = info.drmFourcc;
	result.modifier = kModLinear;
	result.width = width;
	result.height = height;
	for (const ColourPlaneLayout &cp : layout) {
		const spa_data &d = buffer.datas[cp.memoryPlane];
		uint64_t offset = uint64_t(d.mapoffset) + d.chunk->offset + cp.offset;
		if (offset > std::numeric_limits<uint32_t>::max())
			return -ERANGE;
		result.planes.push_back({int(d.fd), uint32_t(offset), cp.stride});
	}
	*out = std::move(result);
	return 0;
}

} /* namespace v4l2dmabuf::viewer */
