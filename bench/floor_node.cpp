/* SPDX-License-Identifier: MIT */
/*
 * The benchmark's floor: a SPA source node (factory "bench.floor.source")
 * whose data path is DQBUF -> hand the buffer to the graph -> QBUF and
 * nothing else, over the same V4L2 layer as the plugin. It offers one fixed
 * format, given as properties (bench.format YUYV|NV12, bench.size WxH,
 * bench.framerate N), and its MMAP buffers exported as DMA-BUF. No
 * controls, no monitor, no error recovery: it measures the least work a
 * PipeWire producer can do per frame in the same daemon and graph.
 * Written from the contract of the SPA headers (spa/node/node.h).
 */
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <spa/buffer/buffer.h>
#include <spa/buffer/meta.h>
#include <spa/node/io.h>
#include <spa/node/node.h>
#include <spa/node/utils.h>
#include <spa/param/buffers.h>
#include <spa/param/param.h>
#include <spa/param/video/format-utils.h>
#include <spa/pod/builder.h>
#include <spa/pod/filter.h>
#include <spa/support/loop.h>
#include <spa/support/plugin.h>
#include <spa/utils/hook.h>
#include <spa/utils/keys.h>
#include <spa/utils/names.h>
#include <spa/utils/result.h>

#include "v4l2_buffer_queue.h"
#include "v4l2_device.h"

using namespace v4l2dmabuf;

namespace {

struct Floor {
	struct spa_handle handle{};
	struct spa_node node{};
	struct spa_loop *dataLoop = nullptr;
	struct spa_hook_list hooks{};
	struct spa_callbacks callbacks{};
	struct spa_io_buffers *io = nullptr;
	struct spa_io_clock *clock = nullptr;
	struct spa_source source{};
	bool sourceAdded = false;

	V4l2Device dev;
	std::unique_ptr<V4l2BufferQueue> queue;
	struct spa_video_info_raw offered{};
	V4l2Format fmt;
	bool haveFormat = false;
	std::vector<struct spa_buffer *> buffers;
	std::vector<struct spa_meta_header *> headers; /* the consumer's timestamps */
	std::vector<V4l2ExportedBuffer> exported;
	struct spa_param_info portParams[5];
	struct spa_port_info portInfo{};
};

uint32_t v4l2FourccOf(uint32_t spaFormat)
{
	return spaFormat == SPA_VIDEO_FORMAT_NV12 ? V4L2_PIX_FMT_NV12 : V4L2_PIX_FMT_YUYV;
}

void emitPort(Floor *f)
{
	f->portInfo.change_mask = SPA_PORT_CHANGE_MASK_FLAGS | SPA_PORT_CHANGE_MASK_PARAMS;
	f->portInfo.flags = SPA_PORT_FLAG_LIVE | SPA_PORT_FLAG_PHYSICAL | SPA_PORT_FLAG_TERMINAL |
			    SPA_PORT_FLAG_CAN_ALLOC_BUFFERS;
	f->portInfo.params = f->portParams;
	f->portInfo.n_params = SPA_N_ELEMENTS(f->portParams);
	spa_node_emit_port_info(&f->hooks, SPA_DIRECTION_OUTPUT, 0, &f->portInfo);
}

int addListener(void *o, struct spa_hook *listener, const struct spa_node_events *events, void *data)
{
	auto *f = static_cast<Floor *>(o);
	struct spa_hook_list save;
	spa_hook_list_isolate(&f->hooks, &save, listener, events, data);
	struct spa_dict_item items[] = {
		{SPA_KEY_MEDIA_CLASS, "Video/Source"},
		{"node.driver", "true"},
	};
	struct spa_dict props = SPA_DICT_INIT_ARRAY(items);
	struct spa_node_info info = SPA_NODE_INFO_INIT();
	info.max_output_ports = 1;
	info.change_mask = SPA_NODE_CHANGE_MASK_FLAGS | SPA_NODE_CHANGE_MASK_PROPS;
	info.flags = SPA_NODE_FLAG_RT;
	info.props = &props;
	spa_node_emit_info(&f->hooks, &info);
	emitPort(f);
	spa_hook_list_join(&f->hooks, &save);
	return 0;
}

int setCallbacks(void *o, const struct spa_node_callbacks *callbacks, void *data)
{
	static_cast<Floor *>(o)->callbacks = SPA_CALLBACKS_INIT(callbacks, data);
	return 0;
}

int sync(void *o, int seq)
{
	spa_node_emit_result(&static_cast<Floor *>(o)->hooks, seq, 0, 0, nullptr);
	return 0;
}

int enumParams(void *, int, uint32_t, uint32_t, uint32_t, const struct spa_pod *)
{
	return -ENOENT;
}

int setParam(void *, uint32_t, uint32_t, const struct spa_pod *)
{
	return -ENOENT;
}

int setIo(void *o, uint32_t id, void *data, size_t size)
{
	auto *f = static_cast<Floor *>(o);
	if (id == SPA_IO_Clock)
		f->clock = size >= sizeof(*f->clock) ? static_cast<struct spa_io_clock *>(data) : nullptr;
	return id == SPA_IO_Clock || id == SPA_IO_Position ? 0 : -ENOENT;
}

/* The one per-frame path: DQBUF, hand the buffer to the graph, QBUF the one it gave back. */
void onFrame(struct spa_source *source)
{
	auto *f = static_cast<Floor *>(source->data);
	V4l2DequeuedBuffer frame;
	if (f->queue->dequeueBuffer(&frame) < 0 || frame.index >= f->buffers.size())
		return;
	struct spa_chunk *chunk = f->buffers[frame.index]->datas[0].chunk;
	chunk->offset = 0;
	chunk->size = frame.planes[0].bytesused;
	if (struct spa_meta_header *h = f->headers[frame.index]) {
		h->pts = int64_t(frame.timestampNs);
		h->seq = frame.sequence;
		h->flags = 0;
	}
	if (f->clock) {
		uint64_t period = SPA_NSEC_PER_SEC * f->offered.framerate.denom /
				  SPA_MAX(f->offered.framerate.num, 1u);
		f->clock->nsec = frame.timestampNs;
		f->clock->next_nsec = frame.timestampNs + period;
		f->clock->position = frame.sequence;
		f->clock->duration = 1;
		f->clock->rate = SPA_FRACTION(f->offered.framerate.denom, f->offered.framerate.num);
		f->clock->rate_diff = 1.0;
		f->clock->delay = 0;
	}
	if (f->io == nullptr || f->io->status == SPA_STATUS_HAVE_DATA) {
		f->queue->queueBuffer(frame.index); /* nobody took the last one: drop this one */
		return;
	}
	if (f->io->buffer_id < f->buffers.size())
		f->queue->queueBuffer(f->io->buffer_id);
	f->io->buffer_id = frame.index;
	f->io->status = SPA_STATUS_HAVE_DATA;
	spa_node_call_ready(&f->callbacks, SPA_STATUS_HAVE_DATA);
}

int loopAdd(struct spa_loop *loop, bool, uint32_t, const void *, size_t, void *data)
{
	auto *f = static_cast<Floor *>(data);
	f->sourceAdded = spa_loop_add_source(loop, &f->source) == 0;
	return 0;
}

int loopRemove(struct spa_loop *loop, bool, uint32_t, const void *, size_t, void *data)
{
	auto *f = static_cast<Floor *>(data);
	if (f->sourceAdded)
		spa_loop_remove_source(loop, &f->source);
	f->sourceAdded = false;
	return 0;
}

void stop(Floor *f)
{
	spa_loop_invoke(f->dataLoop, loopRemove, 0, nullptr, 0, true, f);
	if (f->queue)
		f->queue->streamOff();
}

int sendCommand(void *o, const struct spa_command *command)
{
	auto *f = static_cast<Floor *>(o);
	switch (SPA_NODE_COMMAND_ID(command)) {
	case SPA_NODE_COMMAND_Start: {
		if (f->buffers.empty())
			return -EIO;
		if (f->queue->streaming())
			return 0;
		for (uint32_t i = 0; i < f->buffers.size(); i++)
			f->queue->queueBuffer(i);
		int res = f->queue->streamOn();
		if (res < 0)
			return res;
		f->source = {};
		f->source.func = onFrame;
		f->source.data = f;
		f->source.fd = f->dev.fd();
		f->source.mask = SPA_IO_IN | SPA_IO_ERR;
		spa_loop_invoke(f->dataLoop, loopAdd, 0, nullptr, 0, true, f);
		return 0;
	}
	case SPA_NODE_COMMAND_Pause:
	case SPA_NODE_COMMAND_Suspend:
		stop(f);
		return 0;
	default:
		return -ENOTSUP;
	}
}

int addPort(void *, enum spa_direction, uint32_t, const struct spa_dict *)
{
	return -ENOTSUP;
}

int removePort(void *, enum spa_direction, uint32_t)
{
	return -ENOTSUP;
}

/* Param @p id number @p index of the port, or nullptr when there is none. */
struct spa_pod *portParam(Floor *f, uint32_t id, uint32_t index, struct spa_pod_builder *b)
{
	if (index > 0)
		return nullptr;
	const uint32_t size = f->haveFormat ? f->fmt.planes[0].sizeimage : 0;
	const uint32_t stride = f->haveFormat ? f->fmt.planes[0].bytesperline : 0;
	switch (id) {
	case SPA_PARAM_EnumFormat:
		return spa_format_video_raw_build(b, id, &f->offered);
	case SPA_PARAM_Format:
		return f->haveFormat ? spa_format_video_raw_build(b, id, &f->offered) : nullptr;
	case SPA_PARAM_Buffers:
		if (!f->haveFormat)
			return nullptr;
		return static_cast<struct spa_pod *>(spa_pod_builder_add_object(b,
			SPA_TYPE_OBJECT_ParamBuffers, id,
			SPA_PARAM_BUFFERS_buffers, SPA_POD_CHOICE_RANGE_Int(4, 2, 8),
			SPA_PARAM_BUFFERS_blocks, SPA_POD_Int(1),
			SPA_PARAM_BUFFERS_size, SPA_POD_Int(size),
			SPA_PARAM_BUFFERS_stride, SPA_POD_Int(stride),
			SPA_PARAM_BUFFERS_dataType, SPA_POD_CHOICE_FLAGS_Int(1 << SPA_DATA_DmaBuf)));
	case SPA_PARAM_Meta:
		return static_cast<struct spa_pod *>(spa_pod_builder_add_object(b,
			SPA_TYPE_OBJECT_ParamMeta, id,
			SPA_PARAM_META_type, SPA_POD_Id(SPA_META_Header),
			SPA_PARAM_META_size, SPA_POD_Int(sizeof(struct spa_meta_header))));
	case SPA_PARAM_IO:
		return static_cast<struct spa_pod *>(spa_pod_builder_add_object(b,
			SPA_TYPE_OBJECT_ParamIO, id,
			SPA_PARAM_IO_id, SPA_POD_Id(SPA_IO_Buffers),
			SPA_PARAM_IO_size, SPA_POD_Int(sizeof(struct spa_io_buffers))));
	default:
		return nullptr;
	}
}

int portEnumParams(void *o, int seq, enum spa_direction, uint32_t, uint32_t id, uint32_t start,
		   uint32_t num, const struct spa_pod *filter)
{
	auto *f = static_cast<Floor *>(o);
	uint8_t buffer[1024];
	struct spa_result_node_params result{};
	result.id = id;
	uint32_t count = 0;
	for (result.index = start; count < num; result.index++) {
		struct spa_pod_builder b = SPA_POD_BUILDER_INIT(buffer, sizeof(buffer));
		struct spa_pod *param = portParam(f, id, result.index, &b);
		if (param == nullptr)
			break;
		result.next = result.index + 1;
		if (spa_pod_filter(&b, &result.param, param, filter) < 0)
			continue;
		spa_node_emit_result(&f->hooks, seq, 0, SPA_RESULT_TYPE_NODE_PARAMS, &result);
		count++;
	}
	return 0;
}

void releaseBuffers(Floor *f)
{
	stop(f);
	f->buffers.clear();
	f->headers.clear();
	f->exported.clear();
	if (f->queue)
		f->queue->requestBuffers(0, V4l2Memory::Mmap);
}

int portSetParam(void *o, enum spa_direction, uint32_t, uint32_t id, uint32_t flags,
		 const struct spa_pod *param)
{
	auto *f = static_cast<Floor *>(o);
	if (id != SPA_PARAM_Format)
		return -ENOENT;
	releaseBuffers(f);
	f->haveFormat = false;
	if (param != nullptr) {
		struct spa_video_info_raw asked{};
		if (spa_format_video_raw_parse(param, &asked) < 0 || asked.format != f->offered.format ||
		    asked.size.width != f->offered.size.width || asked.size.height != f->offered.size.height)
			return -EINVAL;
		if (flags & SPA_NODE_PARAM_FLAG_TEST_ONLY)
			return 0;
		f->fmt = V4l2Format{};
		f->fmt.fourcc = v4l2FourccOf(f->offered.format);
		f->fmt.width = f->offered.size.width;
		f->fmt.height = f->offered.size.height;
		if (f->dev.setFormat(&f->fmt) < 0 || f->fmt.planes.size() != 1)
			return -EINVAL;
		V4l2Fraction interval{f->offered.framerate.denom, f->offered.framerate.num};
		int res = f->dev.setFrameInterval(&interval);
		if (res < 0 && res != -ENOTTY) /* ENOTTY: the rate is the input's (DV timings) */
			return res;
		f->haveFormat = true;
	}
	f->portParams[3].flags = f->haveFormat ? SPA_PARAM_INFO_READWRITE : SPA_PARAM_INFO_WRITE;
	f->portParams[4].flags = f->haveFormat ? SPA_PARAM_INFO_READ : 0;
	f->portParams[3].user++;
	f->portParams[4].user++;
	emitPort(f);
	return 0;
}

int portUseBuffers(void *o, enum spa_direction, uint32_t, uint32_t flags, struct spa_buffer **buffers,
		   uint32_t n)
{
	auto *f = static_cast<Floor *>(o);
	releaseBuffers(f);
	if (n == 0)
		return 0;
	if (!(flags & SPA_NODE_BUFFERS_FLAG_ALLOC) || !f->haveFormat)
		return -ENOTSUP;
	int res = f->queue->exportBuffers(n, &f->exported);
	if (res < 0 || f->exported.size() != n) {
		releaseBuffers(f);
		return res < 0 ? res : -ENOMEM;
	}
	for (uint32_t i = 0; i < n; i++) {
		struct spa_data *d = &buffers[i]->datas[0];
		d->type = SPA_DATA_DmaBuf;
		d->flags = SPA_DATA_FLAG_READABLE;
		d->fd = f->exported[i].planes[0].fd.get();
		d->mapoffset = 0;
		d->maxsize = f->exported[i].planes[0].length;
		d->data = nullptr;
		d->chunk->offset = 0;
		d->chunk->size = 0;
		d->chunk->stride = int32_t(f->fmt.planes[0].bytesperline);
		d->chunk->flags = SPA_CHUNK_FLAG_NONE;
		f->buffers.push_back(buffers[i]);
		f->headers.push_back(static_cast<struct spa_meta_header *>(
			spa_buffer_find_meta_data(buffers[i], SPA_META_Header, sizeof(struct spa_meta_header))));
	}
	return 0;
}

int portSetIo(void *o, enum spa_direction, uint32_t, uint32_t id, void *data, size_t)
{
	if (id != SPA_IO_Buffers)
		return -ENOENT;
	static_cast<Floor *>(o)->io = static_cast<struct spa_io_buffers *>(data);
	return 0;
}

int portReuseBuffer(void *o, uint32_t, uint32_t id)
{
	auto *f = static_cast<Floor *>(o);
	return id < f->buffers.size() ? f->queue->queueBuffer(id) : -EINVAL;
}

int process(void *o)
{
	auto *f = static_cast<Floor *>(o);
	if (f->io == nullptr)
		return -EIO;
	if (f->io->status == SPA_STATUS_HAVE_DATA)
		return SPA_STATUS_HAVE_DATA;
	if (f->io->buffer_id < f->buffers.size()) {
		f->queue->queueBuffer(f->io->buffer_id);
		f->io->buffer_id = SPA_ID_INVALID;
	}
	return SPA_STATUS_OK;
}

const struct spa_node_methods kNodeMethods = {
	SPA_VERSION_NODE_METHODS, addListener, setCallbacks, sync, enumParams, setParam, setIo,
	sendCommand, addPort, removePort, portEnumParams, portSetParam, portUseBuffers, portSetIo,
	portReuseBuffer, process,
};

int getInterface(struct spa_handle *handle, const char *type, void **iface)
{
	auto *f = reinterpret_cast<Floor *>(handle);
	if (strcmp(type, SPA_TYPE_INTERFACE_Node) != 0)
		return -ENOENT;
	*iface = &f->node;
	return 0;
}

int clear(struct spa_handle *handle)
{
	auto *f = reinterpret_cast<Floor *>(handle);
	releaseBuffers(f);
	f->queue.reset();
	f->~Floor();
	return 0;
}

size_t getSize(const struct spa_handle_factory *, const struct spa_dict *)
{
	return sizeof(Floor);
}

/* Reads the fixed format from the properties; false when one is missing or bad. */
bool readFormat(const struct spa_dict *info, struct spa_video_info_raw *raw)
{
	const char *format = spa_dict_lookup(info, "bench.format");
	const char *size = spa_dict_lookup(info, "bench.size");
	const char *rate = spa_dict_lookup(info, "bench.framerate");
	unsigned w = 0, h = 0, fps = 0;
	if (!format || !size || !rate || sscanf(size, "%ux%u", &w, &h) != 2 || sscanf(rate, "%u", &fps) != 1)
		return false;
	if (strcmp(format, "YUYV") == 0)
		raw->format = SPA_VIDEO_FORMAT_YUY2;
	else if (strcmp(format, "NV12") == 0)
		raw->format = SPA_VIDEO_FORMAT_NV12;
	else
		return false;
	raw->size = SPA_RECTANGLE(w, h);
	raw->framerate = SPA_FRACTION(fps, 1);
	return w && h && fps;
}

int init(const struct spa_handle_factory *, struct spa_handle *handle, const struct spa_dict *info,
	 const struct spa_support *support, uint32_t n_support)
{
	auto *f = new (handle) Floor();
	f->handle.version = SPA_VERSION_HANDLE;
	f->handle.get_interface = getInterface;
	f->handle.clear = clear;
	f->node.iface = SPA_INTERFACE_INIT(SPA_TYPE_INTERFACE_Node, SPA_VERSION_NODE, &kNodeMethods, f);
	spa_hook_list_init(&f->hooks);
	f->dataLoop = static_cast<struct spa_loop *>(
		spa_support_find(support, n_support, SPA_TYPE_INTERFACE_DataLoop));
	const char *path = info ? spa_dict_lookup(info, SPA_KEY_API_V4L2_PATH) : nullptr;
	if (f->dataLoop == nullptr || path == nullptr || !readFormat(info, &f->offered) ||
	    f->dev.open(path) < 0) {
		f->~Floor();
		return -EINVAL;
	}
	f->queue = std::make_unique<V4l2BufferQueue>(f->dev);
	f->portParams[0] = SPA_PARAM_INFO(SPA_PARAM_EnumFormat, SPA_PARAM_INFO_READ);
	f->portParams[1] = SPA_PARAM_INFO(SPA_PARAM_Meta, SPA_PARAM_INFO_READ);
	f->portParams[2] = SPA_PARAM_INFO(SPA_PARAM_IO, SPA_PARAM_INFO_READ);
	f->portParams[3] = SPA_PARAM_INFO(SPA_PARAM_Format, SPA_PARAM_INFO_WRITE);
	f->portParams[4] = SPA_PARAM_INFO(SPA_PARAM_Buffers, 0);
	return 0;
}

int enumInterfaceInfo(const struct spa_handle_factory *, const struct spa_interface_info **info,
		      uint32_t *index)
{
	static const struct spa_interface_info node = {SPA_TYPE_INTERFACE_Node};
	if (*index > 0)
		return 0;
	*info = &node;
	(*index)++;
	return 1;
}

const struct spa_handle_factory kFactory = {
	SPA_VERSION_HANDLE_FACTORY, "bench.floor.source", nullptr, getSize, init, enumInterfaceInfo,
};

} /* namespace */

extern "C" SPA_EXPORT int spa_handle_factory_enum(const struct spa_handle_factory **factory,
						   uint32_t *index)
{
	if (*index > 0)
		return 0;
	*factory = &kFactory;
	(*index)++;
	return 1;
}
