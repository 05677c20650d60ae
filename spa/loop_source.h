/* SPDX-License-Identifier: MIT */
#pragma once

#include <spa/support/loop.h>
#include <spa/utils/defs.h>

#include <functional>

namespace v4l2dmabuf {

/**
 * One fd watched on a host spa_loop (the main loop of PipeWire or
 * WirePlumber), removed from it when destroyed. Not movable: the loop keeps
 * the address of the spa_source. The fd stays owned by the caller and must
 * outlive the watch (declare its owner before the LoopSource).
 */
class LoopSource
{
public:
	LoopSource() = default;
	~LoopSource() { remove(); }
	LoopSource(const LoopSource &) = delete;
	LoopSource &operator=(const LoopSource &) = delete;

	/**
	 * Watches @p fd for @p mask (SPA_IO_IN, ...) on @p loop; @p onEvents is
	 * called on the loop's thread with the returned events.
	 * @return 0, or the loop's negative errno. A previous watch is removed first.
	 */
	int add(struct spa_loop *loop, int fd, uint32_t mask, std::function<void(uint32_t)> onEvents)
	{
		remove();
		onEvents_ = std::move(onEvents);
		source_ = {};
		source_.func = [](struct spa_source *s) {
			static_cast<LoopSource *>(s->data)->onEvents_(s->rmask);
		};
		source_.data = this;
		source_.fd = fd;
		source_.mask = mask;
		int ret = spa_loop_add_source(loop, &source_);
		if (ret < 0)
			return ret;
		loop_ = loop;
		return 0;
	}

	/** Stops watching; safe to call twice. */
	void remove()
	{
		if (loop_ == nullptr)
			return;
		spa_loop_remove_source(loop_, &source_);
		loop_ = nullptr;
	}

	bool isActive() const { return loop_ != nullptr; }

private:
	struct spa_loop *loop_ = nullptr;
	struct spa_source source_ = {};
	std::function<void(uint32_t)> onEvents_;
};

} /* namespace v4l2dmabuf */
