/* SPDX-License-Identifier: MIT */
#include "viewer_stream.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <glib-unix.h>
#include <glib.h>
#include <pipewire/pipewire.h>
#include <spa/param/param.h>
#include <spa/utils/result.h>

namespace v4l2dmabuf::viewer {

/* Everything PipeWire: lives in a shared_ptr so that HeldBuffers can tell
 * whether it is still there. */
class StreamCore : public std::enable_shared_from_this<StreamCore>
{
public:
	StreamCore(const ViewerOptions &o, ViewerStream::FrameHandler f,
		   ViewerStream::ControlsHandler c, ViewerStream::ErrorHandler e)
		: opts(o), onFrame(std::move(f)), onControls(std::move(c)), onError(std::move(e))
	{
	}
	~StreamCore() { stop(); }

	int start(UniqueFd remote);
	void stop();
	const std::string &target() const { return opts.target; }
	int setControl(const ControlInfo &control, int32_t value);
	void requeue(pw_buffer *b, uint64_t generation);

private:
	struct BufferEntry {
		uint64_t generation;
		capture::MappedBuffer mapped;
	};

	void log(const char *fmt, ...) __attribute__((format(printf, 2, 3)));
	void fail(const std::string &message);
	void connectStream();
	void bindNode(uint32_t id);

	void onCoreDone(uint32_t id, int seq);
	void onCoreError(uint32_t id, int res, const char *message);
	void onGlobal(uint32_t id, const char *type, const spa_dict *props);
	void onNodeParam(uint32_t id, const spa_pod *param);
	void onStateChanged(pw_stream_state state, const char *error);
	void onParamChanged(uint32_t id, const spa_pod *param);
	void onAddBuffer(pw_buffer *b);
	void onRemoveBuffer(pw_buffer *b);
	void onProcess();

	ViewerOptions opts;
	ViewerStream::FrameHandler onFrame;
	ViewerStream::ControlsHandler onControls;
	ViewerStream::ErrorHandler onError;
	const FormatInfo *requested = nullptr;
	/* A portal remote without --target: the first camera it lists becomes the target. */
	bool pickCamera = false;

	pw_loop *loop = nullptr;
	bool loopEntered = false;
	guint glibSource = 0;
	pw_context *context = nullptr;
	pw_core *core = nullptr;
	pw_registry *registry = nullptr;
	pw_proxy *node = nullptr;
	pw_stream *stream = nullptr;
	spa_hook coreListener{}, registryListener{}, nodeListener{}, streamListener{};

	capture::NegotiatedFormat format;
	std::map<pw_buffer *, BufferEntry> buffers;
	uint64_t nextGeneration = 1;

	bool synced = false, connected = false, failed = false;
	bool stopping = false; /* our own disconnect: its state changes are no error */
	int initialSync = -1, controlsSync = -1;
	std::map<uint32_t, ControlInfo> controls; /* by Props key, PropInfo order lost: sorted by id */
	std::vector<uint32_t> controlOrder;
	std::map<uint32_t, int32_t> values;
};

void StreamCore::log(const char *fmt, ...)
{
	if (!opts.verbose)
		return;
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "viewer: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void StreamCore::fail(const std::string &message)
{
	if (failed)
		return;
	failed = true;
	onError(message, true);
}

int StreamCore::start(UniqueFd remote)
{
	if (!opts.format.empty())
		requested = findFormatByName(opts.format.c_str());
	loop = pw_loop_new(nullptr);
	if (!loop) {
		int res = -errno;
		fail(std::string("cannot create a PipeWire loop: ") + strerror(-res));
		return res;
	}
	context = pw_context_new(loop, nullptr, 0);
	if (!context) {
		int res = -errno;
		fail(std::string("cannot create a PipeWire context: ") + strerror(-res));
		return res;
	}
	if (remote.isValid()) {
		/* The core owns the socket from here (and closes it on disconnect). */
		pickCamera = opts.target.empty();
		core = pw_context_connect_fd(context, remote.release(), nullptr, 0);
	} else {
		core = pw_context_connect(context, nullptr, 0);
	}
	if (!core) {
		int res = -errno;
		fail(std::string("cannot connect to the PipeWire daemon: ") + strerror(-res));
		return res;
	}

	/* The pw_loop is dispatched by GLib: its fd is readable when work is due. */
	pw_loop_enter(loop);
	loopEntered = true;
	glibSource = g_unix_fd_add(pw_loop_get_fd(loop), G_IO_IN, [](int, GIOCondition, gpointer d) {
		pw_loop_iterate(static_cast<StreamCore *>(d)->loop, 0);
		return gboolean(G_SOURCE_CONTINUE);
	}, this);

	static const pw_core_events coreEvents = [] {
		pw_core_events e{};
		e.version = PW_VERSION_CORE_EVENTS;
		e.done = [](void *d, uint32_t id, int seq) { static_cast<StreamCore *>(d)->onCoreDone(id, seq); };
		e.error = [](void *d, uint32_t id, int, int res, const char *message) {
			static_cast<StreamCore *>(d)->onCoreError(id, res, message);
		};
		return e;
	}();
	pw_core_add_listener(core, &coreListener, &coreEvents, this);

	static const pw_registry_events registryEvents = [] {
		pw_registry_events e{};
		e.version = PW_VERSION_REGISTRY_EVENTS;
		e.global = [](void *d, uint32_t id, uint32_t, const char *type, uint32_t,
			      const spa_dict *props) { static_cast<StreamCore *>(d)->onGlobal(id, type, props); };
		return e;
	}();
	registry = pw_core_get_registry(core, PW_VERSION_REGISTRY, 0);
	if (!registry) {
		int res = -errno;
		fail(std::string("cannot get the registry: ") + strerror(-res));
		return res;
	}
	pw_registry_add_listener(registry, &registryListener, &registryEvents, this);
	initialSync = pw_core_sync(core, PW_ID_CORE, 0);
	return 0;
}

void StreamCore::onCoreDone(uint32_t id, int seq)
{
	if (id != PW_ID_CORE)
		return;
	if (seq == initialSync && !synced) {
		synced = true;
		if (pickCamera && !connected)
			fail("the Camera portal's PipeWire remote lists no camera node");
		else if (opts.target.empty())
			connectStream();
		else if (!connected)
			log("target '%s' not present yet, waiting", opts.target.c_str());
	} else if (seq == controlsSync) {
		std::vector<ControlInfo> list;
		for (uint32_t key : controlOrder)
			list.push_back(controls[key]);
		log("%zu controls", list.size());
		onControls(list, values);
	}
}

void StreamCore::onCoreError(uint32_t id, int res, const char *message)
{
	std::string text = std::string(message ? message : "") + " (" + spa_strerror(res) + ")";
	log("error on object %u: %s", id, text.c_str());
	if (node && id == pw_proxy_get_id(node))
		onError("the node refused: " + text, false);
	else if (id == PW_ID_CORE)
		fail("PipeWire error: " + text);
}

void StreamCore::onGlobal(uint32_t id, const char *type, const spa_dict *props)
{
	if ((opts.target.empty() && !pickCamera) || connected ||
	    strcmp(type, PW_TYPE_INTERFACE_Node) != 0 || !props)
		return;
	const char *name = spa_dict_lookup(props, PW_KEY_NODE_NAME);
	const char *serial = spa_dict_lookup(props, PW_KEY_OBJECT_SERIAL);
	const char *mediaClass = spa_dict_lookup(props, PW_KEY_MEDIA_CLASS);
	if (pickCamera && opts.target.empty() && mediaClass && strcmp(mediaClass, "Video/Source") == 0 &&
	    (serial || name)) {
		opts.target = serial ? serial : name;
		log("the portal's remote lists camera node %u '%s': the target", id, name ? name : "");
	}
	if ((name && opts.target == name) || (serial && opts.target == serial)) {
		log("target found: node %u", id);
		if (!opts.noControls)
			bindNode(id);
		connectStream();
	}
}

/* The target's proxy: its PropInfo become the controls, Props their values. */
void StreamCore::bindNode(uint32_t id)
{
	node = static_cast<pw_proxy *>(pw_registry_bind(registry, id, PW_TYPE_INTERFACE_Node,
							 PW_VERSION_NODE, 0));
	if (!node) {
		log("cannot bind node %u: %s", id, strerror(errno));
		return;
	}
	static const pw_node_events nodeEvents = [] {
		pw_node_events e{};
		e.version = PW_VERSION_NODE_EVENTS;
		e.param = [](void *d, int, uint32_t id, uint32_t, uint32_t, const spa_pod *param) {
			static_cast<StreamCore *>(d)->onNodeParam(id, param);
		};
		return e;
	}();
	pw_node_add_listener(reinterpret_cast<pw_node *>(node), &nodeListener, &nodeEvents, this);
	pw_node_enum_params(reinterpret_cast<pw_node *>(node), 0, SPA_PARAM_PropInfo, 0, UINT32_MAX, nullptr);
	uint32_t subscribe[] = {SPA_PARAM_Props};
	pw_node_subscribe_params(reinterpret_cast<pw_node *>(node), subscribe, 1);
	controlsSync = pw_core_sync(core, PW_ID_CORE, 0);
}

void StreamCore::onNodeParam(uint32_t id, const spa_pod *param)
{
	if (id == SPA_PARAM_PropInfo) {
		ControlInfo c;
		if (parsePropInfo(param, &c) == 0) {
			if (!controls.count(c.id))
				controlOrder.push_back(c.id);
			controls[c.id] = c;
		}
	} else if (id == SPA_PARAM_Props) {
		for (auto [key, value] : parsePropsValues(param))
			values[key] = value;
	}
}

int StreamCore::setControl(const ControlInfo &control, int32_t value)
{
	if (!node)
		return -ENOTCONN;
	uint8_t storage[256];
	spa_pod_builder b = SPA_POD_BUILDER_INIT(storage, sizeof(storage));
	const spa_pod *param = buildControlProps(&b, control, value);
	if (!param)
		return -ENOSPC;
	log("set %s = %d", control.label().c_str(), value);
	values[control.id] = value;
	return pw_node_set_param(reinterpret_cast<pw_node *>(node), SPA_PARAM_Props, 0, param);
}

void StreamCore::connectStream()
{
	if (connected || failed)
		return;
	connected = true;
	pw_properties *props = pw_properties_new(PW_KEY_MEDIA_TYPE, "Video", PW_KEY_MEDIA_CATEGORY,
						 "Capture", PW_KEY_MEDIA_ROLE, "Camera",
						 PW_KEY_NODE_NAME, "v4l2-dmabuf-viewer", nullptr);
	if (!opts.target.empty())
		pw_properties_set(props, PW_KEY_TARGET_OBJECT, opts.target.c_str());
	stream = pw_stream_new(core, "v4l2-dmabuf-viewer", props);
	if (!stream) {
		fail(std::string("cannot create a stream: ") + strerror(errno));
		return;
	}
	static const pw_stream_events streamEvents = [] {
		pw_stream_events e{};
		e.version = PW_VERSION_STREAM_EVENTS;
		e.state_changed = [](void *d, pw_stream_state, pw_stream_state state, const char *error) {
			static_cast<StreamCore *>(d)->onStateChanged(state, error);
		};
		e.param_changed = [](void *d, uint32_t id, const spa_pod *param) {
			static_cast<StreamCore *>(d)->onParamChanged(id, param);
		};
		e.add_buffer = [](void *d, pw_buffer *b) { static_cast<StreamCore *>(d)->onAddBuffer(b); };
		e.remove_buffer = [](void *d, pw_buffer *b) { static_cast<StreamCore *>(d)->onRemoveBuffer(b); };
		e.process = [](void *d) { static_cast<StreamCore *>(d)->onProcess(); };
		return e;
	}();
	pw_stream_add_listener(stream, &streamListener, &streamEvents, this);

	uint8_t storage[4096];
	spa_pod_builder b = SPA_POD_BUILDER_INIT(storage, sizeof(storage));
	capture::FormatRequest request{requested, opts.width, opts.height, opts.framerateNum,
				       opts.framerateDenom};
	std::vector<const spa_pod *> params = capture::buildEnumFormats(&b, request);
	if (params.empty()) {
		fail("cannot build the EnumFormat params");
		return;
	}
	/* No MAP_BUFFERS: add_buffer maps each data itself, for the memory path. */
	auto flags = pw_stream_flags(PW_STREAM_FLAG_AUTOCONNECT |
				     (opts.target.empty() ? 0 : PW_STREAM_FLAG_DONT_RECONNECT));
	int res = pw_stream_connect(stream, PW_DIRECTION_INPUT, PW_ID_ANY, flags, params.data(),
				    uint32_t(params.size()));
	if (res < 0)
		fail(std::string("cannot connect the stream: ") + spa_strerror(res));
}

void StreamCore::onStateChanged(pw_stream_state state, const char *error)
{
	log("stream state: %s%s%s", pw_stream_state_as_string(state), error ? ": " : "",
	    error ? error : "");
	if (stopping)
		return;
	if (state == PW_STREAM_STATE_ERROR)
		fail(std::string("stream error: ") + (error ? error : "unknown"));
	else if (state == PW_STREAM_STATE_UNCONNECTED && connected)
		fail("stream disconnected by PipeWire");
}

void StreamCore::onParamChanged(uint32_t id, const spa_pod *param)
{
	if (id != SPA_PARAM_Format || !param)
		return;
	capture::NegotiatedFormat f;
	if (capture::parseFormat(param, requested, &f) < 0) {
		fail("negotiation failed: the Format is not one of the format table's");
		pw_stream_set_error(stream, -EINVAL, "unknown format");
		return;
	}
	format = f;
	log("format: %s %ux%u @ %u/%u", f.info->name, f.width, f.height, f.framerateNum,
	    f.framerateDenom);
	uint8_t storage[1024];
	spa_pod_builder b = SPA_POD_BUILDER_INIT(storage, sizeof(storage));
	std::vector<const spa_pod *> params = capture::buildBufferParams(&b, opts.dataTypes);
	pw_stream_update_params(stream, params.data(), uint32_t(params.size()));
}

void StreamCore::onAddBuffer(pw_buffer *b)
{
	BufferEntry &entry = buffers[b];
	entry.generation = nextGeneration++;
	entry.mapped = capture::mapBuffer(*b->buffer);
	for (size_t i = 0; i < entry.mapped.planes.size(); i++) {
		const capture::MappedPlane &p = entry.mapped.planes[i];
		log("buffer %p plane %zu: %s fd %d, %zu bytes mapped, exporter '%s'%s%s",
		    static_cast<void *>(b), i, dataTypeName(p.type).c_str(), p.fd, p.size,
		    p.exporter.c_str(), p.error ? ", map error: " : "", p.error ? strerror(-p.error) : "");
	}
	/* A Format without the memoryPlanes key: trust the buffer's plane count. */
	if (format.info && format.info->kind == MediaKind::Raw && !format.memoryPlanesKey &&
	    b->buffer->n_datas != format.info->memoryPlanes) {
		if (const FormatInfo *twin = findFormatBySpa(format.info->spaFormat, b->buffer->n_datas))
			format.info = twin;
	}
}

void StreamCore::onRemoveBuffer(pw_buffer *b)
{
	buffers.erase(b);
}

void StreamCore::requeue(pw_buffer *b, uint64_t generation)
{
	auto it = buffers.find(b);
	if (stream && it != buffers.end() && it->second.generation == generation)
		pw_stream_queue_buffer(stream, b);
}

void StreamCore::onProcess()
{
	/* Only the newest frame is shown; older ones go straight back. */
	pw_buffer *newest = nullptr, *b;
	while ((b = pw_stream_dequeue_buffer(stream)) != nullptr) {
		if (newest)
			pw_stream_queue_buffer(stream, newest);
		newest = b;
	}
	if (!newest)
		return;
	auto it = buffers.find(newest);
	if (it == buffers.end() || !format.info) {
		pw_stream_queue_buffer(stream, newest);
		return;
	}
	Frame frame;
	frame.buffer = newest->buffer;
	frame.mapped = &it->second.mapped;
	frame.format = format;
	frame.hold = std::make_shared<HeldBuffer>(weak_from_this(), newest,
						  it->second.generation);
	onFrame(frame);
	/* frame.hold goes here: the buffer is queued back unless a texture kept it. */
}

void StreamCore::stop()
{
	stopping = true;
	if (stream) {
		/* With the listener still on, so that remove_buffer unmaps. */
		pw_stream_disconnect(stream);
		spa_hook_remove(&streamListener);
		pw_stream_destroy(stream);
		stream = nullptr;
	}
	buffers.clear();
	if (node) {
		spa_hook_remove(&nodeListener);
		pw_proxy_destroy(node);
		node = nullptr;
	}
	if (registry) {
		spa_hook_remove(&registryListener);
		pw_proxy_destroy(reinterpret_cast<pw_proxy *>(registry));
		registry = nullptr;
	}
	if (core) {
		spa_hook_remove(&coreListener);
		pw_core_disconnect(core);
		core = nullptr;
	}
	if (context) {
		pw_context_destroy(context);
		context = nullptr;
	}
	if (glibSource) {
		g_source_remove(glibSource);
		glibSource = 0;
	}
	if (loop) {
		if (loopEntered)
			pw_loop_leave(loop);
		loopEntered = false;
		pw_loop_destroy(loop);
		loop = nullptr;
	}
}

HeldBuffer::HeldBuffer(std::weak_ptr<StreamCore> core, void *pwBuffer, uint64_t generation)
	: core_(std::move(core)), pwBuffer_(pwBuffer), generation_(generation)
{
}

HeldBuffer::~HeldBuffer()
{
	if (auto core = core_.lock())
		core->requeue(static_cast<pw_buffer *>(pwBuffer_), generation_);
}

ViewerStream::ViewerStream(const ViewerOptions &options, FrameHandler onFrame,
			   ControlsHandler onControls, ErrorHandler onError)
	: core_(std::make_shared<StreamCore>(options, std::move(onFrame), std::move(onControls),
					     std::move(onError)))
{
}

ViewerStream::~ViewerStream()
{
	stop();
}

int ViewerStream::start(UniqueFd remote)
{
	return core_->start(std::move(remote));
}

const std::string &ViewerStream::target() const
{
	return core_->target();
}

int ViewerStream::setControl(const ControlInfo &control, int32_t value)
{
	return core_->setControl(control, value);
}

void ViewerStream::stop()
{
	if (core_)
		core_->stop();
}

} /* namespace v4l2dmabuf::viewer */
