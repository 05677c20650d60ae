/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * The properties of the discovery objects (v4l2-dmabuf.enum.udev ->
 * v4l2-dmabuf.device -> v4l2-dmabuf.source), as pure functions of
 * what udev/sysfs and VIDIOC_QUERYCAP said: no udev, no ioctl, no SPA loop,
 * so they are unit-tested without a device. Keys are those of
 * spa/monitor/device.h and spa/utils/keys.h (PipeWire 0.3.65), which
 * WirePlumber rules, the Camera portal and pw-dump users rely on.
 */

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "property_list.h"
#include "v4l2_device.h"

namespace v4l2dmabuf {

/**
 * What the monitor read about one video4linux node from libudev (sysfs and,
 * where udevd ran, its database). No ioctl went into it.
 */
struct UdevNodeInfo {
	std::string devnode;  /**< "/dev/video0" */
	std::string syspath;  /**< "/sys/devices/platform/vivid.0/video4linux/video0" */
	std::string devpath;  /**< syspath without "/sys" */
	uint64_t devnum = 0;  /**< dev_t of the node */
	/** udev properties: kernel uevent ones, plus ID_* where udevd ran. */
	std::map<std::string, std::string> properties;
	/** Subsystem of the nearest ancestor on a bus ("usb", "pci", "platform"). */
	std::string parentBus;
	/** sysfs attributes of the USB device above the node (empty elsewhere). */
	std::string usbVendorId, usbProductId, usbManufacturer, usbProduct, usbSerial;
};

/**
 * A vendor or product id, as PipeWire and WirePlumber users see it: "0x%04x".
 * @p hex is hexadecimal, with or without "0x" ("046d", "0x046D"), as udev's
 * ID_VENDOR_ID and sysfs idVendor give it. Never truncated (PipeWire 0.3.65's
 * v4l2 device object keeps only 5 characters, "0x046"; we do not).
 * @return "" when @p hex is not a number in 0..0xffffffff.
 */
std::string formatHexId(const std::string &hex);

/**
 * udev's ID_V4L_CAPABILITIES vocabulary (":capture:", ":video_output:",
 * ...) computed from @p deviceCaps, for machines where udevd did not run.
 */
std::string capabilitiesString(uint32_t deviceCaps);

/** Decodes udev's "\xHH" escapes (ID_VENDOR_ENC, ID_MODEL_ENC); other text is kept. */
std::string unescapeUdev(const std::string &text);

/** Replaces every character but [A-Za-z0-9_.-] with '_' (object names). */
std::string sanitizeName(const std::string &text);

/** N of "/dev/videoN" (any directory); nullopt for other names. */
std::optional<uint32_t> videoNodeNumber(const std::string &devnode);

/** What the monitor does with a node after V4l2Device::open() returned @p openResult. */
enum class ProbeVerdict {
	Offer,         /**< 0: a video capture node, single- or multi-planar */
	WaitForAccess, /**< -EACCES/-EPERM: offered once an IN_ATTRIB makes it accessible */
	Ignore,        /**< -ENODEV (output, metadata, mem2mem, vbi, radio, sdr, touch), -ENOTTY, ... */
};
ProbeVerdict probeVerdict(int openResult);

/**
 * Properties of the object v4l2-dmabuf.enum.udev emits for a capture
 * node (factory v4l2-dmabuf.device): udev's ID_* values where udevd ran,
 * sysfs and QUERYCAP (@p caps) values where not.
 */
PropertyList enumObjectProperties(const UdevNodeInfo &node, const V4l2Capability &caps);

/**
 * Properties of v4l2-dmabuf.device's info for @p path: the discovery
 * properties it was given (@p given, ids re-formatted), plus the QUERYCAP
 * ones of @p caps (which win).
 */
PropertyList deviceInfoProperties(const PropertyList &given, const std::string &path,
				  const V4l2Capability &caps);

/**
 * Properties of the node object v4l2-dmabuf.device emits (factory
 * v4l2-dmabuf.source): @p device's properties but the device-only ones,
 * media.class Video/Source, media.role Camera, node.name "v4l2_input.<name>",
 * node.description, node.nick.
 */
PropertyList sourceObjectProperties(const PropertyList &device);

/**
 * Properties of the second node object v4l2-dmabuf.device emits when
 * asked to (wantsConvert()): @p source (of sourceObjectProperties()) with
 * v4l2-dmabuf.io-mode = convert, node.name with a ".convert" suffix and
 * a description that says the frames are converted in software.
 */
PropertyList convertObjectProperties(const PropertyList &source);

/**
 * True when the device's properties opt in to a converting node
 * (`v4l2-dmabuf.convert = true`, e.g. from a WirePlumber rule).
 */
bool wantsConvert(const PropertyList &given);

} /* namespace v4l2dmabuf */
