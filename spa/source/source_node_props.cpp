/* SPDX-License-Identifier: MIT */
/* SourceNode: the I/O method settings (node properties and Props), control changes. */
#include "source_node.h"

#include <cerrno>
#include <cstring>
#include <type_traits>

#include <spa/pod/parser.h>
#include <spa/utils/result.h>
#include <spa/utils/string.h>

#include "spa_log_sink.h"
#include "v4l2-dmabuf/keys.h"

namespace v4l2dmabuf {

static_assert(std::is_trivially_copyable<V4l2ControlChange>::value,
	      "control changes cross from the data loop to the main loop as bytes");

/*
 * Controls changed by another program or by the driver (V4L2_EVENT_CTRL,
 * POLLPRI on the device fd) bump the Props/PropInfo serials on the main
 * loop, where node info is emitted: clients watching the node re-read them.
 * Without a main loop (a bare host) values are still read at each
 * enumeration.
 *
 * While streaming the device fd is not polled on the main loop: videobuf2
 * wakes every poller of the queue's done_wq at each frame, whatever events
 * it asked for (vb2_core_poll registers it for any poll since Linux 5.11),
 * so a main loop waiting for POLLPRI woke up once per frame for nothing
 * (the benchmark measured 5 us of daemon CPU per frame). The data loop,
 * which wakes up for the frame anyway, polls POLLPRI too, dequeues the
 * events and hands them here (forwardControlChanges()).
 */
void SourceNode::watchControls()
{
	if (mainLoop_ == nullptr || controls_.count() == 0)
		return;
	int ret = controls_.subscribe();
	if (ret == 0)
		ret = followControlsOnMainLoop();
	if (ret < 0)
		spa_log_info(log_, "%s: control changes made elsewhere are not followed: %s",
			     device_.path().c_str(), spa_strerror(ret));
	followControls_ = ret == 0;
}

int SourceNode::followControlsOnMainLoop()
{
	return controlEvents_.add(mainLoop_, device_.fd(), kIoPri,
				  [this](uint32_t rmask) { onControlEvents(rmask); });
}

void SourceNode::onControlEvents(uint32_t rmask)
{
	ControlProps::Changes changes;
	/* ERR/HUP: the device is going; the data loop reports it. */
	if ((rmask & (SPA_IO_ERR | SPA_IO_HUP)) || controls_.takeChanges(&changes) < 0) {
		controlEvents_.remove();
		followControls_ = false;
		return;
	}
	emitControlChanges(changes);
}

void SourceNode::emitControlChanges(const ControlProps::Changes &changes)
{
	if (changes.values)
		nodeParams_[kNodeProps].flags ^= SPA_PARAM_INFO_SERIAL;
	if (changes.infos)
		nodeParams_[kNodePropInfo].flags ^= SPA_PARAM_INFO_SERIAL;
	if (changes.values || changes.infos) {
		nodeChangeMask_ |= SPA_NODE_CHANGE_MASK_PARAMS;
		emitNodeInfo(false);
	}
}

/* On the data loop, while streaming: POLLPRI on the device fd. */
void SourceNode::forwardControlChanges()
{
	/* Bounded: the events cross to the main loop as bytes of an invoke. */
	constexpr size_t kMaxForwarded = 32;
	std::vector<V4l2ControlChange> events;
	int ret = controls_.dequeueChanges(&events, kMaxForwarded + 1);
	if (ret < 0) {
		/* Not ENOENT (none pending): POLLPRI would stay set and wake the
		 * loop for ever; stop asking for it. The main loop logs. */
		frames_.updateMaskInLoop(SPA_IO_IN | SPA_IO_ERR);
		spa_loop_invoke(mainLoop_, doControlChanges, 0, &ret, sizeof(ret), false, this);
		return;
	}
	if (events.empty())
		return;
	if (events.size() > kMaxForwarded)
		events.assign(1, V4l2ControlChange{}); /* id 0: enumerate them all again */
	spa_loop_invoke(mainLoop_, doControlChanges, 0, events.data(),
			events.size() * sizeof(V4l2ControlChange), false, this);
}

/* On the main loop: what forwardControlChanges() dequeued (or its -errno). */
int SourceNode::doControlChanges(struct spa_loop *, bool, uint32_t, const void *data, size_t size,
				 void *userData)
{
	auto *self = static_cast<SourceNode *>(userData);
	if (self->destroying_)
		return 0;
	if (size == sizeof(int)) {
		int err;
		memcpy(&err, data, sizeof(err));
		spa_log_warn(self->log_, "%s: control changes made elsewhere are no longer followed: %s",
			     self->device_.path().c_str(), spa_strerror(err));
		self->followControls_ = false;
		return 0;
	}
	std::vector<V4l2ControlChange> events(size / sizeof(V4l2ControlChange));
	if (!events.empty())
		memcpy(events.data(), data, events.size() * sizeof(V4l2ControlChange));
	self->emitControlChanges(self->controls_.applyChanges(events));
	return 0;
}

/*
 * The one place the I/O method is decided: from the requested mode, the
 * allocator and what the queue supports (probed at the last format; before
 * one, MMAP is assumed). The port flags and the Buffers param follow it.
 */
void SourceNode::replan()
{
	IoPlan plan = planIo(ioMode_, IoCapabilities::fromQueue(queueCounts_, bool(allocator_),
								 convert_));
	if (formatInfo_ && plan.dataTypes != plan_.dataTypes) {
		portParams_[kPortBuffers].flags ^= SPA_PARAM_INFO_SERIAL;
		portChangeMask_ |= SPA_PORT_CHANGE_MASK_PARAMS;
	}
	plan_ = plan;
	uint64_t flags = SPA_PORT_FLAG_LIVE | SPA_PORT_FLAG_PHYSICAL | SPA_PORT_FLAG_TERMINAL;
	if (plan_.canAllocate)
		flags |= SPA_PORT_FLAG_CAN_ALLOC_BUFFERS;
	if (flags != portInfo_.flags) {
		portInfo_.flags = flags;
		portChangeMask_ |= SPA_PORT_CHANGE_MASK_FLAGS;
	}
}

int SourceNode::applyIoSettings(const char *ioMode, const char *allocator)
{
	IoSettings settings;
	int ret = prepareIoSettings(ioMode, allocator, &settings);
	if (ret == 0)
		commitIoSettings(std::move(settings));
	return ret;
}

int SourceNode::prepareIoSettings(const char *ioMode, const char *allocator, IoSettings *out)
{
	const char *path = device_.path().c_str();
	IoMode mode = ioMode_;
	if (ioMode && *ioMode && !parseIoMode(ioMode, &mode)) {
		spa_log_error(log_, "%s: unknown %s '%s'", path, V4L2_DMABUF_KEY_IO_MODE, ioMode);
		return -EINVAL;
	}
	/* convert opens the device through libv4l2 and offers other formats:
	 * a node is created with it or without it, for good. */
	if ((mode == IoMode::Convert) != convert_) {
		spa_log_error(log_, "%s: io-mode %s: a node %s convert only when it is created", path,
			      ioModeName(mode), convert_ ? "leaves" : "enters");
		return -EINVAL;
	}
	PlaneAllocator newAllocator = allocator_;
	std::string newPath = allocatorPath_;
	if (allocator && allocatorPath_ != allocator) {
		newAllocator = nullptr;
		newPath = allocator;
		if (*allocator) {
			int ret = openAllocator(allocator, &newAllocator);
			if (ret < 0) {
				spa_log_error(log_, "%s: %s '%s' is unusable: %s", path,
					      V4L2_DMABUF_KEY_ALLOCATOR, allocator, spa_strerror(ret));
				return ret;
			}
		}
	}
	if (mode == IoMode::DmaBufImport && !newAllocator)
		spa_log_warn(log_, "%s: io-mode dmabuf-import without an allocator: only a host that "
			     "gives DmaBuf buffers can stream (PipeWire links give shared memory)", path);
	out->mode = mode;
	out->allocator = std::move(newAllocator);
	out->allocatorPath = std::move(newPath);
	return 0;
}

void SourceNode::commitIoSettings(IoSettings &&settings)
{
	bool modifiers = offersModifiers();
	ioMode_ = settings.mode;
	if (offersModifiers() != modifiers) {
		/* The EnumFormat list gained or lost its LINEAR-modifier half. */
		portParams_[kPortEnumFormat].flags ^= SPA_PARAM_INFO_SERIAL;
		portChangeMask_ |= SPA_PORT_CHANGE_MASK_PARAMS;
	}
	allocator_ = std::move(settings.allocator);
	allocatorPath_ = std::move(settings.allocatorPath);
	replan();
	spa_log_info(log_, "%s: io-mode %s%s%s", device_.path().c_str(), ioModeName(ioMode_),
		     allocator_ ? ", allocator " : "", allocatorPath_.c_str());
}

int SourceNode::setProps(const struct spa_pod *param)
{
	const char *path = device_.path().c_str();
	const char *device = nullptr, *ioMode = nullptr, *allocator = nullptr;

	if (param == nullptr)
		return 0;
	if (spa_pod_parse_object(param, SPA_TYPE_OBJECT_Props, nullptr,
				 SPA_PROP_device, SPA_POD_OPT_String(&device),
				 V4L2_DMABUF_PROP_ioMode, SPA_POD_OPT_String(&ioMode),
				 V4L2_DMABUF_PROP_allocator, SPA_POD_OPT_String(&allocator)) < 0) {
		spa_log_error(log_, "%s: malformed Props", path);
		return -EINVAL;
	}
	/* Everything is checked before anything changes: the device, then the
	 * I/O settings (an allocator is opened aside), then the controls, which
	 * are all checked and then written at once, or none. */
	if (device && device_.path() != device) {
		spa_log_error(log_, "%s: the device of a node cannot change (asked for %s)", path,
			      device);
		return -EINVAL;
	}
	bool ioChanges = (ioMode && !spa_streq(ioMode, ioModeName(ioMode_))) ||
			 (allocator && allocatorPath_ != allocator);
	IoSettings settings;
	if (ioChanges) {
		if (buffers_->count() > 0) {
			spa_log_error(log_, "%s: the I/O method cannot change while buffers are "
				      "allocated", path);
			return -EBUSY;
		}
		int ret = prepareIoSettings(ioMode, allocator, &settings);
		if (ret < 0)
			return ret;
	}
	bool controlsChanged = false;
	int ret = controls_.setProps(param, &controlsChanged);
	if (ret < 0)
		return ret;
	if (!ioChanges && !controlsChanged)
		return 0;
	if (ioChanges)
		commitIoSettings(std::move(settings));
	/* commitIoSettings() re-planned: the port flags and the Buffers param follow. */
	nodeParams_[kNodeProps].flags ^= SPA_PARAM_INFO_SERIAL;
	nodeChangeMask_ |= SPA_NODE_CHANGE_MASK_PARAMS;
	emitNodeInfo(false);
	emitPortInfo(false);
	return 0;
}

} /* namespace v4l2dmabuf */
