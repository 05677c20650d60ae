/* SPDX-License-Identifier: MIT */
/* SourceNode: format negotiation, streaming and the data-loop path. */
#include "source_node.h"

#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <cstring>

#include <spa/node/event.h>
#include <spa/node/utils.h>
#include <spa/utils/type.h>
#include <spa/utils/result.h>

#include "format_pod.h"
#include "spa_log_sink.h"

namespace v4l2dmabuf {

namespace {

/* Relative difference of two frame intervals; 0 when one is unknown. */
double intervalMismatch(const V4l2Fraction &a, const V4l2Fraction &b)
{
	if (!a.numerator || !a.denominator || !b.numerator || !b.denominator)
		return 0.0;
	double x = double(a.numerator) / a.denominator, y = double(b.numerator) / b.denominator;
	return std::fabs(x - y) / y;
}

} /* namespace */

/*
 * Formats with a modifier (LINEAR) are offered while the I/O method can hand
 * out DmaBuf: auto (dmabuf where EXPBUF works), dmabuf, dmabuf-import. The
 * driver's capabilities are probed only with a format, so auto on a driver
 * that cannot export is refused at set_param(Format) instead.
 */
bool SourceNode::offersModifiers() const
{
	if (convert_)
		return false;
	return ioMode_ == IoMode::Auto || ioMode_ == IoMode::DmaBuf ||
	       ioMode_ == IoMode::DmaBufImport;
}

void SourceNode::clearFormat()
{
	pause();
	buffers_->clear();
	formatInfo_ = nullptr;
	format_ = V4l2Format{};
	formatModifier_ = false;
	portParams_[kPortFormat] = SPA_PARAM_INFO(SPA_PARAM_Format, SPA_PARAM_INFO_WRITE);
	portParams_[kPortBuffers] = SPA_PARAM_INFO(SPA_PARAM_Buffers, 0);
	portChangeMask_ |= SPA_PORT_CHANGE_MASK_PARAMS;
	if (nodeParams_[kNodeFormat].flags & SPA_PARAM_INFO_READ) {
		nodeParams_[kNodeFormat] = SPA_PARAM_INFO(SPA_PARAM_Format, 0);
		nodeChangeMask_ |= SPA_NODE_CHANGE_MASK_PARAMS;
		emitNodeInfo(false);
	}
}

int SourceNode::setFormat(uint32_t flags, const struct spa_pod *param)
{
	const char *path = device_.path().c_str();

	if (param == nullptr) {
		clearFormat();
		emitPortInfo(false);
		return 0;
	}

	FormatRequest req;
	int ret = parseFormat(param, &req);
	if (ret < 0) {
		spa_log_error(log_, "%s: invalid Format param: %s", path, spa_strerror(ret));
		return ret;
	}

	/* formats_ is in preference order: contiguous layouts before multi-planar. */
	const FormatInfo *chosen = nullptr;
	for (const FormatChoice &c : formats_) {
		if (formatMatches(*c.info, req)) {
			chosen = c.info;
			break;
		}
	}
	if (!chosen) {
		spa_log_error(log_, "%s: format not offered by the device (spa format %u, %u memory planes)",
			      path, req.spaFormat, req.memoryPlanes);
		return -EINVAL;
	}

	/* V4L2 buffers are linear: LINEAR is the one modifier there is. */
	if (req.hasModifier && req.modifier != kLinearModifier) {
		spa_log_error(log_, "%s: modifier 0x%" PRIx64 " refused: V4L2 buffers are linear "
			      "(DRM_FORMAT_MOD_LINEAR, 0x0)", path, req.modifier);
		return -EINVAL;
	}
	if (req.hasModifier && !offersModifiers()) {
		spa_log_error(log_, "%s: a format with a modifier needs DMA-BUF buffers, and io-mode %s "
			      "hands out none", path, ioModeName(ioMode_));
		return -ENOTSUP;
	}

	V4l2Format fmt;
	fmt.fourcc = chosen->v4l2Fourcc;
	fmt.width = req.width;
	fmt.height = req.height;

	if (flags & SPA_NODE_PARAM_FLAG_TEST_ONLY) {
		ret = device_.tryFormat(&fmt);
		if (ret < 0)
			return ret;
		return (fmt.fourcc == chosen->v4l2Fourcc && fmt.width == req.width &&
			fmt.height == req.height) ? 0 : -EINVAL;
	}

	/* S_FMT needs the queue empty: drop buffers and any previous format. */
	clearFormat();
	ret = device_.setFormat(&fmt);
	if (ret < 0) {
		emitPortInfo(false);
		return ret;
	}
	if (fmt.fourcc != chosen->v4l2Fourcc || fmt.width != req.width || fmt.height != req.height) {
		spa_log_error(log_, "%s: the device has no %s %ux%u (it offered %s %ux%u)", path,
			      chosen->name, req.width, req.height,
			      fourccToString(fmt.fourcc).c_str(), fmt.width, fmt.height);
		emitPortInfo(false);
		return -EINVAL;
	}

	V4l2Fraction interval;
	if (req.framerate.num > 0 && req.framerate.denom > 0) {
		V4l2Fraction wanted{req.framerate.denom, req.framerate.num};
		interval = wanted;
		ret = device_.setFrameInterval(&interval);
		if (ret == -ENOTTY) {
			interval = {};
		} else if (ret < 0) {
			emitPortInfo(false);
			return ret;
		} else if (intervalMismatch(interval, wanted) > 0.01) {
			spa_log_error(log_, "%s: the device has no %u/%u frames/s at %ux%u (it offered %u/%u)",
				      path, req.framerate.num, req.framerate.denom, req.width, req.height,
				      interval.denominator, interval.numerator);
			emitPortInfo(false);
			return -EINVAL;
		}
	} else if (device_.getFrameInterval(&interval) < 0) {
		interval = {};
	}

	V4l2BufferCounts counts;
	ret = buffers_->probeCounts(&counts);
	if (ret < 0) {
		spa_log_error(log_, "%s: cannot probe buffer counts: %s", path, spa_strerror(ret));
		emitPortInfo(false);
		return ret;
	}
	queueCounts_ = counts;
	replan();
	if (!plan_.supported) {
		spa_log_error(log_, "%s: io-mode %s is not supported by the driver (capabilities 0x%x)",
			      path, ioModeName(plan_.mode), counts.capabilities);
		emitPortInfo(false);
		return -ENOTSUP;
	}
	if (req.hasModifier && !(plan_.dataTypes & (1u << SPA_DATA_DmaBuf))) {
		spa_log_error(log_, "%s: a format with a modifier needs DMA-BUF buffers; io-mode %s "
			      "on this driver hands out none (capabilities 0x%x)", path,
			      ioModeName(plan_.mode), counts.capabilities);
		emitPortInfo(false);
		return -ENOTSUP;
	}

	formatInfo_ = chosen;
	format_ = fmt;
	formatModifier_ = req.hasModifier;
	frameInterval_ = interval;
	portParams_[kPortFormat] = SPA_PARAM_INFO(SPA_PARAM_Format, SPA_PARAM_INFO_READWRITE);
	portParams_[kPortBuffers] = SPA_PARAM_INFO(SPA_PARAM_Buffers, SPA_PARAM_INFO_READ);
	portChangeMask_ |= SPA_PORT_CHANGE_MASK_PARAMS;
	emitPortInfo(false);
	nodeParams_[kNodeFormat] = SPA_PARAM_INFO(SPA_PARAM_Format, SPA_PARAM_INFO_READ);
	nodeChangeMask_ |= SPA_NODE_CHANGE_MASK_PARAMS;
	emitNodeInfo(false);

	spa_log_info(log_, "%s: format %s %ux%u, %zu plane(s), %u/%u s per frame, buffers %u..%u, "
		     "io-mode %s", path, chosen->name, fmt.width, fmt.height, fmt.planes.size(),
		     interval.numerator, interval.denominator, counts.min, counts.max,
		     ioModeName(plan_.mode));
	return 0;
}

int SourceNode::sendCommand(const struct spa_command *command)
{
	spa_return_val_if_fail(command != nullptr, -EINVAL);

	switch (SPA_NODE_COMMAND_ID(command)) {
	case SPA_NODE_COMMAND_Start:
		return start();
	case SPA_NODE_COMMAND_Pause:
	case SPA_NODE_COMMAND_Suspend:
		pause();
		return 0;
	default:
		return -ENOTSUP;
	}
}

int SourceNode::start()
{
	if (started_)
		return 0;
	if (deviceError_ == -ENODEV) {
		spa_log_error(log_, "%s: the device is gone", device_.path().c_str());
		return -ENODEV;
	}
	deviceError_ = 0;
	if (!formatInfo_ || buffers_->count() == 0) {
		spa_log_error(log_, "%s: start without format or buffers", device_.path().c_str());
		return -EIO;
	}
	/* Control events are followed on the data loop while it polls the
	 * device (watchControls() says why). */
	const uint32_t mask = SPA_IO_IN | SPA_IO_ERR | (followControls_ ? kIoPri : 0);
	int ret = buffers_->start();
	if (ret == 0)
		ret = frames_.add(dataLoop_, device_.fd(), mask,
				  [this](uint32_t rmask) { onFdEvents(rmask); });
	if (ret < 0) {
		spa_log_error(log_, "%s: cannot start streaming: %s", device_.path().c_str(),
			      spa_strerror(ret));
		buffers_->stop();
		return ret;
	}
	if (followControls_) {
		controlEvents_.remove();
		controlsOnDataLoop_ = true;
	}
	started_ = true;
	return 0;
}

/* On the main loop. The data loop's last use of the buffers ends with the
 * source's removal (a blocking invoke there); only then are they stopped.
 * Control events go back to the main loop (events that came meanwhile are
 * still queued: POLLPRI is level-triggered). */
void SourceNode::pause()
{
	frames_.remove();
	if (buffers_)
		buffers_->stop();
	if (controlsOnDataLoop_) {
		controlsOnDataLoop_ = false;
		if (followControls_ && !destroying_ && followControlsOnMainLoop() < 0)
			followControls_ = false;
	}
	started_ = false;
}

void SourceNode::updateClock(const V4l2DequeuedBuffer &frame)
{
	if (!clock_)
		return;
	uint64_t period = 0;
	if (frameInterval_.denominator)
		period = uint64_t(frameInterval_.numerator) * SPA_NSEC_PER_SEC / frameInterval_.denominator;
	clock_->nsec = frame.timestampNs;
	clock_->rate = SPA_FRACTION(frameInterval_.numerator ? frameInterval_.numerator : 1,
				    frameInterval_.denominator ? frameInterval_.denominator : 30);
	clock_->position = frame.sequence;
	clock_->duration = 1;
	clock_->delay = 0;
	clock_->rate_diff = 1.0;
	clock_->next_nsec = frame.timestampNs + period;
}

/*
 * On the data loop: the device is gone (ENODEV on unplug) or its queue
 * failed for good (EPIPE). Stop polling it and stop streaming at once,
 * here, where the buffers are in use; then tell the host on the main loop:
 * an Error event puts the PipeWire node in the error state, and WirePlumber
 * sends linked streams an error when the monitor removes the device. The
 * buffers stay allocated until the host releases them (use_buffers(0)): a
 * consumer may still hold one, and DMA-BUF memory outlives the device.
 */
void SourceNode::handleDeviceError(int err)
{
	frames_.removeInLoop();
	buffers_->stop();
	if (mainLoop_)
		spa_loop_invoke(mainLoop_, doReportDeviceError, 0, &err, sizeof(err), false, this);
	else
		reportDeviceError(err);
}

/* On the main loop: the node may be going (destroying_), then nothing is told. */
int SourceNode::doReportDeviceError(struct spa_loop *, bool, uint32_t, const void *data,
				    size_t size, void *userData)
{
	auto *self = static_cast<SourceNode *>(userData);
	int err = -EIO;
	if (data && size == sizeof(int))
		memcpy(&err, data, sizeof(int));
	if (!self->destroying_)
		self->reportDeviceError(err);
	return 0;
}

void SourceNode::reportDeviceError(int err)
{
	deviceError_ = err;
	started_ = false;
	spa_log_error(log_, "%s: capture stopped: %s", device_.path().c_str(), spa_strerror(err));
	/* By hand: 0.3.65's SPA_EVENT_INIT names an undefined SPA_TYPE_OBJECT. */
	struct spa_event event;
	spa_zero(event);
	event.pod.size = sizeof(struct spa_event_body);
	event.pod.type = SPA_TYPE_Object;
	event.body.body.type = SPA_TYPE_EVENT_Node;
	event.body.body.id = SPA_NODE_EVENT_Error;
	spa_node_emit_event(&hooks_, &event);
}

void SourceNode::onFdEvents(uint32_t rmask)
{
	if (rmask & kIoPri) {
		forwardControlChanges();
		if (!(rmask & (SPA_IO_IN | SPA_IO_ERR | SPA_IO_HUP)))
			return; /* only a control event */
	}
	V4l2DequeuedBuffer frame;
	int ret = buffers_->dequeue(&frame);
	if (ret == -EAGAIN) {
		if (rmask & SPA_IO_ERR)
			handleDeviceError(-EIO);
		return;
	}
	if (ret < 0) {
		handleDeviceError(ret);
		return;
	}
	updateClock(frame);

	/* Read once: the host may change the io area between our calls. */
	struct spa_io_buffers *io = io_;
	if (io == nullptr) {
		/* Nobody to hand it to: give it straight back to the driver. */
		buffers_->recycle(buffers_->popReady());
		return;
	}
	if (io->status != SPA_STATUS_HAVE_DATA) {
		if (io->buffer_id < buffers_->count())
			buffers_->recycle(io->buffer_id);
		io->buffer_id = buffers_->popReady();
		io->status = SPA_STATUS_HAVE_DATA;
	}
	spa_node_call_ready(&callbacks_, SPA_STATUS_HAVE_DATA);
}

int SourceNode::process()
{
	struct spa_io_buffers *io = io_;
	if (io == nullptr)
		return -EIO;
	if (io->status == SPA_STATUS_HAVE_DATA)
		return SPA_STATUS_HAVE_DATA;
	if (io->buffer_id < buffers_->count()) {
		buffers_->recycle(io->buffer_id);
		io->buffer_id = SPA_ID_INVALID;
	}
	uint32_t id = buffers_->popReady();
	if (id == SPA_ID_INVALID)
		return SPA_STATUS_OK;
	io->buffer_id = id;
	io->status = SPA_STATUS_HAVE_DATA;
	return SPA_STATUS_HAVE_DATA;
}

} /* namespace v4l2dmabuf */
