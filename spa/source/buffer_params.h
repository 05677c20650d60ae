/* SPDX-License-Identifier: MIT */
#pragma once

#include <spa/pod/builder.h>

#include <cstdint>
#include <vector>

#include "v4l2_device.h"

namespace v4l2dmabuf {

/** What the node can offer a link's consumers, decided once a format is set. */
struct BufferOffer {
	uint32_t minBuffers = 0;     /**< the driver's minimum, probed */
	uint32_t maxBuffers = 0;     /**< the driver's maximum, probed */
	uint32_t defaultBuffers = 0; /**< what a link gets if it does not care */
	uint32_t dataTypes = 0;      /**< 1 << SPA_DATA_* the node can hand out */
};

/**
 * The default buffer count: two above the driver's minimum (one for the
 * consumer to hold, one to spare) but at least 4, within [min, max].
 */
uint32_t defaultBufferCount(uint32_t minBuffers, uint32_t maxBuffers);

/**
 * Builds the SPA_PARAM_Buffers object for format @p fmt:
 * buffers = range(default, min, max) from @p offer; blocks = memory planes;
 * size = the largest plane's sizeimage, stride = plane 0's bytesperline
 * (bytes); dataType = CHOICE_FLAGS of @p offer.dataTypes (PipeWire's link
 * intersects it with the consumer's and hands the mask to port_use_buffers).
 * @return the object, or nullptr when @p builder overflowed.
 */
struct spa_pod *buildBuffersParam(struct spa_pod_builder *builder, uint32_t id,
				  const V4l2Format &fmt, const BufferOffer &offer);

/** SPA_PARAM_Meta for SPA_META_Header (timestamps and sequence numbers). */
struct spa_pod *buildMetaHeaderParam(struct spa_pod_builder *builder, uint32_t id);

/** SPA_PARAM_IO for io area @p ioType (SPA_IO_*) of @p size bytes. */
struct spa_pod *buildIoParam(struct spa_pod_builder *builder, uint32_t id, uint32_t ioType,
			     uint32_t size);

/**
 * Picks the SPA data type to hand out from the mask a link negotiated
 * (spa_data.type of the buffers given to port_use_buffers with
 * SPA_NODE_BUFFERS_FLAG_ALLOC), preferring DmaBuf, then MemFd, then MemPtr,
 * among @p offered.
 * @return SPA_DATA_DmaBuf, SPA_DATA_MemFd or SPA_DATA_MemPtr, or
 * SPA_DATA_Invalid when nothing offered was asked for.
 */
uint32_t chooseDataType(uint32_t negotiatedMask, uint32_t offered);

} /* namespace v4l2dmabuf */
