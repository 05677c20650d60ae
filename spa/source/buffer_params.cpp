/* SPDX-License-Identifier: MIT */
#include "buffer_params.h"

#include <algorithm>

#include <spa/buffer/buffer.h>
#include <spa/buffer/meta.h>
#include <spa/param/param.h>
#include <spa/pod/vararg.h>

namespace v4l2dmabuf {

uint32_t defaultBufferCount(uint32_t minBuffers, uint32_t maxBuffers)
{
	uint32_t count = std::max(minBuffers + 2, 4u);
	return std::clamp(count, minBuffers, std::max(minBuffers, maxBuffers));
}

struct spa_pod *buildBuffersParam(struct spa_pod_builder *b, uint32_t id, const V4l2Format &fmt,
				  const BufferOffer &offer)
{
	uint32_t size = 0;
	for (const V4l2PlaneFormat &p : fmt.planes)
		size = std::max(size, p.sizeimage);
	uint32_t stride = fmt.planes.empty() ? 0 : fmt.planes[0].bytesperline;
	uint32_t blocks = std::max<uint32_t>(fmt.planes.size(), 1);

	return static_cast<struct spa_pod *>(spa_pod_builder_add_object(b,
		SPA_TYPE_OBJECT_ParamBuffers, id,
		SPA_PARAM_BUFFERS_buffers, SPA_POD_CHOICE_RANGE_Int(
			offer.defaultBuffers, offer.minBuffers, offer.maxBuffers),
		SPA_PARAM_BUFFERS_blocks, SPA_POD_Int(blocks),
		SPA_PARAM_BUFFERS_size, SPA_POD_Int(size),
		SPA_PARAM_BUFFERS_stride, SPA_POD_Int(stride),
		SPA_PARAM_BUFFERS_dataType, SPA_POD_CHOICE_FLAGS_Int(offer.dataTypes)));
}

struct spa_pod *buildMetaHeaderParam(struct spa_pod_builder *b, uint32_t id)
{
	return static_cast<struct spa_pod *>(spa_pod_builder_add_object(b,
		SPA_TYPE_OBJECT_ParamMeta, id,
		SPA_PARAM_META_type, SPA_POD_Id(SPA_META_Header),
		SPA_PARAM_META_size, SPA_POD_Int(sizeof(struct spa_meta_header))));
}

struct spa_pod *buildIoParam(struct spa_pod_builder *b, uint32_t id, uint32_t ioType,
			     uint32_t size)
{
	return static_cast<struct spa_pod *>(spa_pod_builder_add_object(b,
		SPA_TYPE_OBJECT_ParamIO, id,
		SPA_PARAM_IO_id, SPA_POD_Id(ioType),
		SPA_PARAM_IO_size, SPA_POD_Int(size)));
}

uint32_t chooseDataType(uint32_t negotiatedMask, uint32_t offered)
{
	uint32_t usable = negotiatedMask & offered;
	for (uint32_t type : {SPA_DATA_DmaBuf, SPA_DATA_MemFd, SPA_DATA_MemPtr})
		if (usable & (1u << type))
			return type;
	return SPA_DATA_Invalid;
}

} /* namespace v4l2dmabuf */
