/* SPDX-License-Identifier: MIT */
#include "monitor_host.h"

#include <dlfcn.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>

#include <pipewire/pipewire.h>
#include <spa/utils/string.h>

#include "plugin_factory.h"

#ifndef V4L2_DMABUF_PLUGIN_PATH
#error "V4L2_DMABUF_PLUGIN_PATH must name the built plugin"
#endif

TestLoop::TestLoop()
{
	pw_init(nullptr, nullptr);
	loop_ = pw_loop_new(nullptr);
	if (loop_)
		pw_loop_enter(loop_);
}

TestLoop::~TestLoop()
{
	if (!loop_)
		return;
	pw_loop_leave(loop_);
	pw_loop_destroy(loop_);
}

bool TestLoop::runUntil(const std::function<bool()> &done, int timeoutMs)
{
	const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
	while (!done()) {
		auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
			deadline - std::chrono::steady_clock::now());
		if (left.count() <= 0)
			return done();
		pw_loop_iterate(loop_, static_cast<int>(left.count()));
	}
	return true;
}

MonitorHost::MonitorHost(TestLoop &loop) : loop_(loop)
{
	logMethods_.version = 0; /* log()/logv() only: the macros fall back to them */
	logMethods_.log = onLog;
	logMethods_.logv = onLogv;
	log_.iface = SPA_INTERFACE_INIT(SPA_TYPE_INTERFACE_Log, 0, &logMethods_, this);
	log_.level = SPA_LOG_LEVEL_DEBUG;
	deviceEvents_.version = SPA_VERSION_DEVICE_EVENTS;
	deviceEvents_.object_info = onObjectInfo;
}

MonitorHost::~MonitorHost()
{
	if (listening_)
		spa_hook_remove(&listener_);
	if (handle_) {
		spa_handle_clear(handle_);
		free(handle_);
	}
	if (dl_)
		dlclose(dl_);
}

int MonitorHost::start(const Props &info)
{
	const struct spa_handle_factory *factory = nullptr;
	int err = findPluginFactory(V4L2_DMABUF_PLUGIN_PATH, "v4l2-dmabuf.enum.udev", &dl_, &factory);
	if (err < 0)
		return err;

	struct spa_support support[] = {
		SPA_SUPPORT_INIT(SPA_TYPE_INTERFACE_Log, &log_),
		SPA_SUPPORT_INIT(SPA_TYPE_INTERFACE_Loop, loop_.loop()->loop),
	};
	int ret = initPluginHandle(factory, info, support, SPA_N_ELEMENTS(support), &handle_);
	if (ret < 0)
		return ret;
	void *iface = nullptr;
	ret = spa_handle_get_interface(handle_, SPA_TYPE_INTERFACE_Device, &iface);
	if (ret < 0)
		return ret;
	ret = spa_device_add_listener(static_cast<struct spa_device *>(iface), &listener_,
				      &deviceEvents_, this);
	listening_ = true;
	return ret;
}

std::vector<MonitorHost::Event> MonitorHost::eventsFor(uint32_t id, size_t from) const
{
	std::vector<Event> out;
	for (size_t i = from; i < events_.size(); i++)
		if (events_[i].id == id)
			out.push_back(events_[i]);
	return out;
}

bool MonitorHost::logged(const std::string &text) const
{
	for (const std::string &line : logLines_)
		if (line.find(text) != std::string::npos)
			return true;
	return false;
}

void MonitorHost::onObjectInfo(void *data, uint32_t id, const struct spa_device_object_info *info)
{
	auto *self = static_cast<MonitorHost *>(data);
	Event event{Clock::now(), id, std::nullopt};
	if (info) {
		Props props;
		if (info->props) {
			const struct spa_dict_item *item;
			spa_dict_for_each(item, info->props)
				props[item->key] = item->value;
		}
		self->objects_[id] = props;
		event.props = std::move(props);
	} else {
		self->objects_.erase(id);
	}
	self->events_.push_back(std::move(event));
}

void MonitorHost::onLog(void *object, enum spa_log_level level, const char *file, int line,
			const char *func, const char *fmt, ...)
{
	va_list args;
	va_start(args, fmt);
	onLogv(object, level, file, line, func, fmt, args);
	va_end(args);
}

void MonitorHost::onLogv(void *object, enum spa_log_level level, const char *, int, const char *,
			 const char *fmt, va_list args)
{
	char text[1024];
	vsnprintf(text, sizeof(text), fmt, args);
	static_cast<MonitorHost *>(object)->logLines_.push_back(text);
	if (level <= SPA_LOG_LEVEL_INFO)
		fprintf(stderr, "[monitor %p] %s\n", object, text);
}
