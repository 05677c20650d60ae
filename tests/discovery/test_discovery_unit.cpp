/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of discovery (spa/v4l2_properties): property formatting and
 * the offer decision on synthetic udev and QUERYCAP values. No device.
 */
#include "catch.h"

#include <linux/videodev2.h>

#include <cerrno>
#include <string>

#include "v4l2_properties.h"

using namespace v4l2dmabuf;

namespace {

std::string value(const PropertyList &props, const std::string &key)
{
	const std::string *v = props.get(key);
	return v ? *v : std::string("<absent>");
}

V4l2Capability uvcCaps()
{
	V4l2Capability caps;
	caps.driver = "uvcvideo";
	caps.card = "HD Webcam: HD Webcam";
	caps.busInfo = "usb-0000:00:14.0-1";
	caps.version = (6 << 16) | (1 << 8) | 69;
	caps.capabilities = 0x84a00001;
	caps.deviceCaps = V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_STREAMING | V4L2_CAP_EXT_PIX_FORMAT;
	return caps;
}

UdevNodeInfo udevdNode()
{
	UdevNodeInfo n;
	n.devnode = "/dev/video2";
	n.syspath = "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-1/1-1:1.0/video4linux/video2";
	n.devpath = "/devices/pci0000:00/0000:00:14.0/usb1/1-1/1-1:1.0/video4linux/video2";
	n.devnum = (81u << 8) | 2; /* makedev(81, 2) */
	n.properties = {
		{"ID_PATH", "pci-0000:00:14.0-usb-0:1:1.0"},
		{"ID_BUS", "usb"},
		{"ID_VENDOR_ID", "046d"},
		{"ID_MODEL_ID", "0825"},
		{"ID_VENDOR_ENC", "Logitech\\x2c\\x20Inc."},
		{"ID_MODEL_FROM_DATABASE", "Webcam C270"},
		{"ID_SERIAL", "046d_0825_ABCDEF"},
		{"ID_V4L_CAPABILITIES", ":capture:"},
		{"USEC_INITIALIZED", "12345"},
		{"SUBSYSTEM", "video4linux"},
	};
	n.parentBus = "usb";
	return n;
}

} /* namespace */

TEST_CASE("ids are 0x%04x and never truncated", "[discovery][unit]")
{
	CHECK(formatHexId("046d") == "0x046d");
	CHECK(formatHexId("0x046D") == "0x046d");
	CHECK(formatHexId("1") == "0x0001");
	CHECK(formatHexId("1d6b") == "0x1d6b");
	CHECK(formatHexId("12345") == "0x12345"); /* more than 4 digits: all kept */
	CHECK(formatHexId("ffffffff") == "0xffffffff");
	CHECK(formatHexId("").empty());
	CHECK(formatHexId("0x").empty());
	CHECK(formatHexId("04g6").empty());
	CHECK(formatHexId("123456789").empty()); /* above 32 bits */
}

TEST_CASE("QUERYCAP values are formatted as users compare them", "[discovery][unit]")
{
	CHECK(formatKernelVersion((6 << 16) | (1 << 8) | 192) == "6.1.192");
	CHECK(formatKernelVersion(0) == "0.0.0");
	CHECK(formatCapabilityMask(0x84a00001) == "0x84a00001");
	CHECK(formatCapabilityMask(0x5) == "0x00000005");
	CHECK(capabilitiesString(V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_STREAMING) == ":capture:");
	CHECK(capabilitiesString(V4L2_CAP_VIDEO_CAPTURE_MPLANE) == ":capture:");
	CHECK(capabilitiesString(V4L2_CAP_VIDEO_OUTPUT) == ":video_output:");
	CHECK(capabilitiesString(V4L2_CAP_META_CAPTURE).empty());
}

TEST_CASE("udev text helpers", "[discovery][unit]")
{
	CHECK(unescapeUdev("Logitech\\x2c\\x20Inc.") == "Logitech, Inc.");
	CHECK(unescapeUdev("a\\x2") == "a\\x2");      /* incomplete escape kept */
	CHECK(unescapeUdev("a\\xzz") == "a\\xzz");    /* not hex: kept */
	CHECK(unescapeUdev("plain") == "plain");
	CHECK(sanitizeName("pci-0000:00:14.0-usb-0:1:1.0") == "pci-0000_00_14.0-usb-0_1_1.0");
	CHECK(videoNodeNumber("/dev/video0") == 0u);
	CHECK(videoNodeNumber("/dev/video42") == 42u);
	CHECK(videoNodeNumber("video7") == 7u); /* an inotify name */
	CHECK_FALSE(videoNodeNumber("/dev/vbi0"));
	CHECK_FALSE(videoNodeNumber("/dev/v4l-touch0"));
	CHECK_FALSE(videoNodeNumber("/dev/video"));
	CHECK_FALSE(videoNodeNumber("/dev/video1a"));
}

TEST_CASE("the offer decision follows V4l2Device::open()", "[discovery][unit]")
{
	CHECK(probeVerdict(0) == ProbeVerdict::Offer);
	CHECK(probeVerdict(-EACCES) == ProbeVerdict::WaitForAccess);
	CHECK(probeVerdict(-EPERM) == ProbeVerdict::WaitForAccess);
	/* open()'s answer for output, metadata, mem2mem, vbi, radio, sdr, touch */
	CHECK(probeVerdict(-ENODEV) == ProbeVerdict::Ignore);
	CHECK(probeVerdict(-ENOTTY) == ProbeVerdict::Ignore);
	CHECK(probeVerdict(-ENOENT) == ProbeVerdict::Ignore);
}

TEST_CASE("enumerated object from udevd's properties", "[discovery][unit]")
{
	PropertyList p = enumObjectProperties(udevdNode(), uvcCaps());
	CHECK(value(p, "factory.name") == "v4l2-dmabuf.device");
	// Found through library.name: no context.spa-libs entry needed.
	CHECK(value(p, "library.name") == "v4l2-dmabuf/libspa-v4l2-dmabuf");
	CHECK(value(p, "device.api") == "v4l2");
	CHECK(value(p, "device.enum.api") == "udev");
	CHECK(value(p, "media.class") == "Video/Device");
	CHECK(value(p, "api.v4l2.path") == "/dev/video2");
	CHECK(value(p, "object.path") == "v4l2:/dev/video2");
	CHECK(value(p, "device.devids") == std::to_string((81u << 8) | 2));
	CHECK(value(p, "device.vendor.id") == "0x046d");
	CHECK(value(p, "device.product.id") == "0x0825");
	CHECK(value(p, "device.vendor.name") == "Logitech, Inc.");
	CHECK(value(p, "device.product.name") == "Webcam C270");
	CHECK(value(p, "device.serial") == "046d_0825_ABCDEF");
	CHECK(value(p, "device.bus") == "usb");
	CHECK(value(p, "device.bus-path") == "pci-0000:00:14.0-usb-0:1:1.0");
	CHECK(value(p, "device.plugged.usec") == "12345");
	CHECK(value(p, "device.capabilities") == ":capture:");
	CHECK(value(p, "device.name") == "v4l2_device.pci-0000_00_14.0-usb-0_1_1.0");
	CHECK(value(p, "device.description") == "Webcam C270");
	CHECK(value(p, "api.v4l2.cap.driver") == "uvcvideo");
	CHECK(value(p, "api.v4l2.cap.card") == "HD Webcam: HD Webcam");
	CHECK(value(p, "api.v4l2.cap.bus_info") == "usb-0000:00:14.0-1");
	CHECK(value(p, "api.v4l2.cap.version") == "6.1.69");
	CHECK(value(p, "api.v4l2.cap.capabilities") == "0x84a00001");
	CHECK(value(p, "api.v4l2.cap.device-caps") == "0x04200001");
}

TEST_CASE("enumerated object without udevd: sysfs and QUERYCAP", "[discovery][unit]")
{
	UdevNodeInfo n = udevdNode();
	n.properties = {{"SUBSYSTEM", "video4linux"}}; /* what the kernel's uevent gives */
	n.usbVendorId = "046d";
	n.usbProductId = "0825";
	n.usbManufacturer = "Logitech";
	n.usbProduct = "C270 HD WEBCAM";
	PropertyList p = enumObjectProperties(n, uvcCaps());
	CHECK(value(p, "device.vendor.id") == "0x046d");
	CHECK(value(p, "device.product.id") == "0x0825");
	CHECK(value(p, "device.vendor.name") == "Logitech");
	CHECK(value(p, "device.product.name") == "C270 HD WEBCAM");
	CHECK(value(p, "device.bus") == "usb");
	CHECK(value(p, "device.bus-path") == n.syspath);
	CHECK(value(p, "device.capabilities") == ":capture:");
	CHECK(value(p, "device.serial") == "<absent>");

	n.usbVendorId = n.usbProductId = n.usbManufacturer = n.usbProduct = "";
	n.parentBus = "platform";
	p = enumObjectProperties(n, uvcCaps());
	CHECK(value(p, "device.vendor.id") == "<absent>"); /* never invented */
	CHECK(value(p, "device.product.name") == "HD Webcam: HD Webcam");
	CHECK(value(p, "device.bus") == "platform");
}

TEST_CASE("device info and its source node", "[discovery][unit]")
{
	PropertyList given = enumObjectProperties(udevdNode(), uvcCaps());
	given.set("device.vendor.id", "0x046d"); /* as given back by WirePlumber */
	PropertyList d = deviceInfoProperties(given, "/dev/video2", uvcCaps());
	CHECK(value(d, "device.vendor.id") == "0x046d"); /* 0.3.65 would say 0x046 */
	CHECK(value(d, "device.product.id") == "0x0825");
	CHECK(value(d, "media.class") == "Video/Device");
	CHECK(value(d, "library.name") == "v4l2-dmabuf/libspa-v4l2-dmabuf");
	CHECK(value(d, "api.v4l2.cap.device-caps") == "0x04200001");

	PropertyList s = sourceObjectProperties(d);
	CHECK(value(s, "factory.name") == "v4l2-dmabuf.source");
	CHECK(value(s, "library.name") == "v4l2-dmabuf/libspa-v4l2-dmabuf");
	CHECK(value(s, "media.class") == "Video/Source");
	CHECK(value(s, "media.role") == "Camera");
	CHECK(value(s, "api.v4l2.path") == "/dev/video2");
	CHECK(value(s, "node.name") == "v4l2_input.pci-0000_00_14.0-usb-0_1_1.0");
	CHECK(value(s, "node.description") == "Webcam C270 (V4L2 DMA-BUF)");
	CHECK(value(s, "node.nick") == "HD Webcam: HD Webcam");
	CHECK(value(s, "device.name") == "<absent>");
	CHECK(value(s, "device.vendor.id") == "0x046d");

	/* A device made by hand, with only a path. */
	PropertyList bare;
	bare.set("api.v4l2.path", "/dev/video9");
	d = deviceInfoProperties(bare, "/dev/video9", uvcCaps());
	CHECK(value(d, "device.name") == "v4l2_device.video9");
	CHECK(value(d, "device.capabilities") == ":capture:");
	CHECK(value(sourceObjectProperties(d), "node.name") == "v4l2_input.video9");
}

TEST_CASE("the opt-in converting node is named and described apart", "[properties]")
{
	PropertyList given;
	given.set("api.v4l2.path", "/dev/video9");
	CHECK_FALSE(wantsConvert(given));
	given.set("v4l2-dmabuf.convert", "true");
	CHECK(wantsConvert(given));

	PropertyList d = deviceInfoProperties(given, "/dev/video9", uvcCaps());
	PropertyList s = sourceObjectProperties(d);
	/* The opt-in is the device's: the zero-copy node does not carry it. */
	CHECK(value(s, "v4l2-dmabuf.convert") == "<absent>");
	CHECK(value(s, "v4l2-dmabuf.io-mode") == "<absent>");

	PropertyList c = convertObjectProperties(s);
	CHECK(value(c, "v4l2-dmabuf.io-mode") == "convert");
	CHECK(value(c, "node.name") == "v4l2_input.video9.convert");
	/* sourceObjectProperties() turns the card's colons into spaces */
	CHECK(value(c, "node.description") == "HD Webcam  HD Webcam (libv4l2 conversion)");
	CHECK(value(c, "media.class") == "Video/Source");
	CHECK(value(c, "api.v4l2.path") == "/dev/video9");
}

TEST_CASE("keys with the retired api.v4l2-dmabuf. prefix are found with their new names", "[discovery][unit]")
{
	const struct spa_dict_item items[] = {
		SPA_DICT_ITEM_INIT("api.v4l2-dmabuf.io-mode", "mmap"),
		SPA_DICT_ITEM_INIT("api.v4l2.path", "/dev/video0"),
		SPA_DICT_ITEM_INIT("v4l2-dmabuf.allocator", "/dev/dri/renderD128"),
		SPA_DICT_ITEM_INIT("api.v4l2-dmabuf.convert", "true"),
	};
	const struct spa_dict dict = SPA_DICT_INIT_ARRAY(items);
	auto found = retiredKeys(&dict);
	REQUIRE(found.size() == 2);
	CHECK(found[0] == std::make_pair(std::string("api.v4l2-dmabuf.io-mode"), std::string("v4l2-dmabuf.io-mode")));
	CHECK(found[1] == std::make_pair(std::string("api.v4l2-dmabuf.convert"), std::string("v4l2-dmabuf.convert")));
	CHECK(retiredKeys(nullptr).empty());
}
