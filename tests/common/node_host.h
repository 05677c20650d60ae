/* SPDX-License-Identifier: MIT */
#pragma once

#include <spa/buffer/buffer.h>
#include <spa/node/io.h>
#include <spa/node/node.h>
#include <spa/support/plugin.h>

#include <pipewire/data-loop.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

/**
 * Hosts one node of the plugin the way PipeWire does, without a daemon:
 * dlopen()s the built module, finds a factory through
 * spa_handle_factory_enum, gives it PipeWire's log and a running data loop,
 * and plays the graph's part (io areas, buffers, process()).
 * With MainLoop::Thread it also gives the node a main loop
 * (SPA_TYPE_INTERFACE_Loop) running in a thread of its own, as in the
 * daemon: every node method is then called on that thread (a blocking
 * invoke), the data loop's work stays on the data loop's thread, so the two
 * threads meet exactly where they meet in PipeWire (tests/tsan).
 * For integration tests only.
 */
class NodeHost
{
public:
	/** Whether the node gets a main loop: none (errors reported in place) or one in its own thread. */
	enum class MainLoop { None, Thread };

	/** What the host saw of one frame, copied on the data loop. */
	struct Frame {
		uint32_t bufferId;
		uint64_t seq;
		int64_t pts;          /**< nanoseconds */
		uint32_t headerFlags;
		std::vector<struct spa_chunk> chunks;
	};
	/** Called on the data loop for every frame, with the buffer still held. */
	using FrameHook = std::function<void(const Frame &, struct spa_buffer *)>;

	explicit NodeHost(MainLoop mainLoop = MainLoop::None);
	~NodeHost();

	/**
	 * Loads @p factory from the plugin and makes a node with @p props.
	 * @return 0 or the factory's negative errno.
	 */
	int load(const char *factory, const std::map<std::string, std::string> &props);

	struct spa_node *node() const { return node_; }

	/** Every param of @p id on the output port (copies), optionally filtered. */
	std::vector<std::vector<uint8_t>> portParams(uint32_t id, const struct spa_pod *filter = nullptr);
	/** Every param of @p id on the node itself (copies), optionally filtered. */
	std::vector<std::vector<uint8_t>> nodeParams(uint32_t id, const struct spa_pod *filter = nullptr);
	/**
	 * SPA_PARAM_INFO_* flags of node param @p id in the last node info
	 * event; -1 if the node does not list it.
	 */
	int64_t nodeParamFlags(uint32_t id);

	/** port_set_param(Format). */
	int setFormat(const struct spa_pod *format);
	/**
	 * Allocates @p n buffer skeletons of @p datas datas each (with a header
	 * meta), puts @p typeMask in every data's type and calls
	 * port_use_buffers with @p flags. Sets the io areas first.
	 */
	int useBuffers(uint32_t n, uint32_t datas, uint32_t typeMask,
		       uint32_t flags = SPA_NODE_BUFFERS_FLAG_ALLOC);
	/** Fills data @p plane of buffer @p buffer before port_use_buffers. */
	using DataFiller = std::function<void(uint32_t buffer, uint32_t plane, struct spa_data *d)>;
	/**
	 * Gives the node @p n buffers of @p datas datas that the host made
	 * (no SPA_NODE_BUFFERS_FLAG_ALLOC), each data filled by @p fill.
	 */
	int giveBuffers(uint32_t n, uint32_t datas, const DataFiller &fill);
	/** Buffers given last by useBuffers(). */
	struct spa_buffer **buffers() const { return buffers_; }
	uint32_t bufferCount() const { return nBuffers_; }

	/**
	 * From now on useBuffers() leaves the io area as it is, the way
	 * PipeWire's port io outlives links and buffer sets (impl-port.c).
	 */
	void keepIoAcrossBuffers() { keepIo_ = true; }
	/** Writes @p io into the output port's io area (on the main loop). */
	void setIo(const struct spa_io_buffers &io);

	int start();
	int pause();
	/**
	 * Waits up to @p timeoutMs milliseconds for @p count frames.
	 * @return the frames seen so far (all of them, in order).
	 */
	std::vector<Frame> waitFrames(size_t count, int timeoutMs);
	void setFrameHook(FrameHook hook) { hook_ = std::move(hook); }
	/** The node's properties from its last info event (after load()). */
	const std::map<std::string, std::string> &nodeProps() const { return nodeProps_; }
	/** SPA_PORT_FLAG_* of the output port from its last port info event. */
	uint64_t portFlags() const { return portFlags_; }
	/**
	 * How often node info events changed the flags of node param @p id
	 * (SPA_PARAM_INFO_SERIAL flips: "re-read it"), after waiting up to
	 * @p timeoutMs ms for the count to pass @p since.
	 */
	int waitParamChange(uint32_t id, int since, int timeoutMs);
	/** The kernel's id of the main loop's thread (this thread's without one). */
	int mainThreadId();
	/** Waits up to @p timeoutMs ms for a SPA_NODE_EVENT_Error; true if one came. */
	bool waitErrorEvent(int timeoutMs);
	void clearFrames();

private:
	static int onReady(void *data, int status);
	static void onEvent(void *data, const struct spa_event *event);
	static void onInfo(void *data, const struct spa_node_info *info);
	static void onPortInfo(void *data, enum spa_direction direction, uint32_t port,
			       const struct spa_port_info *info);
	void ready();
	int loadOnMain(const char *factory, const std::map<std::string, std::string> &props);
	int useBuffersOnMain(uint32_t n, uint32_t datas, uint32_t typeMask, uint32_t flags);
	int giveBuffersOnMain(uint32_t n, uint32_t datas, const DataFiller &fill);
	/** Frees the last buffers and allocates @p n skeletons of @p datas datas (header meta, type @p typeMask). */
	void allocBuffers(uint32_t n, uint32_t datas, uint32_t typeMask);
	/* Runs @p f on the main loop's thread (in place without one); its result. */
	int onMain(const std::function<int()> &f);

	void *dl_ = nullptr;
	struct spa_handle *handle_ = nullptr;
	struct spa_node *node_ = nullptr;
	struct pw_data_loop *dataLoop_ = nullptr;
	struct pw_data_loop *mainLoop_ = nullptr; /* a loop and its thread, like the daemon's main loop */
	struct spa_io_buffers io_ = {};
	bool keepIo_ = false;
	struct spa_buffer **buffers_ = nullptr;
	uint32_t nBuffers_ = 0;
	struct spa_node_callbacks callbacks_ = {};
	struct spa_node_events events_ = {};
	struct spa_hook listener_ = {};
	bool listening_ = false;
	int errorEvents_ = 0;
	std::map<std::string, std::string> nodeProps_;
	std::map<uint32_t, uint32_t> paramFlags_; /* node params' flags of the last info (mutex_) */
	std::map<uint32_t, int> paramChanges_;    /* how often they changed (mutex_) */
	uint64_t portFlags_ = 0;

	FrameHook hook_;
	std::mutex mutex_;
	std::condition_variable cond_;
	std::vector<Frame> frames_;
};
