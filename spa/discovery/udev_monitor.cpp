/* SPDX-License-Identifier: MIT */
#include "udev_monitor.h"
#include "spa_device_methods.h"
#include "spa_log_sink.h"
#include "v4l2-dmabuf/keys.h"

#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>

#include <spa/monitor/utils.h>
#include <spa/utils/keys.h>
#include <spa/utils/result.h>
#include <spa/utils/string.h>

namespace v4l2dmabuf {

namespace {

constexpr const char kSubsystem[] = "video4linux";
/* Exists while udevd runs (what libudev's udev_queue checks too). */
constexpr const char kUdevdControl[] = "/run/udev/control";

/* The capture check of the V4L2 layer, with its messages at debug level:
 * output and metadata nodes failing it are expected here. */
int probeWithV4l2Device(struct spa_log *log, const std::string &path, V4l2Capability *caps)
{
	V4l2Device device;
	device.setLogSink(spaLogSink(log, SinkLevels::AllDebug));
	int ret = device.open(path);
	if (ret == 0)
		*caps = device.capability();
	return ret;
}

const char *orEmpty(const char *s)
{
	return s ? s : "";
}

} /* namespace */

UdevMonitor::UdevMonitor()
{
	bindSpaDevice(&device_, this);
	spa_hook_list_init(&hooks_);
}

UdevMonitor::~UdevMonitor()
{
	stop();
}

int UdevMonitor::init(const struct spa_dict *info, const struct spa_support *support,
		      uint32_t nSupport)
{
	log_ = static_cast<struct spa_log *>(spa_support_find(support, nSupport, SPA_TYPE_INTERFACE_Log));
	mainLoop_ = static_cast<struct spa_loop *>(
		spa_support_find(support, nSupport, SPA_TYPE_INTERFACE_Loop));
	if (mainLoop_ == nullptr) {
		spa_log_error(log_, "v4l2-dmabuf udev: the host gave no main loop");
		return -EINVAL;
	}
	const char *events = info ? spa_dict_lookup(info, V4L2_DMABUF_KEY_UDEV_EVENTS) : nullptr;
	if (events != nullptr && *events != '\0') {
		if (!spa_streq(events, "udev") && !spa_streq(events, "kernel")) {
			spa_log_error(log_, "v4l2-dmabuf udev: %s must be udev or kernel, not '%s'",
				      V4L2_DMABUF_KEY_UDEV_EVENTS, events);
			return -EINVAL;
		}
		eventSource_ = events;
	}
	struct spa_log *log = log_;
	probe_ = [log](const std::string &path, V4l2Capability *caps) {
		return probeWithV4l2Device(log, path, caps);
	};
	return 0;
}

int UdevMonitor::addListener(struct spa_hook *listener, const struct spa_device_events *events,
			     void *data)
{
	struct spa_hook_list save;
	spa_hook_list_isolate(&hooks_, &save, listener, events, data);

	/* The new listener alone gets the info and every object offered so far. */
	emitInfo();
	int ret = 0;
	if (!started_) {
		ret = start();
	} else {
		for (auto &[id, node] : nodes_) {
			if (node.emitted) {
				node.emittedProps.clear();
				emitObject(id, node);
			}
		}
	}
	spa_hook_list_join(&hooks_, &save);

	listener->removed = [](struct spa_hook *hook) {
		static_cast<UdevMonitor *>(hook->priv)->onListenerRemoved();
	};
	listener->priv = this;
	return ret;
}

int UdevMonitor::sync(int seq)
{
	spa_device_emit_result(&hooks_, seq, 0, 0, nullptr);
	return 0;
}

void UdevMonitor::onListenerRemoved()
{
	if (spa_hook_list_is_empty(&hooks_))
		stop();
}

void UdevMonitor::emitInfo()
{
	const struct spa_dict_item items[] = {
		{SPA_KEY_DEVICE_API, "udev"},
		{SPA_KEY_DEVICE_NICK, "v4l2-dmabuf-udev"},
		{SPA_KEY_API_UDEV_MATCH, kSubsystem},
	};
	struct spa_dict dict = SPA_DICT_INIT_ARRAY(items);
	struct spa_device_info info = SPA_DEVICE_INFO_INIT();
	info.change_mask = SPA_DEVICE_CHANGE_MASK_FLAGS | SPA_DEVICE_CHANGE_MASK_PROPS;
	info.props = &dict;
	spa_device_emit_info(&hooks_, &info);
}

/*
 * The hotplug monitor starts before the enumeration so no node appearing in
 * between is missed; a node seen twice is handled once (addOrChange()).
 * Without a monitor (no netlink in a sandbox) or inotify the nodes present
 * at start are still offered: a warning, not a failure.
 */
int UdevMonitor::start()
{
	udev_.reset(udev_new());
	if (!udev_) {
		spa_log_error(log_, "v4l2-dmabuf udev: udev_new() failed");
		return -ENOMEM;
	}
	started_ = true;

	std::string source = eventSource_;
	if (source.empty())
		source = access(kUdevdControl, F_OK) == 0 ? "udev" : "kernel";
	monitor_.reset(udev_monitor_new_from_netlink(udev_.get(), source.c_str()));
	int ret = monitor_ ? udev_monitor_filter_add_match_subsystem_devtype(monitor_.get(), kSubsystem,
									    nullptr)
			   : -ENOMEM;
	if (ret >= 0)
		ret = udev_monitor_enable_receiving(monitor_.get());
	if (ret >= 0)
		ret = monitorSource_.add(mainLoop_, udev_monitor_get_fd(monitor_.get()),
					 SPA_IO_IN | SPA_IO_ERR, [this](uint32_t) { onUdevEvents(); });
	if (ret < 0) {
		spa_log_warn(log_, "v4l2-dmabuf udev: no hotplug (%s netlink monitor): %s",
			     source.c_str(), spa_strerror(ret));
		monitorSource_.remove();
		monitor_.reset();
	} else {
		spa_log_info(log_, "v4l2-dmabuf udev: hotplug from %s events", source.c_str());
	}

	ret = startInotify();
	if (ret < 0)
		spa_log_warn(log_, "v4l2-dmabuf udev: no access tracking (inotify on /dev): %s",
			     spa_strerror(ret));
	return enumerate();
}

void UdevMonitor::stop()
{
	inotifySource_.remove();
	inotify_.reset();
	monitorSource_.remove();
	monitor_.reset();
	nodes_.clear();
	udev_.reset();
	started_ = false;
}

int UdevMonitor::startInotify()
{
	UniqueFd fd(inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
	if (!fd.isValid())
		return -errno;
	if (inotify_add_watch(fd.get(), "/dev", IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF) < 0)
		return -errno;
	inotify_ = std::move(fd);
	return inotifySource_.add(mainLoop_, inotify_.get(), SPA_IO_IN | SPA_IO_ERR,
				  [this](uint32_t) { onInotifyEvents(); });
}

int UdevMonitor::enumerate()
{
	UdevEnumeratePtr e(udev_enumerate_new(udev_.get()));
	if (!e)
		return -ENOMEM;
	int ret = udev_enumerate_add_match_subsystem(e.get(), kSubsystem);
	if (ret >= 0)
		ret = udev_enumerate_scan_devices(e.get());
	if (ret < 0) {
		spa_log_error(log_, "v4l2-dmabuf udev: cannot enumerate %s: %s", kSubsystem,
			      spa_strerror(ret));
		return ret;
	}
	struct udev_list_entry *entry;
	udev_list_entry_foreach(entry, udev_enumerate_get_list_entry(e.get())) {
		UdevDevicePtr dev(udev_device_new_from_syspath(udev_.get(), udev_list_entry_get_name(entry)));
		if (dev)
			addOrChange(dev.get(), true);
	}
	return 0;
}

void UdevMonitor::onUdevEvents()
{
	while (UdevDevicePtr dev{udev_monitor_receive_device(monitor_.get())}) {
		const char *action = udev_device_get_action(dev.get());
		spa_log_debug(log_, "v4l2-dmabuf udev: %s %s", orEmpty(action),
			      orEmpty(udev_device_get_devnode(dev.get())));
		if (spa_streq(action, "remove")) {
			remove(dev.get());
			continue;
		}
		if (!spa_streq(action, "add") && !spa_streq(action, "change"))
			continue;
		/* A raw kernel event carries only the uevent: read sysfs and
		 * udev's database (where there is one) afresh. */
		UdevDevicePtr fresh(udev_device_new_from_syspath(udev_.get(),
								 udev_device_get_syspath(dev.get())));
		addOrChange(fresh ? fresh.get() : dev.get(), spa_streq(action, "add"));
	}
}

void UdevMonitor::onInotifyEvents()
{
	alignas(struct inotify_event) char buffer[sizeof(struct inotify_event) + NAME_MAX + 1];
	bool gone = false;
	while (true) {
		ssize_t len = read(inotify_.get(), buffer, sizeof(buffer));
		if (len <= 0)
			break;
		for (char *p = buffer; p < buffer + len;) {
			const auto *event = reinterpret_cast<const struct inotify_event *>(p);
			p += sizeof(struct inotify_event) + event->len;
			if (event->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED))
				gone = true;
			if (!(event->mask & IN_ATTRIB) || event->len == 0)
				continue;
			std::optional<uint32_t> id = videoNodeNumber(event->name);
			if (!id)
				continue;
			auto it = nodes_.find(*id);
			if (it == nodes_.end())
				continue;
			if (isKnownFile(it->second)) {
				updateAccess(it->first, it->second);
			} else {
				spa_log_debug(log_, "v4l2-dmabuf udev: %s: a newer node than the last "
					      "added; waiting for its add event",
					      it->second.info.devnode.c_str());
				withdraw(it->first, it->second);
			}
		}
	}
	if (gone) {
		spa_log_warn(log_, "v4l2-dmabuf udev: /dev went away; access changes are no longer followed");
		inotifySource_.remove();
		inotify_.reset();
	}
}

UdevNodeInfo UdevMonitor::readNode(struct udev_device *dev) const
{
	UdevNodeInfo info;
	info.devnode = orEmpty(udev_device_get_devnode(dev));
	info.syspath = orEmpty(udev_device_get_syspath(dev));
	info.devpath = orEmpty(udev_device_get_devpath(dev));
	info.devnum = udev_device_get_devnum(dev);
	struct udev_list_entry *entry;
	udev_list_entry_foreach(entry, udev_device_get_properties_list_entry(dev))
		info.properties[udev_list_entry_get_name(entry)] = orEmpty(udev_list_entry_get_value(entry));

	/* Parents belong to @p dev: no unref. */
	for (struct udev_device *p = udev_device_get_parent(dev); p; p = udev_device_get_parent(p)) {
		const char *subsystem = udev_device_get_subsystem(p);
		if (subsystem && !spa_streq(subsystem, kSubsystem) && !spa_streq(subsystem, "media")) {
			info.parentBus = subsystem;
			break;
		}
	}
	struct udev_device *usb = udev_device_get_parent_with_subsystem_devtype(dev, "usb", "usb_device");
	if (usb) {
		info.usbVendorId = orEmpty(udev_device_get_sysattr_value(usb, "idVendor"));
		info.usbProductId = orEmpty(udev_device_get_sysattr_value(usb, "idProduct"));
		info.usbManufacturer = orEmpty(udev_device_get_sysattr_value(usb, "manufacturer"));
		info.usbProduct = orEmpty(udev_device_get_sysattr_value(usb, "product"));
		info.usbSerial = orEmpty(udev_device_get_sysattr_value(usb, "serial"));
	}
	return info;
}

/*
 * @p added: a new node (enumeration or "add"): probed afresh, since the
 * number may now belong to another device. A "change" keeps the probe and
 * re-emits only when the properties changed.
 */
void UdevMonitor::addOrChange(struct udev_device *dev, bool added)
{
	std::optional<uint32_t> id = videoNodeNumber(orEmpty(udev_device_get_devnode(dev)));
	if (!id)
		return; /* vbi, radio, swradio, v4l-touch, v4l-subdev: never video capture here */
	Node &node = nodes_[*id];
	UdevNodeInfo info = readNode(dev);
	if (added && node.info.syspath != info.syspath) {
		withdraw(*id, node);
		node.capture = node.ignored = false;
	}
	node.info = std::move(info);
	struct stat st;
	node.inode = stat(node.info.devnode.c_str(), &st) == 0 ? st.st_ino : 0;
	updateAccess(*id, node);
}

void UdevMonitor::remove(struct udev_device *dev)
{
	std::optional<uint32_t> id = videoNodeNumber(orEmpty(udev_device_get_devnode(dev)));
	if (!id)
		return;
	auto it = nodes_.find(*id);
	if (it == nodes_.end())
		return;
	withdraw(it->first, it->second);
	nodes_.erase(it);
}

/*
 * devtmpfs makes a new inode for every device it adds, so a file with
 * another inode under the node's name is a newer device than the one the
 * monitor knows. A node that was not there at its add is taken as it is now.
 */
bool UdevMonitor::isKnownFile(Node &node) const
{
	struct stat st;
	if (stat(node.info.devnode.c_str(), &st) < 0)
		return false;
	if (node.inode == 0)
		node.inode = st.st_ino;
	return node.inode == st.st_ino;
}

void UdevMonitor::updateAccess(uint32_t id, Node &node)
{
	const std::string &path = node.info.devnode;
	node.accessible = access(path.c_str(), R_OK | W_OK) == 0;
	if (!node.accessible) {
		spa_log_debug(log_, "v4l2-dmabuf udev: %s: not accessible, not offered", path.c_str());
		withdraw(id, node);
		return;
	}
	if (!node.capture && !node.ignored) {
		V4l2Capability caps;
		int ret = probe_(path, &caps);
		switch (probeVerdict(ret)) {
		case ProbeVerdict::Offer:
			node.capture = true;
			node.caps = caps;
			break;
		case ProbeVerdict::WaitForAccess:
			spa_log_debug(log_, "v4l2-dmabuf udev: %s: %s, offered once accessible",
				      path.c_str(), spa_strerror(ret));
			node.accessible = false;
			withdraw(id, node);
			return;
		case ProbeVerdict::Ignore:
			spa_log_debug(log_, "v4l2-dmabuf udev: %s: not a video capture node (%s)",
				      path.c_str(), spa_strerror(ret));
			node.ignored = true;
			withdraw(id, node);
			return;
		}
	}
	if (node.capture)
		emitObject(id, node);
}

void UdevMonitor::emitObject(uint32_t id, Node &node)
{
	PropertyList props = enumObjectProperties(node.info, node.caps);
	if (node.emitted && props.items() == node.emittedProps)
		return;
	SpaDict dict(props);

	struct spa_device_object_info info = SPA_DEVICE_OBJECT_INFO_INIT();
	info.type = SPA_TYPE_INTERFACE_Device;
	info.factory_name = V4L2_DMABUF_FACTORY_DEVICE;
	info.change_mask = SPA_DEVICE_OBJECT_CHANGE_MASK_FLAGS | SPA_DEVICE_OBJECT_CHANGE_MASK_PROPS;
	info.props = dict.get();
	spa_log_info(log_, "v4l2-dmabuf udev: offering %s (%s) as object %u",
		     node.info.devnode.c_str(), node.caps.card.c_str(), id);
	node.emitted = true;
	node.emittedProps = props.items();
	spa_device_emit_object_info(&hooks_, id, &info);
}

void UdevMonitor::withdraw(uint32_t id, Node &node)
{
	if (!node.emitted)
		return;
	node.emitted = false;
	node.emittedProps.clear();
	spa_log_info(log_, "v4l2-dmabuf udev: withdrawing %s (object %u)", node.info.devnode.c_str(), id);
	spa_device_emit_object_info(&hooks_, id, nullptr);
}

} /* namespace v4l2dmabuf */
