/* SPDX-License-Identifier: MIT */
#include "capture_session.h"

#include <sys/resource.h>
#include <time.h>

#include <cerrno>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <map>

#include <pipewire/pipewire.h>
#include <spa/utils/result.h>

#include "buffer_mapping.h"
#include "v4l2-dmabuf/keys.h"
#include "format_params.h"
#include "frame_recorder.h"
#include "../process_clock.h"

namespace v4l2dmabuf::capture {

namespace {

/* " DmaBuf MemFd" for a mask of 1 << SPA_DATA_* bits. */
std::string dataTypeList(uint32_t mask)
{
	std::string s;
	for (uint32_t type : {SPA_DATA_DmaBuf, SPA_DATA_MemFd, SPA_DATA_MemPtr})
		if (mask & (1u << type))
			s += " " + dataTypeName(type);
	return s;
}

/* pw_init()/pw_deinit() are reference counted: one pair per session. */
struct PwLibrary {
	PwLibrary() { pw_init(nullptr, nullptr); }
	~PwLibrary() { pw_deinit(); }
};

struct LoopDeleter { void operator()(pw_main_loop *l) { pw_main_loop_destroy(l); } };
struct ContextDeleter { void operator()(pw_context *c) { pw_context_destroy(c); } };
constexpr uint32_t kPropIoMode = V4L2_DMABUF_PROP_ioMode;
constexpr uint32_t kPropAllocator = V4L2_DMABUF_PROP_allocator;
constexpr int kSettingsRetryMs = 500;

struct ProxyDeleter { void operator()(pw_proxy *p) { pw_proxy_destroy(p); } };
struct CoreDeleter { void operator()(pw_core *c) { pw_core_disconnect(c); } };
struct RegistryDeleter {
	void operator()(pw_registry *r) { pw_proxy_destroy(reinterpret_cast<pw_proxy *>(r)); }
};
struct StreamDeleter { void operator()(pw_stream *s) { pw_stream_destroy(s); } };

} /* namespace */

struct CaptureSession::Impl {
	CaptureOptions opts;
	CaptureResult result;
	FrameRecorder recorder;
	const FormatInfo *requested = nullptr;

	/* Declared in construction order: destroyed stream first, library last. */
	PwLibrary library;
	std::unique_ptr<pw_main_loop, LoopDeleter> loop;
	std::unique_ptr<pw_context, ContextDeleter> context;
	std::unique_ptr<pw_core, CoreDeleter> core;
	std::unique_ptr<pw_registry, RegistryDeleter> registry;
	std::unique_ptr<pw_proxy, ProxyDeleter> nodeProxy; /* the target, to set Props */
	std::unique_ptr<pw_stream, StreamDeleter> stream;
	spa_hook coreListener{}, registryListener{}, streamListener{};
	bool coreHooked = false, registryHooked = false, streamHooked = false;
	spa_source *timer = nullptr;

	/* The mapping of every buffer the stream added; pw_buffer::user_data points here. */
	std::map<pw_buffer *, MappedBuffer> buffers;

	int syncSeq = 0;
	uint32_t targetId = SPA_ID_INVALID;
	int settingsSeq = -1;
	bool settingsApplied = false;
	bool settingsRetry = false; /* EBUSY: retryTimer asks again */
	spa_source *retryTimer = nullptr;
	bool synced = false, targetFound = false, connected = false, formatSeen = false;
	bool done = false;
	double cpuAtFirstFrameMs = -1; /* processCpuMs() when the first frame arrived */
	std::string streamState = "not connected";

	explicit Impl(CaptureOptions o) : opts(std::move(o)) {}
	~Impl() { teardown(); }

	void log(const char *fmt, ...) __attribute__((format(printf, 2, 3)))
	{
		if (!opts.verbose)
			return;
		va_list ap;
		va_start(ap, fmt);
		fprintf(stderr, "capture: ");
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
		va_end(ap);
	}

	/* Ends the session; the first call decides the outcome. */
	void finish(bool ok, const std::string &error = {})
	{
		if (done)
			return;
		done = true;
		result.ok = ok;
		result.error = error;
		if (loop)
			pw_main_loop_quit(loop.get());
	}

	bool validate();
	bool start();
	void connectStream();
	void teardown();

	/* PipeWire events */
	void onCoreDone(uint32_t id, int seq);
	void onCoreError(uint32_t id, int res, const char *message);
	void onGlobal(uint32_t id, const char *type, const spa_dict *props);
	bool wantsSettings() const;
	void applySettings();
	void onStateChanged(pw_stream_state state, const char *error);
	void onParamChanged(uint32_t id, const spa_pod *param);
	void onAddBuffer(pw_buffer *b);
	void onRemoveBuffer(pw_buffer *b);
	void onProcess();
	void onTimeout();
};

bool CaptureSession::Impl::validate()
{
	if (!opts.format.empty() && !(requested = findFormatByName(opts.format.c_str()))) {
		finish(false, "unknown format '" + opts.format + "' (not in the format table)");
		return false;
	}
	if (opts.frames == 0 || !(opts.timeoutSeconds > 0)) {
		finish(false, "frames and timeout must be positive");
		return false;
	}
	if ((opts.dataTypes & kAllDataTypes) == 0) {
		finish(false, "no usable data type requested");
		return false;
	}
	return true;
}

bool CaptureSession::Impl::start()
{
	loop.reset(pw_main_loop_new(nullptr));
	if (!loop) {
		finish(false, std::string("cannot create a main loop: ") + strerror(errno));
		return false;
	}
	pw_loop *l = pw_main_loop_get_loop(loop.get());
	context.reset(pw_context_new(l, nullptr, 0));
	if (!context) {
		finish(false, std::string("cannot create a PipeWire context: ") + strerror(errno));
		return false;
	}
	if (opts.remoteFd >= 0)
		core.reset(pw_context_connect_fd(context.get(), opts.remoteFd, nullptr, 0));
	else
		core.reset(pw_context_connect(context.get(), nullptr, 0));
	if (!core) {
		finish(false, std::string("cannot connect to the PipeWire daemon: ") + strerror(errno));
		return false;
	}

	static const pw_core_events coreEvents = [] {
		pw_core_events e{};
		e.version = PW_VERSION_CORE_EVENTS;
		e.done = [](void *d, uint32_t id, int seq) { static_cast<Impl *>(d)->onCoreDone(id, seq); };
		e.error = [](void *d, uint32_t id, int seq, int res, const char *message) {
			static_cast<Impl *>(d)->onCoreError(id, res, message);
		};
		return e;
	}();
	pw_core_add_listener(core.get(), &coreListener, &coreEvents, this);
	coreHooked = true;

	/* The registry tells when the target node exists; connect only then. */
	static const pw_registry_events registryEvents = [] {
		pw_registry_events e{};
		e.version = PW_VERSION_REGISTRY_EVENTS;
		e.global = [](void *d, uint32_t id, uint32_t, const char *type, uint32_t,
			      const spa_dict *props) { static_cast<Impl *>(d)->onGlobal(id, type, props); };
		return e;
	}();
	registry.reset(pw_core_get_registry(core.get(), PW_VERSION_REGISTRY, 0));
	if (!registry) {
		finish(false, std::string("cannot get the registry: ") + strerror(errno));
		return false;
	}
	pw_registry_add_listener(registry.get(), &registryListener, &registryEvents, this);
	registryHooked = true;
	syncSeq = pw_core_sync(core.get(), PW_ID_CORE, 0);

	retryTimer = pw_loop_add_timer(l, [](void *d, uint64_t) {
		auto *self = static_cast<Impl *>(d);
		if (self->settingsRetry && !self->done)
			self->applySettings();
	}, this);
	timer = pw_loop_add_timer(l, [](void *d, uint64_t) { static_cast<Impl *>(d)->onTimeout(); },
				  this);
	timespec timeout;
	double whole = std::floor(opts.timeoutSeconds);
	timeout.tv_sec = time_t(whole);
	timeout.tv_nsec = long((opts.timeoutSeconds - whole) * 1e9);
	pw_loop_update_timer(l, timer, &timeout, nullptr, false);
	return true;
}

void CaptureSession::Impl::onCoreDone(uint32_t id, int seq)
{
	if (id != PW_ID_CORE)
		return;
	if (seq == settingsSeq && !settingsApplied && !settingsRetry) {
		settingsApplied = true;
		log("node settings applied");
		connectStream();
		return;
	}
	if (seq != syncSeq || synced)
		return;
	synced = true;
	if (opts.target.empty() || targetFound)
		connectStream();
	else
		log("target '%s' not present yet, waiting", opts.target.c_str());
}

bool CaptureSession::Impl::wantsSettings() const
{
	return !opts.ioMode.empty() || !opts.allocator.empty();
}

/* Sets the target's io-mode/allocator Props; the stream connects once the
 * daemon answered (an error on the node proxy fails the session). */
void CaptureSession::Impl::applySettings()
{
	settingsRetry = false;
	nodeProxy.reset(static_cast<pw_proxy *>(pw_registry_bind(registry.get(), targetId,
		PW_TYPE_INTERFACE_Node, PW_VERSION_NODE, 0)));
	if (!nodeProxy) {
		finish(false, std::string("cannot bind the target node: ") + strerror(errno));
		return;
	}
	uint8_t buf[1024];
	spa_pod_builder b = SPA_POD_BUILDER_INIT(buf, sizeof(buf));
	spa_pod_frame f;
	spa_pod_builder_push_object(&b, &f, SPA_TYPE_OBJECT_Props, SPA_PARAM_Props);
	if (!opts.ioMode.empty())
		spa_pod_builder_add(&b, kPropIoMode, SPA_POD_String(opts.ioMode.c_str()), 0);
	if (!opts.allocator.empty())
		spa_pod_builder_add(&b, kPropAllocator, SPA_POD_String(opts.allocator.c_str()), 0);
	auto *param = static_cast<spa_pod *>(spa_pod_builder_pop(&b, &f));
	log("setting io-mode '%s' allocator '%s' on the target", opts.ioMode.c_str(),
	    opts.allocator.c_str());
	pw_node_set_param(reinterpret_cast<pw_node *>(nodeProxy.get()), SPA_PARAM_Props, 0, param);
	settingsSeq = pw_core_sync(core.get(), PW_ID_CORE, 0);
}

void CaptureSession::Impl::onCoreError(uint32_t id, int res, const char *message)
{
	log("core error on object %u: %s (%s)", id, message, spa_strerror(res));
	if (nodeProxy && id == pw_proxy_get_id(nodeProxy.get()) && res == -EBUSY) {
		/* The node still holds the buffers of an earlier link; PipeWire
		 * releases them when it suspends the idle node. Ask again. */
		log("target busy, asking again in %d ms", kSettingsRetryMs);
		settingsSeq = -1;
		settingsRetry = true;
		timespec t = {0, kSettingsRetryMs * 1000000L};
		pw_loop_update_timer(pw_main_loop_get_loop(loop.get()), retryTimer, &t, nullptr, false);
	} else if (nodeProxy && id == pw_proxy_get_id(nodeProxy.get()))
		finish(false, std::string("the target refused io-mode/allocator: ") +
				      (message ? message : "") + " (" + spa_strerror(res) + ")");
	else if (id == PW_ID_CORE)
		finish(false, std::string("PipeWire error: ") + (message ? message : "") + " (" +
				      spa_strerror(res) + ")");
}

void CaptureSession::Impl::onGlobal(uint32_t id, const char *type, const spa_dict *props)
{
	if (opts.target.empty() || targetFound || strcmp(type, PW_TYPE_INTERFACE_Node) != 0 || !props)
		return;
	const char *name = spa_dict_lookup(props, PW_KEY_NODE_NAME);
	const char *serial = spa_dict_lookup(props, PW_KEY_OBJECT_SERIAL);
	if ((name && opts.target == name) || (serial && opts.target == serial)) {
		targetFound = true;
		targetId = id;
		log("target found: node.name=%s object.serial=%s", name ? name : "-",
		    serial ? serial : "-");
		if (synced)
			connectStream();
	}
}

void CaptureSession::Impl::connectStream()
{
	if (connected || done)
		return;
	if (wantsSettings() && !settingsApplied) {
		if (settingsSeq < 0)
			applySettings();
		return;
	}
	connected = true;

	pw_properties *props = pw_properties_new(PW_KEY_MEDIA_TYPE, "Video", PW_KEY_MEDIA_CATEGORY,
						 "Capture", PW_KEY_MEDIA_ROLE, "Camera", nullptr);
	pw_properties_set(props, PW_KEY_NODE_NAME, opts.nodeName.c_str());
	if (!opts.target.empty())
		pw_properties_set(props, PW_KEY_TARGET_OBJECT, opts.target.c_str());
	stream.reset(pw_stream_new(core.get(), "v4l2-dmabuf-capture", props));
	if (!stream) {
		finish(false, std::string("cannot create a stream: ") + strerror(errno));
		return;
	}

	static const pw_stream_events streamEvents = [] {
		pw_stream_events e{};
		e.version = PW_VERSION_STREAM_EVENTS;
		e.state_changed = [](void *d, pw_stream_state, pw_stream_state state, const char *error) {
			static_cast<Impl *>(d)->onStateChanged(state, error);
		};
		e.param_changed = [](void *d, uint32_t id, const spa_pod *param) {
			static_cast<Impl *>(d)->onParamChanged(id, param);
		};
		e.add_buffer = [](void *d, pw_buffer *b) { static_cast<Impl *>(d)->onAddBuffer(b); };
		e.remove_buffer = [](void *d, pw_buffer *b) { static_cast<Impl *>(d)->onRemoveBuffer(b); };
		e.process = [](void *d) { static_cast<Impl *>(d)->onProcess(); };
		return e;
	}();
	pw_stream_add_listener(stream.get(), &streamListener, &streamEvents, this);
	streamHooked = true;

	uint8_t storage[4096];
	spa_pod_builder b = SPA_POD_BUILDER_INIT(storage, sizeof(storage));
	FormatRequest request{requested, opts.width, opts.height, opts.framerateNum,
			      opts.framerateDenom};
	std::vector<const spa_pod *> params = buildEnumFormats(&b, request);
	if (params.empty()) {
		finish(false, "cannot build the EnumFormat params");
		return;
	}

	/* No MAP_BUFFERS: add_buffer maps each spa_data itself. */
	auto flags = pw_stream_flags(PW_STREAM_FLAG_AUTOCONNECT |
				     (opts.target.empty() ? 0 : PW_STREAM_FLAG_DONT_RECONNECT));
	recorder.setConnectTime(monotonicNs());
	int res = pw_stream_connect(stream.get(), PW_DIRECTION_INPUT, PW_ID_ANY, flags,
				    params.data(), uint32_t(params.size()));
	if (res < 0)
		finish(false, std::string("cannot connect the stream: ") + spa_strerror(res));
	else
		log("stream connected, offering %s", requested ? requested->name : "any format");
}

void CaptureSession::Impl::onStateChanged(pw_stream_state state, const char *error)
{
	streamState = pw_stream_state_as_string(state);
	log("stream state: %s%s%s", streamState.c_str(), error ? ": " : "", error ? error : "");
	if (state == PW_STREAM_STATE_ERROR)
		finish(false, std::string("stream error: ") + (error ? error : "unknown"));
	else if (state == PW_STREAM_STATE_UNCONNECTED && connected)
		finish(false, "stream disconnected by PipeWire");
}

void CaptureSession::Impl::onParamChanged(uint32_t id, const spa_pod *param)
{
	if (id != SPA_PARAM_Format || !param || done)
		return;

	NegotiatedFormat format;
	int res = parseFormat(param, requested, &format);
	if (res < 0) {
		std::string msg = "negotiation failed: the Format is not one of the format table's";
		finish(false, msg);
		pw_stream_set_error(stream.get(), res, "%s", msg.c_str());
		return;
	}
	if (requested && format.info != requested) {
		std::string msg = std::string("negotiation failed: asked for ") + requested->name +
				  ", the Format is " + format.info->name;
		finish(false, msg);
		pw_stream_set_error(stream.get(), -EINVAL, "%s", msg.c_str());
		return;
	}
	formatSeen = true;
	recorder.setFormat(format);
	result.formatName = format.info->name;
	result.width = format.width;
	result.height = format.height;
	result.framerateNum = format.framerateNum;
	result.framerateDenom = format.framerateDenom;
	result.memoryPlanes = format.memoryPlanesKey ? format.memoryPlanesKey : format.info->memoryPlanes;
	log("format: %s %ux%u @ %u/%u, memoryPlanes key %u%s", format.info->name, format.width,
	    format.height, format.framerateNum, format.framerateDenom, format.memoryPlanesKey,
	    format.hasModifier ? ", with a modifier (unexpected for V4L2)" : "");

	uint8_t storage[1024];
	spa_pod_builder b = SPA_POD_BUILDER_INIT(storage, sizeof(storage));
	std::vector<const spa_pod *> params = buildBufferParams(&b, opts.dataTypes);
	pw_stream_update_params(stream.get(), params.data(), uint32_t(params.size()));
}

void CaptureSession::Impl::onAddBuffer(pw_buffer *b)
{
	auto [it, inserted] = buffers.emplace(b, mapBuffer(*b->buffer));
	MappedBuffer &mapped = it->second;
	b->user_data = &mapped;
	recorder.bufferAdded();

	for (size_t i = 0; i < mapped.planes.size(); i++) {
		const MappedPlane &p = mapped.planes[i];
		log("buffer %p plane %zu: %s fd %d, %zu bytes mapped, exporter '%s'%s%s",
		    static_cast<void *>(b), i, dataTypeName(p.type).c_str(), p.fd, p.size,
		    p.exporter.c_str(), p.error ? ", error: " : "", p.error ? strerror(-p.error) : "");
		if (p.error)
			finish(false, "cannot map plane " + std::to_string(i) + " (" +
					      dataTypeName(p.type) + "): " + strerror(-p.error));
	}

	/* A Format without the memoryPlanes key: trust the buffer's plane count. */
	NegotiatedFormat format = recorder.format();
	if (format.info && format.info->kind == MediaKind::Raw && !format.memoryPlanesKey &&
	    b->buffer->n_datas != format.info->memoryPlanes) {
		if (const FormatInfo *twin = findFormatBySpa(format.info->spaFormat, b->buffer->n_datas)) {
			log("%u spa_datas: reading the frames as %s", b->buffer->n_datas, twin->name);
			format.info = twin;
			recorder.setFormat(format);
			result.formatName = twin->name;
			result.memoryPlanes = twin->memoryPlanes;
		}
	}
}

void CaptureSession::Impl::onRemoveBuffer(pw_buffer *b)
{
	b->user_data = nullptr;
	buffers.erase(b);
}

void CaptureSession::Impl::onProcess()
{
	pw_buffer *b;
	while ((b = pw_stream_dequeue_buffer(stream.get())) != nullptr) {
		if (!done && b->user_data) {
			bool last = recorder.frames() + 1 >= opts.frames;
			if (recorder.frames() == 0)
				cpuAtFirstFrameMs = processCpuMs();
			recorder.addFrame(*b->buffer, *static_cast<MappedBuffer *>(b->user_data),
					  monotonicNs(), last);
			if (recorder.frames() >= opts.frames) {
				if (cpuAtFirstFrameMs >= 0)
					result.consumerCpu.streamingMs = processCpuMs() - cpuAtFirstFrameMs;
				finish(true);
			}
		}
		pw_stream_queue_buffer(stream.get(), b);
	}
}

void CaptureSession::Impl::onTimeout()
{
	char secs[32];
	snprintf(secs, sizeof(secs), "%g s", opts.timeoutSeconds);
	if (!synced)
		finish(false, std::string("timeout after ") + secs + ": no answer from the PipeWire daemon");
	else if (!connected)
		finish(false, std::string("timeout after ") + secs + ": no target node '" + opts.target +
				      "' (matched against node.name and object.serial)");
	else if (!formatSeen)
		finish(false, std::string("timeout after ") + secs + ": no format negotiated (stream " +
				      streamState + "; is the stream linked, and does the target offer " +
				      (requested ? requested->name : "a table format") + "?)");
	else if (buffers.empty())
		finish(false, std::string("timeout after ") + secs + ": " + result.formatName +
				      " negotiated but no buffers (accepted data types:" +
				      dataTypeList(opts.dataTypes) + "; stream " + streamState + ")");
	else
		finish(false, std::string("timeout after ") + secs + ": " +
				      std::to_string(recorder.frames()) + " of " +
				      std::to_string(opts.frames) + " frames (stream " + streamState + ")");
}

void CaptureSession::Impl::teardown()
{
	/* Disconnect with the listener still on, so remove_buffer unmaps. */
	if (stream)
		pw_stream_disconnect(stream.get());
	if (streamHooked)
		spa_hook_remove(&streamListener);
	streamHooked = false;
	stream.reset();
	buffers.clear();
	if (registryHooked)
		spa_hook_remove(&registryListener);
	registryHooked = false;
	nodeProxy.reset();
	registry.reset();
	if (coreHooked)
		spa_hook_remove(&coreListener);
	coreHooked = false;
	if (timer && loop)
		pw_loop_destroy_source(pw_main_loop_get_loop(loop.get()), timer);
	if (retryTimer && loop)
		pw_loop_destroy_source(pw_main_loop_get_loop(loop.get()), retryTimer);
	timer = nullptr;
	retryTimer = nullptr;
	core.reset();
	context.reset();
	loop.reset();
}

CaptureSession::CaptureSession(CaptureOptions options)
	: impl_(std::make_unique<Impl>(std::move(options)))
{
}

CaptureSession::~CaptureSession() = default;

CaptureResult CaptureSession::run()
{
	Impl &s = *impl_;
	if (s.validate() && s.start())
		pw_main_loop_run(s.loop.get());
	if (!s.done)
		s.finish(false, "the main loop stopped early");
	s.done = true; /* events during teardown change nothing */
	s.teardown();
	s.recorder.finish(s.opts.pngPath, &s.result);
	s.result.consumerCpu.runMs = processCpuMs();
	return s.result;
}

} /* namespace v4l2dmabuf::capture */
