/* SPDX-License-Identifier: MIT */
#pragma once

#include <spa/monitor/device.h>
#include <spa/support/log.h>
#include <spa/support/plugin.h>
#include <spa/utils/hook.h>

#include <pipewire/loop.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

/** The main loop of the test: a pw_loop, entered for the thread's lifetime. */
class TestLoop
{
public:
	TestLoop();
	~TestLoop();
	TestLoop(const TestLoop &) = delete;
	TestLoop &operator=(const TestLoop &) = delete;

	struct pw_loop *loop() const { return loop_; }
	/** Dispatches until @p done returns true or @p timeoutMs passed; @p done's last result. */
	bool runUntil(const std::function<bool()> &done, int timeoutMs);

private:
	struct pw_loop *loop_ = nullptr;
};

/**
 * Hosts `v4l2-dmabuf.enum.udev` as WirePlumber does, without a daemon:
 * dlopen()s the built module, makes the factory's handle with a main loop
 * and a log, and records every object_info the monitor emits (with its time)
 * and every line it logs. For integration tests only.
 */
class MonitorHost
{
public:
	using Clock = std::chrono::steady_clock;
	using Props = std::map<std::string, std::string>;
	/** One object_info: @p props is nullopt for a removal (info == NULL). */
	struct Event {
		Clock::time_point time;
		uint32_t id;
		std::optional<Props> props;
	};

	explicit MonitorHost(TestLoop &loop);
	~MonitorHost();
	MonitorHost(const MonitorHost &) = delete;
	MonitorHost &operator=(const MonitorHost &) = delete;

	/**
	 * Makes the monitor with handle info @p info and adds the listener
	 * (which starts it: objects present at start are emitted before this returns).
	 * @return 0 or a negative errno.
	 */
	int start(const Props &info = {});

	/** The objects offered now, by id. */
	const std::map<uint32_t, Props> &objects() const { return objects_; }
	bool has(uint32_t id) const { return objects_.count(id) != 0; }
	const std::vector<Event> &events() const { return events_; }
	/** Events for @p id from index @p from of events() on. */
	std::vector<Event> eventsFor(uint32_t id, size_t from = 0) const;
	/** True if a logged line contains @p text. */
	bool logged(const std::string &text) const;

private:
	static void onObjectInfo(void *data, uint32_t id, const struct spa_device_object_info *info);
	static void onLog(void *object, enum spa_log_level level, const char *file, int line,
			  const char *func, const char *fmt, ...) SPA_PRINTF_FUNC(6, 7);
	static void onLogv(void *object, enum spa_log_level level, const char *file, int line,
			   const char *func, const char *fmt, va_list args) SPA_PRINTF_FUNC(6, 0);

	TestLoop &loop_;
	void *dl_ = nullptr;
	struct spa_handle *handle_ = nullptr;
	struct spa_log log_ = {};
	struct spa_log_methods logMethods_ = {};
	struct spa_device_events deviceEvents_ = {};
	struct spa_hook listener_ = {};
	bool listening_ = false;

	std::map<uint32_t, Props> objects_;
	std::vector<Event> events_;
	std::vector<std::string> logLines_;
};

/** Milliseconds from @p a to @p b. */
inline double millis(MonitorHost::Clock::time_point a, MonitorHost::Clock::time_point b)
{
	return std::chrono::duration<double, std::milli>(b - a).count();
}
