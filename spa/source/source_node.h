/* SPDX-License-Identifier: MIT */
#pragma once

#include <spa/node/io.h>
#include <spa/node/node.h>
#include <spa/node/utils.h>
#include <spa/param/param.h>
#include <spa/support/log.h>
#include <spa/support/loop.h>
#include <spa/support/plugin.h>
#include <spa/utils/dict.h>
#include <spa/utils/hook.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "buffer_params.h"
#include "capture_buffers.h"
#include "controls.h"
#include "format_table.h"
#include "io_plan.h"
#include "loop_source.h"
#include "property_list.h"
#include "v4l2_device.h"

namespace v4l2dmabuf {

/**
 * The `v4l2-dmabuf.source` node: one V4L2 capture device as a SPA node
 * with one output port, driving the graph from the device's frames.
 *
 * Construction opens nothing; init() reads the factory properties
 * (`api.v4l2.path` is required), opens the device and enumerates its
 * formats. Every spa_node method returns 0 or a negative errno, logged
 * through spa_log with the device path. Follows the spa_node contract of
 * spa/node/node.h (PipeWire 0.3.65); PipeWire's spa/plugins/v4l2 is the
 * node users compare it with.
 */
class SourceNode
{
public:
	SourceNode();
	~SourceNode();
	SourceNode(const SourceNode &) = delete;
	SourceNode &operator=(const SourceNode &) = delete;

	/**
	 * @p info: factory properties; @p support: the host's interfaces (Log,
	 * DataLoop are used; DataLoop is required).
	 * @return 0; -EINVAL without `api.v4l2.path` or DataLoop; the errors of
	 * V4l2Device::open() (-ENOENT, -EACCES, -ENODEV, ...).
	 */
	int init(const struct spa_dict *info, const struct spa_support *support, uint32_t nSupport);

	/** The spa_node interface to hand to the host. */
	struct spa_node *node() { return &node_; }

private:
	/* A row of the EnumFormat list, computed once at init. */
	struct FormatChoice {
		const FormatInfo *info;
		V4l2FrameSize size;
		V4l2FrameIntervals intervals;
	};
	/* Positions in nodeParams_ and portParams_. */
	enum NodeParamIndex { kNodePropInfo, kNodeProps, kNodeEnumFormat, kNodeFormat, kNodeIO,
			      kNodeParamCount };
	enum PortParamIndex { kPortEnumFormat, kPortMeta, kPortIO, kPortFormat, kPortBuffers,
			      kPortParamCount };

	using ParamBuilder = std::function<struct spa_pod *(uint32_t index, struct spa_pod_builder *b)>;

	friend struct SourceNodeMethods;

	int addListener(struct spa_hook *listener, const struct spa_node_events *events, void *data);
	int setCallbacks(const struct spa_node_callbacks *callbacks, void *data);
	int sync(int seq);
	int enumParams(int seq, uint32_t id, uint32_t start, uint32_t num, const struct spa_pod *filter);
	int setParam(uint32_t id, uint32_t flags, const struct spa_pod *param);
	int setIo(uint32_t id, void *data, size_t size);
	int sendCommand(const struct spa_command *command);
	int portEnumParams(int seq, uint32_t id, uint32_t start, uint32_t num,
			   const struct spa_pod *filter);
	int portSetParam(uint32_t id, uint32_t flags, const struct spa_pod *param);
	int portUseBuffers(uint32_t flags, struct spa_buffer **buffers, uint32_t n);
	int portSetIo(uint32_t id, void *data, size_t size);
	int portReuseBuffer(uint32_t bufferId);
	int process();

	int checkPod(const char *what, const struct spa_pod *pod) const;
	int emitParams(int seq, uint32_t id, uint32_t start, uint32_t num,
		       const struct spa_pod *filter, const ParamBuilder &build);
	void emitNodeInfo(bool full);
	void emitPortInfo(bool full);
	void enumerateFormats();
	bool offersModifiers() const;
	int setFormat(uint32_t flags, const struct spa_pod *param);
	void clearFormat();
	int start();
	void pause();
	void onFdEvents(uint32_t rmask);
	void updateClock(const V4l2DequeuedBuffer &frame);
	void handleDeviceError(int err);
	void reportDeviceError(int err);
	static int doReportDeviceError(struct spa_loop *loop, bool async, uint32_t seq,
				       const void *data, size_t size, void *userData);
	int setProps(const struct spa_pod *param);
	void watchControls();
	int followControlsOnMainLoop();
	void onControlEvents(uint32_t rmask);
	void emitControlChanges(const ControlProps::Changes &changes);
	void forwardControlChanges();
	static int doControlChanges(struct spa_loop *loop, bool async, uint32_t seq,
				    const void *data, size_t size, void *userData);
	/* The I/O settings a node property or a Props write asks for, checked. */
	struct IoSettings {
		IoMode mode = IoMode::Auto;
		PlaneAllocator allocator;
		std::string allocatorPath;
	};
	int applyIoSettings(const char *ioMode, const char *allocator);
	int prepareIoSettings(const char *ioMode, const char *allocator, IoSettings *out);
	void commitIoSettings(IoSettings &&settings);
	int openAllocator(const std::string &path, PlaneAllocator *allocator);
	void replan();

	struct spa_node node_;
	struct spa_log *log_ = nullptr;
	struct spa_loop *dataLoop_ = nullptr;
	struct spa_loop *mainLoop_ = nullptr; /* may be absent: then errors are reported in place */
	struct spa_hook_list hooks_;
	struct spa_callbacks callbacks_ = {};

	V4l2Device device_;
	ControlProps controls_{device_}; /* V4L2 controls as Props; after device_ */
	LoopSource controlEvents_;       /* their V4L2_EVENT_CTRLs, on the main loop when not streaming */
	bool followControls_ = false;    /* main loop's: control events are subscribed and polled */
	bool controlsOnDataLoop_ = false; /* main loop's: frames_ polls them (POLLPRI) instead */
	std::unique_ptr<CaptureBuffers> buffers_;
	std::vector<FormatChoice> formats_;
	PropertyList props_;

	/* Negotiated state. */
	const FormatInfo *formatInfo_ = nullptr;
	V4l2Format format_;
	V4l2Fraction frameInterval_;
	bool formatModifier_ = false;  /* the format has SPA_FORMAT_VIDEO_modifier (LINEAR) */
	V4l2BufferCounts queueCounts_; /* probed at the last format: counts and V4L2_BUF_CAP_* */
	IoPlan plan_;                  /* the I/O method, resolved by replan() alone */

	/* I/O method: v4l2-dmabuf.io-mode and v4l2-dmabuf.allocator. */
	IoMode ioMode_ = IoMode::Auto;
	bool convert_ = false; /* io-mode convert: opened through libv4l2, fixed at init */
	std::string allocatorPath_;
	PlaneAllocator allocator_;

	/* IO areas set by the host. */
	struct spa_io_buffers *io_ = nullptr;
	struct spa_io_clock *clock_ = nullptr;
	struct spa_io_position *position_ = nullptr;

	DataLoopSource frames_;   /* the device fd on the data loop: filled buffers */
	bool started_ = false;    /* main loop's */
	int deviceError_ = 0;     /* main loop's: the last error reported from the data loop */
	bool destroying_ = false; /* main loop's: set by the destructor */

	uint64_t nodeChangeMask_ = 0;
	uint64_t portChangeMask_ = 0;
	struct spa_node_info nodeInfo_;
	struct spa_port_info portInfo_;
	struct spa_param_info nodeParams_[kNodeParamCount];
	struct spa_param_info portParams_[kPortParamCount];
};

} /* namespace v4l2dmabuf */
