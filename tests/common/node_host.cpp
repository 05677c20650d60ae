/* SPDX-License-Identifier: MIT */
#include "node_host.h"

#include <future>
#include <memory>

#include <dlfcn.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <fstream>

#include <pipewire/pipewire.h>
#include <spa/buffer/alloc.h>
#include <spa/node/io.h>
#include <spa/node/utils.h>
#include <spa/utils/string.h>

#include "plugin_factory.h"

#ifndef V4L2_DMABUF_PLUGIN_PATH
#error "V4L2_DMABUF_PLUGIN_PATH must name the built plugin"
#endif

NodeHost::NodeHost(MainLoop mainLoop)
{
	pw_init(nullptr, nullptr);
	dataLoop_ = pw_data_loop_new(nullptr);
	pw_data_loop_start(dataLoop_);
	if (mainLoop == MainLoop::Thread) {
		mainLoop_ = pw_data_loop_new(nullptr);
		pw_data_loop_start(mainLoop_);
	}
	callbacks_.version = SPA_VERSION_NODE_CALLBACKS;
	callbacks_.ready = onReady;
}

NodeHost::~NodeHost()
{
	onMain([this] {
		if (node_) {
			pause();
			spa_node_port_use_buffers(node_, SPA_DIRECTION_OUTPUT, 0, 0, nullptr, 0);
		}
		if (listening_)
			spa_hook_remove(&listener_);
		if (handle_) {
			spa_handle_clear(handle_);
			free(handle_);
		}
		return 0;
	});
	free(buffers_);
	if (mainLoop_) {
		pw_data_loop_stop(mainLoop_);
		pw_data_loop_destroy(mainLoop_);
	}
	pw_data_loop_stop(dataLoop_);
	pw_data_loop_destroy(dataLoop_);
	if (dl_)
		dlclose(dl_);
}

int NodeHost::onMain(const std::function<int()> &f)
{
	if (!mainLoop_ || pw_data_loop_in_thread(mainLoop_))
		return f();
	/*
	 * Not a blocking invoke: in PipeWire 0.3.65 every blocking invoker of a
	 * loop waits on the loop's one ack eventfd, so with two invoking threads
	 * (the node's own reports and this host's) one can return before its item
	 * ran, and the item then writes into a dead stack frame (seen as a crash
	 * in vm-node-threads). The caller waits for its own promise instead; the
	 * item owns a reference to the shared state it completes.
	 */
	struct Call {
		const std::function<int()> *f;
		std::promise<int> done;
	};
	auto call = std::make_shared<Call>();
	call->f = &f;
	std::future<int> result = call->done.get_future();
	auto *ref = new std::shared_ptr<Call>(call);
	int res = pw_loop_invoke(pw_data_loop_get_loop(mainLoop_),
		       [](struct spa_loop *, bool, uint32_t, const void *, size_t, void *user) {
			       auto *held = static_cast<std::shared_ptr<Call> *>(user);
			       std::shared_ptr<Call> c = std::move(*held);
			       delete held;
			       c->done.set_value((*c->f)());
			       return 0;
		       },
		       0, nullptr, 0, false, ref);
	if (res < 0 && res != -EINPROGRESS) {
		delete ref;
		return res;
	}
	return result.get();
}

int NodeHost::load(const char *factoryName, const std::map<std::string, std::string> &props)
{
	return onMain([&] { return loadOnMain(factoryName, props); });
}

int NodeHost::loadOnMain(const char *factoryName, const std::map<std::string, std::string> &props)
{
	const struct spa_handle_factory *factory = nullptr;
	int err = findPluginFactory(V4L2_DMABUF_PLUGIN_PATH, factoryName, &dl_, &factory);
	if (err < 0)
		return err;

	struct spa_support support[] = {
		SPA_SUPPORT_INIT(SPA_TYPE_INTERFACE_Log, pw_log_get()),
		SPA_SUPPORT_INIT(SPA_TYPE_INTERFACE_DataLoop, pw_data_loop_get_loop(dataLoop_)->loop),
		SPA_SUPPORT_INIT(SPA_TYPE_INTERFACE_Loop,
				 mainLoop_ ? pw_data_loop_get_loop(mainLoop_)->loop : nullptr),
	};
	uint32_t nSupport = mainLoop_ ? 3 : 2;
	int ret = initPluginHandle(factory, props, support, nSupport, &handle_);
	if (ret < 0)
		return ret;
	void *iface = nullptr;
	ret = spa_handle_get_interface(handle_, SPA_TYPE_INTERFACE_Node, &iface);
	if (ret < 0)
		return ret;
	node_ = static_cast<struct spa_node *>(iface);
	spa_node_set_callbacks(node_, &callbacks_, this);
	events_.version = SPA_VERSION_NODE_EVENTS;
	events_.event = onEvent;
	events_.info = onInfo;
	events_.port_info = onPortInfo;
	spa_node_add_listener(node_, &listener_, &events_, this);
	listening_ = true;
	return 0;
}

/* Copies of every param one enum_params call style returns, on the main loop. */
template <typename EnumOne>
static std::vector<std::vector<uint8_t>> collectParams(EnumOne enumOne)
{
	std::vector<std::vector<uint8_t>> out;
	for (uint32_t index = 0;;) {
		uint8_t buf[8192];
		struct spa_pod_builder b = SPA_POD_BUILDER_INIT(buf, sizeof(buf));
		struct spa_pod *param = nullptr;
		if (enumOne(&index, &param, &b) != 1)
			break;
		const uint8_t *p = reinterpret_cast<const uint8_t *>(param);
		out.emplace_back(p, p + SPA_POD_SIZE(param));
	}
	return out;
}

std::vector<std::vector<uint8_t>> NodeHost::portParams(uint32_t id, const struct spa_pod *filter)
{
	std::vector<std::vector<uint8_t>> out;
	onMain([&] {
		out = collectParams([&](uint32_t *index, struct spa_pod **param, struct spa_pod_builder *b) {
			return spa_node_port_enum_params_sync(node_, SPA_DIRECTION_OUTPUT, 0, id, index,
							      filter, param, b);
		});
		return 0;
	});
	return out;
}

std::vector<std::vector<uint8_t>> NodeHost::nodeParams(uint32_t id, const struct spa_pod *filter)
{
	std::vector<std::vector<uint8_t>> out;
	onMain([&] {
		out = collectParams([&](uint32_t *index, struct spa_pod **param, struct spa_pod_builder *b) {
			return spa_node_enum_params_sync(node_, id, index, filter, param, b);
		});
		return 0;
	});
	return out;
}

int64_t NodeHost::nodeParamFlags(uint32_t id)
{
	std::lock_guard<std::mutex> lock(mutex_);
	auto it = paramFlags_.find(id);
	return it == paramFlags_.end() ? -1 : int64_t(it->second);
}

int NodeHost::setFormat(const struct spa_pod *format)
{
	return onMain([&] {
		return spa_node_port_set_param(node_, SPA_DIRECTION_OUTPUT, 0, SPA_PARAM_Format, 0, format);
	});
}

int NodeHost::useBuffers(uint32_t n, uint32_t datas, uint32_t typeMask, uint32_t flags)
{
	return onMain([&] { return useBuffersOnMain(n, datas, typeMask, flags); });
}

void NodeHost::setIo(const struct spa_io_buffers &io)
{
	onMain([&] {
		io_ = io;
		return 0;
	});
}

int NodeHost::useBuffersOnMain(uint32_t n, uint32_t datas, uint32_t typeMask, uint32_t flags)
{
	if (!keepIo_) {
		io_ = SPA_IO_BUFFERS_INIT;
		spa_node_port_set_io(node_, SPA_DIRECTION_OUTPUT, 0, SPA_IO_Buffers, &io_, sizeof(io_));
	}

	spa_node_port_use_buffers(node_, SPA_DIRECTION_OUTPUT, 0, 0, nullptr, 0);
	allocBuffers(n, datas, typeMask);
	return spa_node_port_use_buffers(node_, SPA_DIRECTION_OUTPUT, 0, flags, buffers_, n);
}

void NodeHost::allocBuffers(uint32_t n, uint32_t datas, uint32_t typeMask)
{
	free(buffers_);
	buffers_ = nullptr;
	nBuffers_ = 0;
	if (n == 0)
		return;
	struct spa_meta metas[1] = {{SPA_META_Header, sizeof(struct spa_meta_header), nullptr}};
	std::vector<struct spa_data> d(datas);
	std::vector<uint32_t> aligns(datas, 16);
	for (auto &x : d) {
		x = {};
		x.type = typeMask;
	}
	buffers_ = spa_buffer_alloc_array(n, SPA_BUFFER_ALLOC_FLAG_NO_DATA, 1, metas, datas, d.data(),
					  aligns.data());
	nBuffers_ = n;
}

int NodeHost::giveBuffers(uint32_t n, uint32_t datas, const DataFiller &fill)
{
	return onMain([&] { return giveBuffersOnMain(n, datas, fill); });
}

int NodeHost::giveBuffersOnMain(uint32_t n, uint32_t datas, const DataFiller &fill)
{
	/* Releases the last buffers and (unless kept) resets the io area. */
	int ret = useBuffersOnMain(0, datas, 0, 0);
	if (ret < 0)
		return ret;
	allocBuffers(n, datas, 0);
	for (uint32_t i = 0; i < n; i++)
		for (uint32_t p = 0; p < datas; p++)
			fill(i, p, &buffers_[i]->datas[p]);
	return spa_node_port_use_buffers(node_, SPA_DIRECTION_OUTPUT, 0, 0, buffers_, n);
}

int NodeHost::start()
{
	struct spa_command cmd = SPA_NODE_COMMAND_INIT(SPA_NODE_COMMAND_Start);
	return onMain([&] { return spa_node_send_command(node_, &cmd); });
}

int NodeHost::pause()
{
	struct spa_command cmd = SPA_NODE_COMMAND_INIT(SPA_NODE_COMMAND_Pause);
	return onMain([&] { return spa_node_send_command(node_, &cmd); });
}

void NodeHost::onPortInfo(void *data, enum spa_direction, uint32_t, const struct spa_port_info *info)
{
	auto *self = static_cast<NodeHost *>(data);
	if (info && (info->change_mask & SPA_PORT_CHANGE_MASK_FLAGS))
		self->portFlags_ = info->flags;
}

void NodeHost::onInfo(void *data, const struct spa_node_info *info)
{
	auto *self = static_cast<NodeHost *>(data);
	if (info->change_mask & SPA_NODE_CHANGE_MASK_PARAMS) {
		std::lock_guard<std::mutex> lock(self->mutex_);
		for (uint32_t i = 0; i < info->n_params; i++) {
			const struct spa_param_info &p = info->params[i];
			auto last = self->paramFlags_.find(p.id);
			if (last != self->paramFlags_.end() && last->second != p.flags)
				self->paramChanges_[p.id]++;
			self->paramFlags_[p.id] = p.flags;
		}
	}
	self->cond_.notify_all();
	if (!(info->change_mask & SPA_NODE_CHANGE_MASK_PROPS) || info->props == nullptr)
		return;
	const struct spa_dict_item *item;
	spa_dict_for_each(item, info->props)
		self->nodeProps_[item->key] = item->value;
}

int NodeHost::mainThreadId()
{
	return onMain([] { return int(gettid()); });
}

int NodeHost::waitParamChange(uint32_t id, int since, int timeoutMs)
{
	std::unique_lock<std::mutex> lock(mutex_);
	cond_.wait_for(lock, std::chrono::milliseconds(timeoutMs),
		       [&] { return paramChanges_[id] > since; });
	return paramChanges_[id];
}

void NodeHost::onEvent(void *data, const struct spa_event *event)
{
	auto *self = static_cast<NodeHost *>(data);
	if (SPA_NODE_EVENT_ID(event) != SPA_NODE_EVENT_Error)
		return;
	{
		std::lock_guard<std::mutex> lock(self->mutex_);
		self->errorEvents_++;
	}
	self->cond_.notify_all();
}

bool NodeHost::waitErrorEvent(int timeoutMs)
{
	std::unique_lock<std::mutex> lock(mutex_);
	return cond_.wait_for(lock, std::chrono::milliseconds(timeoutMs),
			      [&] { return errorEvents_ > 0; });
}

int NodeHost::onReady(void *data, int status)
{
	static_cast<NodeHost *>(data)->ready();
	return 0;
}

/* Plays the graph: take the buffer the node put in io, let go of it, ask for the next. */
void NodeHost::ready()
{
	while (io_.status == SPA_STATUS_HAVE_DATA && io_.buffer_id < nBuffers_) {
		struct spa_buffer *b = buffers_[io_.buffer_id];
		Frame f{io_.buffer_id, 0, 0, 0, {}};
		auto *h = static_cast<struct spa_meta_header *>(
			spa_buffer_find_meta_data(b, SPA_META_Header, sizeof(struct spa_meta_header)));
		if (h) {
			f.seq = h->seq;
			f.pts = h->pts;
			f.headerFlags = h->flags;
		}
		for (uint32_t i = 0; i < b->n_datas; i++)
			f.chunks.push_back(*b->datas[i].chunk);
		if (hook_)
			hook_(f, b);
		{
			std::lock_guard<std::mutex> lock(mutex_);
			frames_.push_back(f);
		}
		cond_.notify_all();
		io_.status = SPA_STATUS_NEED_DATA;
		spa_node_process(node_);
	}
}

std::vector<NodeHost::Frame> NodeHost::waitFrames(size_t count, int timeoutMs)
{
	std::unique_lock<std::mutex> lock(mutex_);
	cond_.wait_for(lock, std::chrono::milliseconds(timeoutMs),
		       [&] { return frames_.size() >= count; });
	return frames_;
}

void NodeHost::clearFrames()
{
	std::lock_guard<std::mutex> lock(mutex_);
	frames_.clear();
}
