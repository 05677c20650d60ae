/* SPDX-License-Identifier: MIT */
#include "v4l2_properties.h"

#include <linux/videodev2.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include <spa/monitor/device.h>
#include <spa/node/keys.h>
#include <spa/support/plugin.h>
#include <spa/utils/keys.h>

#include "v4l2-dmabuf/keys.h"

namespace v4l2dmabuf {

namespace {

/* Not in PipeWire 0.3.65's headers; the key later PipeWire and the portal use. */
constexpr const char kKeyDeviceDevids[] = "device.devids";
/* Not macros in spa/node/keys.h; PipeWire's own names. */
constexpr const char kKeyNodeDescription[] = "node.description";
constexpr const char kKeyNodeNick[] = "node.nick";
constexpr const char kZeroCopySuffix[] = " (V4L2 DMA-BUF)";

constexpr const char kDevicePrefix[] = "v4l2_device.";
constexpr const char kSourcePrefix[] = "v4l2_input.";

int hexDigit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

std::string lookup(const std::map<std::string, std::string> &m, const char *key)
{
	auto it = m.find(key);
	return it == m.end() ? std::string() : it->second;
}

/* The first non-empty of @p candidates. */
std::string firstOf(std::initializer_list<std::string> candidates)
{
	for (const std::string &c : candidates)
		if (!c.empty())
			return c;
	return {};
}

std::string basename(const std::string &path)
{
	size_t slash = path.rfind('/');
	return slash == std::string::npos ? path : path.substr(slash + 1);
}

} /* namespace */

std::string formatHexId(const std::string &hex)
{
	size_t start = 0;
	if (hex.size() > 2 && hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X'))
		start = 2;
	if (hex.size() == start || hex.size() - start > 8)
		return {};
	uint32_t value = 0;
	for (size_t i = start; i < hex.size(); i++) {
		int d = hexDigit(hex[i]);
		if (d < 0)
			return {};
		value = value << 4 | static_cast<uint32_t>(d);
	}
	char text[16];
	snprintf(text, sizeof(text), "0x%04x", value);
	return text;
}

std::string capabilitiesString(uint32_t deviceCaps)
{
	std::string s = ":";
	if (deviceCaps & (V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_VIDEO_CAPTURE_MPLANE))
		s += "capture:";
	if (deviceCaps & (V4L2_CAP_VIDEO_OUTPUT | V4L2_CAP_VIDEO_OUTPUT_MPLANE))
		s += "video_output:";
	if (deviceCaps & V4L2_CAP_VIDEO_OVERLAY)
		s += "video_overlay:";
	if (deviceCaps & V4L2_CAP_AUDIO)
		s += "audio:";
	if (deviceCaps & V4L2_CAP_TUNER)
		s += "tuner:";
	if (deviceCaps & V4L2_CAP_RADIO)
		s += "radio:";
	if (deviceCaps & V4L2_CAP_TOUCH)
		s += "touch:";
	return s == ":" ? std::string() : s;
}

std::string unescapeUdev(const std::string &text)
{
	std::string out;
	out.reserve(text.size());
	for (size_t i = 0; i < text.size(); i++) {
		if (text[i] == '\\' && i + 3 < text.size() && text[i + 1] == 'x') {
			int hi = hexDigit(text[i + 2]);
			int lo = hexDigit(text[i + 3]);
			if (hi >= 0 && lo >= 0) {
				out += static_cast<char>(hi << 4 | lo);
				i += 3;
				continue;
			}
		}
		out += text[i];
	}
	return out;
}

std::string sanitizeName(const std::string &text)
{
	std::string out = text;
	for (char &c : out) {
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			  c == '_' || c == '-' || c == '.';
		if (!ok)
			c = '_';
	}
	return out;
}

std::optional<uint32_t> videoNodeNumber(const std::string &devnode)
{
	const std::string name = basename(devnode);
	constexpr size_t kPrefix = 5; /* "video" */
	if (name.size() <= kPrefix || name.compare(0, kPrefix, "video") != 0 ||
	    name.size() - kPrefix > 9)
		return std::nullopt;
	uint32_t n = 0;
	for (size_t i = kPrefix; i < name.size(); i++) {
		if (name[i] < '0' || name[i] > '9')
			return std::nullopt;
		n = n * 10 + static_cast<uint32_t>(name[i] - '0');
	}
	return n;
}

ProbeVerdict probeVerdict(int openResult)
{
	if (openResult >= 0)
		return ProbeVerdict::Offer;
	if (openResult == -EACCES || openResult == -EPERM)
		return ProbeVerdict::WaitForAccess;
	return ProbeVerdict::Ignore;
}

/*
 * Where udevd ran, its ID_* values are taken as they are, in the order of
 * preference of its hwdb and builtins (…_FROM_DATABASE, then …_ENC decoded,
 * then the plain value). Without udevd (containers, the test VM) the same
 * facts come from sysfs: the USB device's attributes, the parent's bus, and
 * QUERYCAP's card as the product name.
 */
PropertyList enumObjectProperties(const UdevNodeInfo &node, const V4l2Capability &caps)
{
	const auto &p = node.properties;
	PropertyList props;

	props.set(SPA_KEY_DEVICE_ENUM_API, "udev");
	props.set(SPA_KEY_DEVICE_API, "v4l2");
	props.set(SPA_KEY_MEDIA_CLASS, "Video/Device");
	props.set(SPA_KEY_FACTORY_NAME, V4L2_DMABUF_FACTORY_DEVICE);
	props.set(SPA_KEY_LIBRARY_NAME, V4L2_DMABUF_LIBRARY_NAME);
	props.set(SPA_KEY_OBJECT_PATH, "v4l2:" + node.devnode);
	props.set(SPA_KEY_API_V4L2_PATH, node.devnode);
	props.set(kKeyDeviceDevids, std::to_string(node.devnum));
	props.set(SPA_KEY_DEVICE_PLUGGED_USEC, lookup(p, "USEC_INITIALIZED"));

	const std::string busPath = firstOf({lookup(p, "ID_PATH"), node.syspath});
	props.set(SPA_KEY_DEVICE_BUS_PATH, busPath);
	props.set(SPA_KEY_DEVICE_SYSFS_PATH, node.devpath);
	props.set(SPA_KEY_DEVICE_BUS_ID, lookup(p, "ID_ID"));
	props.set(SPA_KEY_DEVICE_BUS, firstOf({lookup(p, "ID_BUS"), node.parentBus}));
	props.set(SPA_KEY_DEVICE_SUBSYSTEM, firstOf({lookup(p, "SUBSYSTEM"), "video4linux"}));

	props.set(SPA_KEY_DEVICE_VENDOR_ID,
		  formatHexId(firstOf({lookup(p, "ID_VENDOR_ID"), node.usbVendorId})));
	props.set(SPA_KEY_DEVICE_PRODUCT_ID,
		  formatHexId(firstOf({lookup(p, "ID_MODEL_ID"), node.usbProductId})));

	const std::string vendorEnc = lookup(p, "ID_VENDOR_ENC");
	const std::string vendor = firstOf({lookup(p, "ID_VENDOR_FROM_DATABASE"),
					    vendorEnc.empty() ? "" : unescapeUdev(vendorEnc),
					    lookup(p, "ID_VENDOR"), node.usbManufacturer});
	props.set(SPA_KEY_DEVICE_VENDOR_NAME, vendor);

	const std::string modelEnc = lookup(p, "ID_MODEL_ENC");
	const std::string product = firstOf({lookup(p, "ID_MODEL_FROM_DATABASE"),
					     modelEnc.empty() ? "" : unescapeUdev(modelEnc),
					     lookup(p, "ID_MODEL"), lookup(p, "ID_V4L_PRODUCT"),
					     node.usbProduct, caps.card});
	props.set(SPA_KEY_DEVICE_PRODUCT_NAME, product);
	props.set(SPA_KEY_DEVICE_SERIAL, firstOf({lookup(p, "ID_SERIAL"), node.usbSerial}));
	props.set(SPA_KEY_DEVICE_CAPABILITIES,
		  firstOf({lookup(p, "ID_V4L_CAPABILITIES"), capabilitiesString(caps.deviceCaps)}));

	setCapabilityProperties(&props, caps);

	/* As WirePlumber names the stock plugin's devices, so rules and stored
	 * defaults written for those names keep working. */
	const std::string id = firstOf({lookup(p, "ID_ID"), busPath, basename(node.devnode)});
	props.set(SPA_KEY_DEVICE_NAME, kDevicePrefix + sanitizeName(id));
	props.set(SPA_KEY_DEVICE_DESCRIPTION, firstOf({product, caps.card, node.devnode}));
	props.set(SPA_KEY_DEVICE_NICK, firstOf({caps.card, product}));
	return props;
}

PropertyList deviceInfoProperties(const PropertyList &given, const std::string &path,
				  const V4l2Capability &caps)
{
	static const char *const kPassed[] = {
		SPA_KEY_DEVICE_ENUM_API, SPA_KEY_DEVICE_NAME, SPA_KEY_DEVICE_DESCRIPTION,
		SPA_KEY_DEVICE_NICK, kKeyDeviceDevids, SPA_KEY_DEVICE_PLUGGED_USEC,
		SPA_KEY_DEVICE_BUS_PATH, SPA_KEY_DEVICE_SYSFS_PATH, SPA_KEY_DEVICE_BUS_ID,
		SPA_KEY_DEVICE_BUS, SPA_KEY_DEVICE_SUBSYSTEM, SPA_KEY_DEVICE_VENDOR_NAME,
		SPA_KEY_DEVICE_PRODUCT_NAME, SPA_KEY_DEVICE_SERIAL, SPA_KEY_DEVICE_CAPABILITIES,
	};
	PropertyList props;
	props.set(SPA_KEY_OBJECT_PATH, "v4l2:" + path);
	props.set(SPA_KEY_DEVICE_API, "v4l2");
	props.set(SPA_KEY_MEDIA_CLASS, "Video/Device");
	props.set(SPA_KEY_FACTORY_NAME, V4L2_DMABUF_FACTORY_DEVICE);
	props.set(SPA_KEY_LIBRARY_NAME, V4L2_DMABUF_LIBRARY_NAME);
	props.set(SPA_KEY_API_V4L2_PATH, path);
	for (const char *key : kPassed)
		if (const std::string *v = given.get(key))
			props.set(key, *v);
	for (const char *key : {SPA_KEY_DEVICE_VENDOR_ID, SPA_KEY_DEVICE_PRODUCT_ID})
		if (const std::string *v = given.get(key))
			props.set(key, formatHexId(*v));
	if (!props.get(SPA_KEY_DEVICE_PRODUCT_NAME))
		props.set(SPA_KEY_DEVICE_PRODUCT_NAME, caps.card);
	if (!props.get(SPA_KEY_DEVICE_DESCRIPTION))
		props.set(SPA_KEY_DEVICE_DESCRIPTION, firstOf({caps.card, path}));
	if (!props.get(SPA_KEY_DEVICE_NAME))
		props.set(SPA_KEY_DEVICE_NAME, kDevicePrefix + sanitizeName(basename(path)));
	if (!props.get(SPA_KEY_DEVICE_CAPABILITIES))
		props.set(SPA_KEY_DEVICE_CAPABILITIES, capabilitiesString(caps.deviceCaps));

	setCapabilityProperties(&props, caps);
	return props;
}

PropertyList sourceObjectProperties(const PropertyList &device)
{
	static const char *const kDeviceOnly[] = {
		SPA_KEY_MEDIA_CLASS, SPA_KEY_FACTORY_NAME, SPA_KEY_DEVICE_ENUM_API,
		SPA_KEY_DEVICE_NAME, SPA_KEY_DEVICE_DESCRIPTION, SPA_KEY_DEVICE_NICK,
		V4L2_DMABUF_KEY_CONVERT,
	};
	PropertyList props;
	for (const auto &[key, value] : device.items()) {
		bool skip = false;
		for (const char *k : kDeviceOnly)
			skip |= key == k;
		if (!skip)
			props.set(key, value);
	}
	props.set(SPA_KEY_FACTORY_NAME, V4L2_DMABUF_FACTORY_SOURCE);
	props.set(SPA_KEY_LIBRARY_NAME, V4L2_DMABUF_LIBRARY_NAME);
	props.set(SPA_KEY_MEDIA_CLASS, "Video/Source");
	props.set(SPA_KEY_MEDIA_ROLE, "Camera");

	std::string name;
	if (const std::string *dn = device.get(SPA_KEY_DEVICE_NAME)) {
		name = *dn;
		if (name.compare(0, sizeof(kDevicePrefix) - 1, kDevicePrefix) == 0)
			name.erase(0, sizeof(kDevicePrefix) - 1);
	}
	const std::string *path = device.get(SPA_KEY_API_V4L2_PATH);
	if (name.empty())
		name = path ? basename(*path) : "v4l2-device";
	props.set(SPA_KEY_NODE_NAME, kSourcePrefix + sanitizeName(name));

	const std::string *desc = device.get(SPA_KEY_DEVICE_DESCRIPTION);
	const std::string *card = device.get(SPA_KEY_API_V4L2_CAP_CARD);
	std::string description = desc ? *desc : card ? *card : "V4L2 camera";
	for (char &c : description)
		if (c == ':')
			c = ' ';
	props.set(kKeyNodeDescription, description + kZeroCopySuffix);
	props.set(kKeyNodeNick, card ? *card : description);
	return props;
}

static std::string stripSuffix(const std::string &s, const std::string &suffix)
{
	if (s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0)
		return s.substr(0, s.size() - suffix.size());
	return s;
}

PropertyList convertObjectProperties(const PropertyList &source)
{
	PropertyList props;
	for (const auto &[key, value] : source.items()) {
		if (key == SPA_KEY_NODE_NAME)
			props.set(key, value + ".convert");
		else if (key == kKeyNodeDescription)
			props.set(key, stripSuffix(value, kZeroCopySuffix) + V4L2_DMABUF_CONVERT_DESCRIPTION_SUFFIX);
		else
			props.set(key, value);
	}
	props.set(V4L2_DMABUF_KEY_IO_MODE, "convert");
	return props;
}

bool wantsConvert(const PropertyList &given)
{
	const std::string *v = given.get(V4L2_DMABUF_KEY_CONVERT);
	return v && (*v == "true" || *v == "1");
}

} /* namespace v4l2dmabuf */
