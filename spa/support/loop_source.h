/* SPDX-License-Identifier: MIT */
#pragma once

#include <spa/support/loop.h>
#include <spa/utils/defs.h>

#include <functional>
#include <utility>

namespace v4l2dmabuf {

/* EPOLLPRI: SPA's I/O masks are epoll's (spa/plugins/support/system.c adds
 * them as epoll events); spa/support/system.h names no priority bit. */
constexpr uint32_t kIoPri = 1u << 1;

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

/**
 * One fd polled on a host's data loop (the realtime thread of PipeWire),
 * added and removed only from that thread: add() and remove() run there
 * through a blocking spa_loop_invoke, so the loop never sees a half-made
 * source and no other thread touches it. remove() from inside the data
 * loop (a callback that stops polling) runs in place. Not movable; the
 * fd stays owned by the caller and must outlive the watch.
 */
class DataLoopSource
{
public:
	DataLoopSource() = default;
	~DataLoopSource() { remove(); }
	DataLoopSource(const DataLoopSource &) = delete;
	DataLoopSource &operator=(const DataLoopSource &) = delete;

	/**
	 * Polls @p fd for @p mask on @p loop; @p onEvents runs on the data
	 * loop with the returned events. Call from the main loop.
	 * @return 0, or the loop's negative errno (then nothing is polled).
	 */
	int add(struct spa_loop *loop, int fd, uint32_t mask, std::function<void(uint32_t)> onEvents)
	{
		remove();
		onEvents_ = std::move(onEvents);
		source_ = {};
		source_.func = [](struct spa_source *s) {
			static_cast<DataLoopSource *>(s->data)->onEvents_(s->rmask);
		};
		source_.data = this;
		source_.fd = fd;
		source_.mask = mask;
		loop_ = loop;
		int ret = spa_loop_invoke(loop, doAdd, 0, nullptr, 0, true, this);
		if (ret < 0 || !added_) {
			loop_ = nullptr;
			return ret < 0 ? ret : addResult_;
		}
		return 0;
	}

	/** Stops polling; from any thread, safe to call twice. */
	void remove()
	{
		if (loop_ == nullptr)
			return;
		spa_loop_invoke(loop_, doRemove, 0, nullptr, 0, true, this);
		loop_ = nullptr;
	}

	/**
	 * Stops polling from inside a callback of this source (on the data
	 * loop): the source goes at once; remove() later has nothing to do.
	 */
	void removeInLoop()
	{
		if (added_)
			spa_loop_remove_source(loop_, &source_);
		added_ = false;
	}

	/**
	 * Polls for @p mask from now on; from inside a callback of this source
	 * (on the data loop). Nothing happens when it is not in the loop.
	 */
	void updateMaskInLoop(uint32_t mask)
	{
		if (!added_)
			return;
		source_.mask = mask;
		spa_loop_update_source(loop_, &source_);
	}

private:
	static int doAdd(struct spa_loop *loop, bool, uint32_t, const void *, size_t, void *data)
	{
		auto *self = static_cast<DataLoopSource *>(data);
		self->addResult_ = spa_loop_add_source(loop, &self->source_);
		self->added_ = self->addResult_ == 0;
		return 0;
	}
	static int doRemove(struct spa_loop *, bool, uint32_t, const void *, size_t, void *data)
	{
		static_cast<DataLoopSource *>(data)->removeInLoop();
		return 0;
	}

	struct spa_loop *loop_ = nullptr;  /* main loop's: set while a watch may exist */
	bool added_ = false;               /* data loop's: the source is in the loop */
	int addResult_ = 0;
	struct spa_source source_ = {};
	std::function<void(uint32_t)> onEvents_;
};

} /* namespace v4l2dmabuf */
