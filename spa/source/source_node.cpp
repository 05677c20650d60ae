/* SPDX-License-Identifier: MIT */
#include "source_node.h"

#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>

#include <spa/monitor/device.h>
#include <spa/node/keys.h>
#include <spa/param/param.h>
#include <spa/param/props.h>
#include <spa/pod/filter.h>
#include <spa/pod/parser.h>
#include <spa/support/plugin.h>
#include <spa/utils/keys.h>
#include <spa/utils/names.h>
#include <spa/utils/result.h>
#include <spa/utils/string.h>

#include "v4l2-dmabuf/keys.h"
#include "format_pod.h"
#include "pod_validator.h"
#include "spa_log_sink.h"

namespace v4l2dmabuf {

namespace {

constexpr uint64_t kNodeInfoAll = SPA_NODE_CHANGE_MASK_FLAGS | SPA_NODE_CHANGE_MASK_PROPS |
				  SPA_NODE_CHANGE_MASK_PARAMS;
constexpr uint64_t kPortInfoAll = SPA_PORT_CHANGE_MASK_FLAGS | SPA_PORT_CHANGE_MASK_PARAMS;

/* SPA_IO_CLOCK_FLAG_NO_RATE, new in PipeWire 1.3.81 (spa/node/io.h): set here
 * by value so that a plugin built against 0.3.65's headers sets it too in a
 * 1.x daemon (0.3.65 reads no such bit). */
constexpr uint32_t kClockFlagNoRate = 1u << 3;
#ifdef SPA_IO_CLOCK_FLAG_NO_RATE
static_assert(kClockFlagNoRate == SPA_IO_CLOCK_FLAG_NO_RATE, "SPA's NO_RATE clock flag moved");
#endif

} /* namespace */

void bindSourceNodeInterface(struct spa_node *node, SourceNode *object);

SourceNode::SourceNode()
{
	spa_zero(node_);
	bindSourceNodeInterface(&node_, this);
	spa_hook_list_init(&hooks_);
	spa_zero(nodeInfo_);
	spa_zero(portInfo_);
}

SourceNode::~SourceNode()
{
	/* The host destroys the node on the main loop. First the data loop:
	 * pause() removes the device's source there with a blocking invoke, so
	 * any callback of ours that was running has finished, and any device
	 * error report it queued is on the main loop by now. Then the main
	 * loop: an invoke from the loop's own thread runs every queued item
	 * first (support/loop.c), and destroying_ makes ours do nothing (and
	 * keeps pause() from watching control events again). */
	destroying_ = true;
	pause();
	if (mainLoop_) {
		spa_loop_invoke(mainLoop_, [](struct spa_loop *, bool, uint32_t, const void *, size_t,
					      void *) { return 0; }, 0, nullptr, 0, true, nullptr);
	}
	buffers_.reset();
}

int SourceNode::init(const struct spa_dict *info, const struct spa_support *support,
		     uint32_t nSupport)
{
	log_ = static_cast<struct spa_log *>(spa_support_find(support, nSupport, SPA_TYPE_INTERFACE_Log));
	mainLoop_ = static_cast<struct spa_loop *>(
		spa_support_find(support, nSupport, SPA_TYPE_INTERFACE_Loop));
	dataLoop_ = static_cast<struct spa_loop *>(
		spa_support_find(support, nSupport, SPA_TYPE_INTERFACE_DataLoop));
	if (dataLoop_ == nullptr) {
		spa_log_error(log_, "v4l2-dmabuf source: the host gave no data loop");
		return -EINVAL;
	}
	const char *path = info ? spa_dict_lookup(info, SPA_KEY_API_V4L2_PATH) : nullptr;
	if (path == nullptr || *path == '\0') {
		spa_log_error(log_, "v4l2-dmabuf source: property %s is required",
			      SPA_KEY_API_V4L2_PATH);
		return -EINVAL;
	}

	device_.setLogSink(spaLogSink(log_));
	/* io-mode convert decides how the device is opened: through libv4l2. */
	const char *ioMode = spa_dict_lookup(info, V4L2_DMABUF_KEY_IO_MODE);
	convert_ = spa_streq(ioMode, ioModeName(IoMode::Convert));
	int ret = device_.open(path, convert_ ? V4l2Access::Libv4l2 : V4l2Access::Direct);
	if (ret < 0) {
		spa_log_error(log_, "%s: cannot open as a capture device: %s", path, spa_strerror(ret));
		return ret;
	}
	buffers_ = std::make_unique<CaptureBuffers>(device_, log_);
	ret = controls_.refresh();
	if (ret < 0)
		spa_log_warn(log_, "%s: cannot list controls: %s", path, spa_strerror(ret));
	watchControls();
	ret = applyIoSettings(ioMode, spa_dict_lookup(info, V4L2_DMABUF_KEY_ALLOCATOR));
	if (ret < 0)
		return ret;
	enumerateFormats();
	if (formats_.empty() && convert_) {
		spa_log_error(log_, "%s: io-mode convert: libv4l2 emulates no format this plugin knows "
			      "for this device (its own formats need no conversion): %s", path,
			      spa_strerror(-ENOTSUP));
		return -ENOTSUP;
	}
	if (formats_.empty())
		spa_log_warn(log_, "%s: no format this plugin knows", path);

	const V4l2Capability &caps = device_.capability();
	/* A device object (v4l2-dmabuf.device) names the node for the
	 * desktop; the card name is only the fallback. */
	const char *description = spa_dict_lookup(info, "node.description");
	const char *nick = spa_dict_lookup(info, "node.nick");
	/* A converting node says so where people and tools look. */
	std::string fallbackDescription =
		caps.card + (convert_ ? V4L2_DMABUF_CONVERT_DESCRIPTION_SUFFIX : "");
	props_.set(SPA_KEY_DEVICE_API, "v4l2");
	props_.set(SPA_KEY_MEDIA_CLASS, "Video/Source");
	props_.set(SPA_KEY_MEDIA_ROLE, "Camera");
	props_.set(SPA_KEY_NODE_DRIVER, "true");
	/* PipeWire's PW_KEY_NODE_CACHE_PARAMS (no SPA macro): without it the
	 * daemon (0.3.65 and 1.4 impl-node.c) answers a client's filtered
	 * enum_params of PropInfo/Props from its own cache with its own,
	 * unvalidated spa_pod_filter, and a bad filter crashes it; uncached,
	 * every filter reaches enumParams() and its validator. */
	props_.set("node.cache-params", "false");
	props_.set("node.description", description && *description ? description : fallbackDescription);
	props_.set("node.nick", nick && *nick ? nick : caps.card);
	props_.set(SPA_KEY_OBJECT_PATH, std::string("v4l2:") + path);
	props_.set(SPA_KEY_API_V4L2_PATH, path);
	setCapabilityProperties(&props_, caps);
	props_.set(V4L2_DMABUF_KEY_MULTIPLANAR, device_.isMultiplanar() ? "true" : "false");
	if (convert_)
		props_.set(V4L2_DMABUF_KEY_CONVERSION, "libv4l2");

	nodeInfo_.max_output_ports = 1;
	nodeInfo_.flags = SPA_NODE_FLAG_RT;
	nodeParams_[kNodePropInfo] = SPA_PARAM_INFO(SPA_PARAM_PropInfo, SPA_PARAM_INFO_READ);
	nodeParams_[kNodeProps] = SPA_PARAM_INFO(SPA_PARAM_Props, SPA_PARAM_INFO_READWRITE);
	/* The port's formats on the node too, as PipeWire's v4l2 source lists
	 * them (v4l2-source.c, 0.3.65 and 1.4): libwebrtc (Chromium, Firefox)
	 * reads a camera's formats from the node's EnumFormat and drops a
	 * camera without any ("Found Camera ... 0 formats", getUserMedia then
	 * NotFoundError). Format becomes readable once one is set. */
	nodeParams_[kNodeEnumFormat] = SPA_PARAM_INFO(SPA_PARAM_EnumFormat, SPA_PARAM_INFO_READ);
	nodeParams_[kNodeFormat] = SPA_PARAM_INFO(SPA_PARAM_Format, 0);
	nodeParams_[kNodeIO] = SPA_PARAM_INFO(SPA_PARAM_IO, SPA_PARAM_INFO_READ);
	nodeInfo_.params = nodeParams_;
	nodeInfo_.n_params = SPA_N_ELEMENTS(nodeParams_);
	nodeChangeMask_ = kNodeInfoAll;

	replan();
	portParams_[kPortEnumFormat] = SPA_PARAM_INFO(SPA_PARAM_EnumFormat, SPA_PARAM_INFO_READ);
	portParams_[kPortMeta] = SPA_PARAM_INFO(SPA_PARAM_Meta, SPA_PARAM_INFO_READ);
	portParams_[kPortIO] = SPA_PARAM_INFO(SPA_PARAM_IO, SPA_PARAM_INFO_READ);
	portParams_[kPortFormat] = SPA_PARAM_INFO(SPA_PARAM_Format, SPA_PARAM_INFO_WRITE);
	portParams_[kPortBuffers] = SPA_PARAM_INFO(SPA_PARAM_Buffers, 0);
	portInfo_.params = portParams_;
	portInfo_.n_params = SPA_N_ELEMENTS(portParams_);
	portChangeMask_ = kPortInfoAll;

	spa_log_info(log_, "%s: %s (%s), %s, %zu format choices", path, caps.card.c_str(),
		     caps.driver.c_str(), device_.isMultiplanar() ? "multi-planar" : "single-planar",
		     formats_.size());
	return 0;
}

void SourceNode::enumerateFormats()
{
	/* One EnumFormat object per (format, frame size), formats in table order.
	 * io-mode convert offers only libv4l2's emulated formats: the device's
	 * own are for the zero-copy node. */
	std::vector<V4l2FormatDesc> descs;
	for (V4l2FormatDesc &d : device_.enumFormats())
		if (bool(d.flags & V4L2_FMT_FLAG_EMULATED) == convert_)
			descs.push_back(std::move(d));
	for (const FormatInfo &info : formatTable()) {
		bool offered = false;
		for (const V4l2FormatDesc &d : descs)
			offered |= d.fourcc == info.v4l2Fourcc;
		if (!offered)
			continue;
		for (const V4l2FrameSize &size : device_.enumFrameSizes(info.v4l2Fourcc)) {
			V4l2FrameIntervals intervals = device_.enumFrameIntervals(
				info.v4l2Fourcc, size.maxWidth, size.maxHeight);
			formats_.push_back({&info, size, intervals});
		}
	}
	for (const V4l2FormatDesc &d : descs)
		if (!findFormatByV4l2(d.fourcc))
			spa_log_debug(log_, "%s: format %s is not in the format table",
				      device_.path().c_str(), fourccToString(d.fourcc).c_str());
}

void SourceNode::emitNodeInfo(bool full)
{
	uint64_t old = full ? nodeInfo_.change_mask : 0;
	if (full)
		nodeInfo_.change_mask = kNodeInfoAll;
	else
		nodeInfo_.change_mask |= nodeChangeMask_;
	nodeChangeMask_ = 0;
	if (nodeInfo_.change_mask == 0)
		return;

	SpaDict dict(props_);
	nodeInfo_.props = dict.get();
	spa_node_emit_info(&hooks_, &nodeInfo_);
	nodeInfo_.props = nullptr;
	nodeInfo_.change_mask = old;
	for (auto &p : nodeParams_)
		p.user = 0;
}

void SourceNode::emitPortInfo(bool full)
{
	uint64_t old = full ? portInfo_.change_mask : 0;
	if (full)
		portInfo_.change_mask = kPortInfoAll;
	else
		portInfo_.change_mask |= portChangeMask_;
	portChangeMask_ = 0;
	if (portInfo_.change_mask == 0)
		return;
	spa_node_emit_port_info(&hooks_, SPA_DIRECTION_OUTPUT, 0, &portInfo_);
	portInfo_.change_mask = old;
	for (auto &p : portParams_)
		p.user = 0;
}

int SourceNode::addListener(struct spa_hook *listener, const struct spa_node_events *events,
			    void *data)
{
	struct spa_hook_list save;
	spa_hook_list_isolate(&hooks_, &save, listener, events, data);
	emitNodeInfo(true);
	emitPortInfo(true);
	spa_hook_list_join(&hooks_, &save);
	return 0;
}

int SourceNode::setCallbacks(const struct spa_node_callbacks *callbacks, void *data)
{
	callbacks_ = SPA_CALLBACKS_INIT(callbacks, data);
	return 0;
}

int SourceNode::sync(int seq)
{
	spa_node_emit_result(&hooks_, seq, 0, 0, nullptr);
	return 0;
}

int SourceNode::emitParams(int seq, uint32_t id, uint32_t start, uint32_t num,
			   const struct spa_pod *filter, const ParamBuilder &build)
{
	uint8_t buffer[8192];
	struct spa_result_node_params result;
	uint32_t count = 0;

	result.id = id;
	result.next = start;
	while (count < num) {
		struct spa_pod_builder b = SPA_POD_BUILDER_INIT(buffer, sizeof(buffer));
		result.index = result.next++;
		struct spa_pod *param = build(result.index, &b);
		if (param == nullptr)
			break;
		if (spa_pod_filter(&b, &result.param, param, filter) < 0)
			continue;
		spa_node_emit_result(&hooks_, seq, 0, SPA_RESULT_TYPE_NODE_PARAMS, &result);
		count++;
	}
	return 0;
}

/*
 * Every POD from outside (a client's Props, a filter, a consumer's Format)
 * is walked with bounds checks before libspa's header-only parsers and
 * spa_pod_filter see it: before PipeWire 1.5.81 those trust the sizes
 * inside the POD (support/pod_validator.h).
 */
int SourceNode::checkPod(const char *what, const struct spa_pod *pod) const
{
	std::string why;
	if (validateParam(pod, &why) == 0)
		return 0;
	spa_log_error(log_, "%s: invalid %s: %s", device_.path().c_str(), what, why.c_str());
	return -EINVAL;
}

int SourceNode::enumParams(int seq, uint32_t id, uint32_t start, uint32_t num,
			   const struct spa_pod *filter)
{
	spa_return_val_if_fail(num != 0, -EINVAL);
	if (checkPod("filter", filter) < 0)
		return -EINVAL;
	const std::string &path = device_.path();
	const std::string &card = device_.capability().card;

	switch (id) {
	case SPA_PARAM_PropInfo:
		return emitParams(seq, id, start, num, filter, [&](uint32_t i, struct spa_pod_builder *b) -> struct spa_pod * {
			if (i == 0)
				return static_cast<struct spa_pod *>(spa_pod_builder_add_object(b,
					SPA_TYPE_OBJECT_PropInfo, id,
					SPA_PROP_INFO_id, SPA_POD_Id(SPA_PROP_device),
					SPA_PROP_INFO_description, SPA_POD_String("The V4L2 device"),
					SPA_PROP_INFO_type, SPA_POD_String(path.c_str())));
			if (i == 1)
				return static_cast<struct spa_pod *>(spa_pod_builder_add_object(b,
					SPA_TYPE_OBJECT_PropInfo, id,
					SPA_PROP_INFO_id, SPA_POD_Id(SPA_PROP_deviceName),
					SPA_PROP_INFO_description, SPA_POD_String("The V4L2 device name"),
					SPA_PROP_INFO_type, SPA_POD_String(card.c_str())));
			if (i == 2)
				return static_cast<struct spa_pod *>(spa_pod_builder_add_object(b,
					SPA_TYPE_OBJECT_PropInfo, id,
					SPA_PROP_INFO_id, SPA_POD_Id(V4L2_DMABUF_PROP_ioMode),
					SPA_PROP_INFO_name, SPA_POD_String(V4L2_DMABUF_KEY_IO_MODE),
					SPA_PROP_INFO_description, SPA_POD_String(
						"I/O method: auto, dmabuf, mmap, dmabuf-import, userptr "
						"(convert: only when the node is created)"),
					SPA_PROP_INFO_type, SPA_POD_String(ioModeName(ioMode_))));
			if (i == 3)
				return static_cast<struct spa_pod *>(spa_pod_builder_add_object(b,
					SPA_TYPE_OBJECT_PropInfo, id,
					SPA_PROP_INFO_id, SPA_POD_Id(V4L2_DMABUF_PROP_allocator),
					SPA_PROP_INFO_name, SPA_POD_String(V4L2_DMABUF_KEY_ALLOCATOR),
					SPA_PROP_INFO_description, SPA_POD_String(
						"DRM device to allocate DMA-BUFs from (dmabuf-import)"),
					SPA_PROP_INFO_type, SPA_POD_String(allocatorPath_.c_str())));
			/* Then one PropInfo per V4L2 control. */
			return controls_.buildPropInfo(b, id, i - 4);
		});
	case SPA_PARAM_Props:
		return emitParams(seq, id, start, num, filter, [&](uint32_t i, struct spa_pod_builder *b) -> struct spa_pod * {
			if (i != 0)
				return nullptr;
			struct spa_pod_frame f;
			spa_pod_builder_push_object(b, &f, SPA_TYPE_OBJECT_Props, id);
			spa_pod_builder_add(b,
				SPA_PROP_device, SPA_POD_String(path.c_str()),
				SPA_PROP_deviceName, SPA_POD_String(card.c_str()),
				V4L2_DMABUF_PROP_ioMode, SPA_POD_String(ioModeName(ioMode_)),
				V4L2_DMABUF_PROP_allocator, SPA_POD_String(allocatorPath_.c_str()), 0);
			controls_.addProps(b);
			return static_cast<struct spa_pod *>(spa_pod_builder_pop(b, &f));
		});
	case SPA_PARAM_IO:
		return emitParams(seq, id, start, num, filter, [&](uint32_t i, struct spa_pod_builder *b) -> struct spa_pod * {
			if (i == 0)
				return buildIoParam(b, id, SPA_IO_Clock, sizeof(struct spa_io_clock));
			if (i == 1)
				return buildIoParam(b, id, SPA_IO_Position, sizeof(struct spa_io_position));
			return nullptr;
		});
	case SPA_PARAM_EnumFormat:
	case SPA_PARAM_Format:
		/* The output port's, the node's only one. */
		return portEnumParams(seq, id, start, num, filter);
	default:
		return -ENOENT;
	}
}

int SourceNode::setParam(uint32_t id, uint32_t flags, const struct spa_pod *param)
{
	if (id != SPA_PARAM_Props)
		return -ENOENT;
	if (checkPod("Props", param) < 0)
		return -EINVAL;
	return setProps(param);
}

int SourceNode::setIo(uint32_t id, void *data, size_t size)
{
	switch (id) {
	case SPA_IO_Clock:
		if (data && size < sizeof(struct spa_io_clock))
			return -EINVAL;
		clock_ = static_cast<struct spa_io_clock *>(data);
		if (clock_) {
			snprintf(clock_->name, sizeof(clock_->name), "v4l2-dmabuf");
			/* A camera's frames come when the sensor has them, not at
			 * exactly rate x duration: followers should take time from
			 * nsec (the frames' timestamps). Without this flag PipeWire
			 * 1.x's pw_stream counts time in position ticks, a clock
			 * apart from the buffers' pts, and GStreamer's pipewiresrc,
			 * which syncs on that clock, waits seconds per frame. */
			clock_->flags |= kClockFlagNoRate;
		}
		return 0;
	case SPA_IO_Position:
		position_ = static_cast<struct spa_io_position *>(data);
		return 0;
	default:
		return -ENOENT;
	}
}

int SourceNode::portEnumParams(int seq, uint32_t id, uint32_t start, uint32_t num,
			       const struct spa_pod *filter)
{
	spa_return_val_if_fail(num != 0, -EINVAL);
	if (checkPod("filter", filter) < 0)
		return -EINVAL;

	switch (id) {
	case SPA_PARAM_EnumFormat:
	{
		std::vector<MediaKind> kinds;
		for (const FormatChoice &c : formats_)
			kinds.push_back(c.info->kind);
		bool modifiers = offersModifiers();
		return emitParams(seq, id, start, num, filter, [&](uint32_t i, struct spa_pod_builder *b) -> struct spa_pod * {
			EnumFormatSlot slot;
			if (!enumFormatSlot(i, kinds, modifiers, &slot))
				return nullptr;
			const FormatChoice &c = formats_[slot.choice];
			return buildEnumFormat(b, id, *c.info, c.size, c.intervals, slot.modifier);
		});
	}
	case SPA_PARAM_Format:
		if (!formatInfo_)
			return -EIO;
		return emitParams(seq, id, start, num, filter, [&](uint32_t i, struct spa_pod_builder *b) {
			return i == 0 ? buildFormat(b, id, *formatInfo_, format_, frameInterval_,
						    formatModifier_)
				      : nullptr;
		});
	case SPA_PARAM_Buffers:
		if (!formatInfo_)
			return -EIO;
		return emitParams(seq, id, start, num, filter, [&](uint32_t i, struct spa_pod_builder *b) {
			if (i != 0)
				return static_cast<struct spa_pod *>(nullptr);
			BufferOffer offer;
			offer.minBuffers = queueCounts_.min;
			offer.maxBuffers = queueCounts_.max;
			offer.defaultBuffers = defaultBufferCount(queueCounts_.min, queueCounts_.max);
			/* A modifier means DMA-BUF (doc/dma-buf.dox): only DmaBuf then. */
			offer.dataTypes = formatModifier_ ? plan_.dataTypes & (1u << SPA_DATA_DmaBuf)
							  : plan_.dataTypes;
			return buildBuffersParam(b, id, format_, offer);
		});
	case SPA_PARAM_Meta:
		return emitParams(seq, id, start, num, filter, [&](uint32_t i, struct spa_pod_builder *b) {
			return i == 0 ? buildMetaHeaderParam(b, id) : nullptr;
		});
	case SPA_PARAM_IO:
		return emitParams(seq, id, start, num, filter, [&](uint32_t i, struct spa_pod_builder *b) {
			return i == 0 ? buildIoParam(b, id, SPA_IO_Buffers, sizeof(struct spa_io_buffers))
				      : nullptr;
		});
	default:
		return -ENOENT;
	}
}

int SourceNode::portSetParam(uint32_t id, uint32_t flags, const struct spa_pod *param)
{
	if (id != SPA_PARAM_Format)
		return -ENOENT;
	if (checkPod("Format", param) < 0)
		return -EINVAL;
	return setFormat(flags, param);
}

int SourceNode::portSetIo(uint32_t id, void *data, size_t size)
{
	if (id != SPA_IO_Buffers)
		return -ENOENT;
	if (data && size < sizeof(struct spa_io_buffers))
		return -EINVAL;
	io_ = static_cast<struct spa_io_buffers *>(data);
	return 0;
}

int SourceNode::portUseBuffers(uint32_t flags, struct spa_buffer **buffers, uint32_t n)
{
	if (started_)
		pause();
	if (n > 0 && !formatInfo_) {
		spa_log_error(log_, "%s: buffers given before a format", device_.path().c_str());
		return -EIO;
	}
	/* The io area outlives the buffers: PipeWire keeps one per port across
	 * links and buffer sets (impl-port.c's rt.io, which the port's tee copies
	 * to each link). What it still holds from the last stream, a buffer id
	 * of the old set marked HAVE_DATA when its consumer left before taking
	 * it, would be handed out as a frame of the new set that the driver has
	 * not filled (seen: a first frame with an empty chunk). Paused here: the
	 * data loop does not touch it. */
	if (io_) {
		io_->status = SPA_STATUS_NEED_DATA;
		io_->buffer_id = SPA_ID_INVALID;
	}
	return buffers_->use(buffers, n, flags, format_, plan_, allocator_);
}

int SourceNode::portReuseBuffer(uint32_t bufferId)
{
	return buffers_->recycle(bufferId);
}

} /* namespace v4l2dmabuf */
