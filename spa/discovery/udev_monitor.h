/* SPDX-License-Identifier: MIT */
#pragma once

#include <spa/monitor/device.h>
#include <spa/support/log.h>
#include <spa/support/loop.h>
#include <spa/support/plugin.h>
#include <spa/utils/dict.h>
#include <spa/utils/hook.h>

#include <libudev.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "loop_source.h"
#include "unique_fd.h"
#include "v4l2_device.h"
#include "v4l2_properties.h"

namespace v4l2dmabuf {

/** unique_ptr deleters for libudev objects (each is reference counted). */
struct UdevUnref {
	void operator()(struct udev *u) const { udev_unref(u); }
	void operator()(struct udev_monitor *m) const { udev_monitor_unref(m); }
	void operator()(struct udev_enumerate *e) const { udev_enumerate_unref(e); }
	void operator()(struct udev_device *d) const { udev_device_unref(d); }
};
using UdevPtr = std::unique_ptr<struct udev, UdevUnref>;
using UdevMonitorPtr = std::unique_ptr<struct udev_monitor, UdevUnref>;
using UdevEnumeratePtr = std::unique_ptr<struct udev_enumerate, UdevUnref>;
using UdevDevicePtr = std::unique_ptr<struct udev_device, UdevUnref>;

/**
 * `v4l2-dmabuf.enum.udev`: a spa_device that emits one
 * `v4l2-dmabuf.device` object per video4linux node that can capture
 * video (single- or multi-planar), with object id N of /dev/videoN.
 *
 * - Start: libudev enumeration of the "video4linux" subsystem (reads sysfs;
 *   works without udevd).
 * - Hotplug: a libudev netlink monitor. Source "udev" (events after udevd
 *   applied its rules: ID_* properties and permissions ready) when udevd
 *   runs (/run/udev/control exists), else "kernel" (raw uevents, which need
 *   no udevd: containers, the test VM). Property
 *   `v4l2-dmabuf.udev.events = udev | kernel` forces one.
 * - Access: inotify on /dev (IN_ATTRIB): a node the user cannot open is not
 *   offered, and is once a permission or ACL change makes it accessible; an
 *   offered node that becomes inaccessible is withdrawn. An IN_ATTRIB only
 *   counts for the file the last add/enumeration saw (same inode): a node
 *   created since belongs to a device whose add event has not come yet
 *   (udevd still busy), and what is known is the removed device's.
 * - Capture or not: V4l2Device::open() (QUERYCAP device_caps, in the V4L2
 *   layer; this class issues no ioctl). -ENODEV (output, metadata, mem2mem,
 *   vbi, radio, sdr, touch) is never offered; see probeVerdict().
 *
 * Runs on the host's main loop (SPA_TYPE_INTERFACE_Loop, required). All
 * methods return 0 or a negative errno.
 */
class UdevMonitor
{
public:
	/** Opens @p path as V4l2Device::open() does, fills @p caps, closes; 0 or -errno. */
	using Probe = std::function<int(const std::string &path, V4l2Capability *caps)>;

	UdevMonitor();
	~UdevMonitor();
	UdevMonitor(const UdevMonitor &) = delete;
	UdevMonitor &operator=(const UdevMonitor &) = delete;

	/**
	 * @return 0; -EINVAL without a main loop or with a bad
	 * `v4l2-dmabuf.udev.events`.
	 */
	int init(const struct spa_dict *info, const struct spa_support *support, uint32_t nSupport);

	struct spa_device *device() { return &device_; }

private:
	struct Node {
		UdevNodeInfo info;
		V4l2Capability caps;
		bool accessible = false;
		bool capture = false; /* probed: a capture node */
		bool ignored = false; /* probed: not a capture node */
		bool emitted = false;
		std::vector<PropertyList::Item> emittedProps; /* what listeners last got */
		uint64_t inode = 0; /* of info.devnode when its add was handled; 0: not there then */
	};

	template<typename> friend struct SpaDeviceMethods;

	int addListener(struct spa_hook *listener, const struct spa_device_events *events, void *data);
	int sync(int seq);
	void onListenerRemoved();

	int start();
	void stop();
	int startInotify();
	int enumerate();
	void onUdevEvents();
	void onInotifyEvents();
	void addOrChange(struct udev_device *dev, bool added);
	void remove(struct udev_device *dev);
	void updateAccess(uint32_t id, Node &node);
	bool isKnownFile(Node &node) const;
	void emitObject(uint32_t id, Node &node);
	void withdraw(uint32_t id, Node &node);
	void emitInfo();
	UdevNodeInfo readNode(struct udev_device *dev) const;

	struct spa_device device_;
	struct spa_log *log_ = nullptr;
	struct spa_loop *mainLoop_ = nullptr;
	struct spa_hook_list hooks_;
	Probe probe_;
	std::string eventSource_; /* "udev", "kernel" or empty: decide at start */

	UdevPtr udev_;
	UdevMonitorPtr monitor_;
	UniqueFd inotify_;
	/* Declared after the objects whose fds they watch: destroyed first. */
	LoopSource monitorSource_;
	LoopSource inotifySource_;
	bool started_ = false;

	std::map<uint32_t, Node> nodes_;
};

} /* namespace v4l2dmabuf */
