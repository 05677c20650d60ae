/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <spa/buffer/buffer.h>

#include "buffer_mapping.h"
#include "format_params.h"
#include "prop_controls.h"
#include "unique_fd.h"
#include "viewer_options.h"

namespace v4l2dmabuf::viewer {

class StreamCore;

/**
 * A dequeued pw_buffer, shared by whoever still reads its memory (a
 * DMA-BUF texture until GTK releases it). The last owner's release queues
 * it back to the stream, unless the stream removed the buffer (renegotiation,
 * disconnect) or is gone meanwhile. Main thread only.
 */
class HeldBuffer
{
public:
	HeldBuffer(std::weak_ptr<StreamCore> core, void *pwBuffer, uint64_t generation);
	~HeldBuffer();
	HeldBuffer(const HeldBuffer &) = delete;
	HeldBuffer &operator=(const HeldBuffer &) = delete;

private:
	std::weak_ptr<StreamCore> core_;
	void *pwBuffer_;
	uint64_t generation_;
};

/** One frame handed to the window: valid only during the FrameHandler call. */
struct Frame {
	const spa_buffer *buffer = nullptr;
	const capture::MappedBuffer *mapped = nullptr; /**< our read mappings of its datas */
	capture::NegotiatedFormat format;
	std::shared_ptr<HeldBuffer> hold; /**< keep to delay the queue-back */
};

/**
 * The viewer's PipeWire side: a pw_stream consumer of one camera node
 * (negotiating like the capture tool: table formats without a modifier,
 * DmaBuf|MemFd|MemPtr), and a proxy of that node for its controls. Runs on
 * a pw_loop dispatched from the GLib main loop, so every callback comes on
 * the GTK thread.
 */
class ViewerStream
{
public:
	using FrameHandler = std::function<void(Frame &frame)>;
	using ControlsHandler = std::function<void(const std::vector<ControlInfo> &controls,
						   const std::map<uint32_t, int32_t> &values)>;
	/** @p fatal: the stream is gone (daemon or stream error); else a refused control. */
	using ErrorHandler = std::function<void(const std::string &message, bool fatal)>;

	ViewerStream(const ViewerOptions &options, FrameHandler onFrame, ControlsHandler onControls,
		     ErrorHandler onError);
	~ViewerStream();

	/**
	 * Connects to the daemon, or over @p remote when valid (a connected
	 * PipeWire socket, e.g. CameraPortal's; the core takes it), and
	 * attaches the loop to the GLib main context. The stream connects once
	 * the target node is seen; over @p remote without a target, the first
	 * Video/Source node the remote lists is the target (a portal remote
	 * lists only the cameras the app may use), and none is a fatal error.
	 * @return 0, or a negative errno (the message through ErrorHandler).
	 */
	int start(UniqueFd remote = UniqueFd());

	/** The target node (node.name or object.serial); "" when linked to whatever the session chose. */
	const std::string &target() const;

	/**
	 * Sets control @p control of the target to @p value (pw_node_set_param
	 * with SPA_PARAM_Props); errors come back through ErrorHandler.
	 * @return 0; -ENOTCONN before the node is bound; -ENOSPC if the POD
	 * does not fit.
	 */
	int setControl(const ControlInfo &control, int32_t value);

	/** Stops the stream and disconnects (buffers held elsewhere are not queued back). */
	void stop();

private:
	std::shared_ptr<StreamCore> core_;
};

} /* namespace v4l2dmabuf::viewer */
