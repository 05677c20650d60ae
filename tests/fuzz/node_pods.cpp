/* SPDX-License-Identifier: MIT */
#include "node_pods.h"
#include "synthetic_control.h"

#include <cstring>

#include <linux/videodev2.h>

#include <spa/buffer/buffer.h>
#include <spa/control/control.h>
#include <spa/param/format.h>
#include <spa/param/param.h>
#include <spa/param/props.h>
#include <spa/param/video/format.h>
#include <spa/pod/builder.h>

#include <functional>

#include "buffer_params.h"
#include "controls.h"
#include "v4l2-dmabuf/keys.h"
#include "format_pod.h"
#include "format_table.h"

namespace v4l2dmabuf::fuzz {

Pod words(std::initializer_list<uint32_t> w)
{
	Pod out(w.size() * 4);
	size_t i = 0;
	for (uint32_t v : w) {
		memcpy(out.data() + i, &v, 4);
		i += 4;
	}
	return out;
}

namespace {

/* Runs @p build on a fresh 16 KiB builder and copies out the POD it returns. */
Pod build(const std::function<struct spa_pod *(struct spa_pod_builder *)> &fn)
{
	std::vector<uint8_t> buffer(16384);
	struct spa_pod_builder b = SPA_POD_BUILDER_INIT(buffer.data(), uint32_t(buffer.size()));
	struct spa_pod *pod = fn(&b);
	if (pod == nullptr)
		return {};
	const uint8_t *p = reinterpret_cast<const uint8_t *>(pod);
	return Pod(p, p + SPA_POD_SIZE(pod));
}

V4l2FrameSize discrete(uint32_t w, uint32_t h)
{
	V4l2FrameSize s;
	s.type = V4l2FrameSize::Type::Discrete;
	s.minWidth = s.maxWidth = w;
	s.minHeight = s.maxHeight = h;
	return s;
}

V4l2FrameSize stepwise(V4l2FrameSize::Type type)
{
	V4l2FrameSize s;
	s.type = type;
	s.minWidth = 16;
	s.maxWidth = 1920;
	s.stepWidth = type == V4l2FrameSize::Type::Continuous ? 1 : 2;
	s.minHeight = 16;
	s.maxHeight = 1080;
	s.stepHeight = type == V4l2FrameSize::Type::Continuous ? 1 : 2;
	return s;
}

V4l2FrameIntervals discreteRates(std::vector<uint32_t> fps)
{
	V4l2FrameIntervals i;
	i.type = V4l2FrameIntervals::Type::Discrete;
	for (uint32_t f : fps)
		i.discrete.push_back(V4l2Fraction{1, f});
	return i;
}

V4l2FrameIntervals rangeRates()
{
	V4l2FrameIntervals i;
	i.type = V4l2FrameIntervals::Type::Continuous;
	i.min = V4l2Fraction{1, 60};
	i.max = V4l2Fraction{1, 1};
	i.step = V4l2Fraction{1, 1};
	return i;
}

V4l2Format planeFormat(const FormatInfo &info, uint32_t w, uint32_t h)
{
	V4l2Format f;
	f.fourcc = info.v4l2Fourcc;
	f.width = w;
	f.height = h;
	if (info.memoryPlanes == 1) {
		uint32_t bpl = info.spaFormat == SPA_VIDEO_FORMAT_YUY2 ? w * 2 : w;
		uint32_t size = info.spaFormat == SPA_VIDEO_FORMAT_YUY2 ? bpl * h : w * h * 3 / 2;
		f.planes.push_back(V4l2PlaneFormat{bpl, size});
	} else {
		f.planes.push_back(V4l2PlaneFormat{w, w * h});
		f.planes.push_back(V4l2PlaneFormat{w, w * h / 2});
	}
	return f;
}

using testenv::control;

/* Lvalues for SPA_POD_Rectangle/SPA_POD_Fraction, which take pointers; each
 * call gets its own slot (a builder call reads them before returning). */
const struct spa_rectangle *rect(uint32_t w, uint32_t h)
{
	static thread_local struct spa_rectangle slots[8];
	static thread_local unsigned next;
	struct spa_rectangle *r = &slots[next++ % 8];
	*r = SPA_RECTANGLE(w, h);
	return r;
}

const struct spa_fraction *frac(uint32_t n, uint32_t d)
{
	static thread_local struct spa_fraction slots[8];
	static thread_local unsigned next;
	struct spa_fraction *f = &slots[next++ % 8];
	*f = SPA_FRACTION(n, d);
	return f;
}

const char *const kFormats[] = {"YUYV", "NV12", "NV12M"};

/* SPA_POD_PROP_FLAG_DONT_FIXATE of PipeWire >= 0.3.67 (not in 0.3.65's headers). */
constexpr uint32_t kDontFixate = 1u << 4;

} /* namespace */

std::vector<NamedPod> nodeEnumFormats()
{
	std::vector<NamedPod> out;
	for (const char *name : kFormats) {
		const FormatInfo *info = findFormatByName(name);
		struct Case {
			const char *what;
			V4l2FrameSize size;
			V4l2FrameIntervals rates;
		} cases[] = {
			{"640x480-discrete-rates", discrete(640, 480), discreteRates({30, 15, 5})},
			{"1280x720-one-rate", discrete(1280, 720), discreteRates({60})},
			{"stepwise-range-rates", stepwise(V4l2FrameSize::Type::Stepwise), rangeRates()},
			{"continuous-no-rates", stepwise(V4l2FrameSize::Type::Continuous),
			 V4l2FrameIntervals{}},
		};
		for (const Case &c : cases)
			out.push_back({std::string("enumformat-") + name + "-" + c.what, build([&](auto *b) {
				return buildEnumFormat(b, SPA_PARAM_EnumFormat, *info, c.size, c.rates);
			})});
	}
	return out;
}

std::vector<NamedPod> nodeFormats()
{
	std::vector<NamedPod> out;
	for (const char *name : kFormats) {
		const FormatInfo *info = findFormatByName(name);
		out.push_back({std::string("format-") + name, build([&](auto *b) {
			return buildFormat(b, SPA_PARAM_Format, *info, planeFormat(*info, 640, 480),
					   V4l2Fraction{1, 30});
		})});
		out.push_back({std::string("format-") + name + "-no-rate", build([&](auto *b) {
			return buildFormat(b, SPA_PARAM_Format, *info, planeFormat(*info, 1920, 1080),
					   V4l2Fraction{0, 0});
		})});
	}
	const FormatInfo *mjpg = findFormatByKind(MediaKind::Mjpeg);
	out.push_back({"format-MJPG", build([&](auto *b) {
		V4l2Format f;
		f.width = 1280;
		f.height = 720;
		f.planes.push_back(V4l2PlaneFormat{0, 1 << 20});
		return buildFormat(b, SPA_PARAM_Format, *mjpg, f, V4l2Fraction{1, 30});
	})});
	return out;
}

std::vector<NamedPod> nodeBuffersParams()
{
	std::vector<NamedPod> out;
	BufferOffer offer;
	offer.minBuffers = 2;
	offer.maxBuffers = 32;
	offer.defaultBuffers = 4;
	offer.dataTypes = (1u << SPA_DATA_DmaBuf) | (1u << SPA_DATA_MemFd) | (1u << SPA_DATA_MemPtr);
	for (const char *name : {"YUYV", "NV12M"}) {
		const FormatInfo *info = findFormatByName(name);
		out.push_back({std::string("buffers-") + name, build([&](auto *b) {
			return buildBuffersParam(b, SPA_PARAM_Buffers, planeFormat(*info, 640, 480), offer);
		})});
	}
	return out;
}

std::vector<V4l2Control> syntheticControls()
{
	std::vector<V4l2Control> controls = {
		control(V4L2_CID_BRIGHTNESS, V4L2_CTRL_TYPE_INTEGER, "Brightness", 0, 255, 1, 128),
		control(V4L2_CID_CONTRAST, V4L2_CTRL_TYPE_INTEGER, "Contrast", -100, 100, 5, 0),
		control(V4L2_CID_AUTOGAIN, V4L2_CTRL_TYPE_BOOLEAN, "Gain, Automatic", 0, 1, 1, 1),
		control(V4L2_CID_DO_WHITE_BALANCE, V4L2_CTRL_TYPE_BUTTON, "Do White Balance", 0, 0, 0,
			0, V4L2_CTRL_FLAG_WRITE_ONLY),
		control(V4L2_CID_POWER_LINE_FREQUENCY, V4L2_CTRL_TYPE_MENU, "Power Line Frequency", 0,
			2, 1, 1),
		control(0x0098f905, V4L2_CTRL_TYPE_INTEGER_MENU, "Integer Menu", 0, 4, 1, 2),
		control(0x0098f904, V4L2_CTRL_TYPE_INTEGER64, "Integer 64 Bits",
			INT64_MIN, INT64_MAX, 1, 0),
		control(0x0098f909, V4L2_CTRL_TYPE_BITMASK, "Bitmask", 0, 0x80002000, 0, 0x2000),
		control(V4L2_CID_EXPOSURE_ABSOLUTE, V4L2_CTRL_TYPE_INTEGER, "Exposure Time, Absolute", 3,
			2047, 1, 250, V4L2_CTRL_FLAG_READ_ONLY),
	};
	controls[4].menu = {{0, "Disabled"}, {1, "50 Hz"}, {2, "60 Hz"}};
	controls[5].menu = {{0, "-9223372036854775808"}, {1, "1"}, {2, "2"}, {4, "4"}};
	return controls;
}

std::vector<NamedPod> controlPropInfos()
{
	std::vector<NamedPod> out;
	std::vector<V4l2Control> controls = syntheticControls();
	std::vector<uint32_t> ids = assignControlPropIds(controls);
	for (size_t i = 0; i < controls.size(); i++)
		out.push_back({"propinfo-" + controlPropName(controls[i].name).substr(9),
			       build([&](auto *b) {
				       return buildControlPropInfo(b, SPA_PARAM_PropInfo, ids[i],
								   controls[i]);
			       })});
	return out;
}

std::vector<NamedPod> nodeProps()
{
	std::vector<V4l2Control> controls = syntheticControls();
	std::vector<uint32_t> ids = assignControlPropIds(controls);
	return {{"props-node", build([&](struct spa_pod_builder *b) {
		struct spa_pod_frame f;
		spa_pod_builder_push_object(b, &f, SPA_TYPE_OBJECT_Props, SPA_PARAM_Props);
		spa_pod_builder_add(b,
			SPA_PROP_device, SPA_POD_String("/dev/video0"),
			SPA_PROP_deviceName, SPA_POD_String("vivid"),
			V4L2_DMABUF_PROP_ioMode, SPA_POD_String("auto"),
			V4L2_DMABUF_PROP_allocator, SPA_POD_String(""), 0);
		for (size_t i = 0; i < controls.size(); i++)
			addControlValue(b, ids[i], controls[i], controls[i].def);
		return static_cast<struct spa_pod *>(spa_pod_builder_pop(b, &f));
	})}};
}

std::vector<NamedPod> clientFilters()
{
	std::vector<NamedPod> out;
	/* A pw_stream consumer's EnumFormat (what a video client connects with). */
	out.push_back({"filter-raw-any", build([](struct spa_pod_builder *b) {
		struct spa_rectangle def = SPA_RECTANGLE(640, 480), min = SPA_RECTANGLE(1, 1),
				     max = SPA_RECTANGLE(8192, 8192);
		struct spa_fraction rdef = SPA_FRACTION(30, 1), rmin = SPA_FRACTION(0, 1),
				    rmax = SPA_FRACTION(1000, 1);
		return static_cast<struct spa_pod *>(spa_pod_builder_add_object(b,
			SPA_TYPE_OBJECT_Format, SPA_PARAM_EnumFormat,
			SPA_FORMAT_mediaType, SPA_POD_Id(SPA_MEDIA_TYPE_video),
			SPA_FORMAT_mediaSubtype, SPA_POD_Id(SPA_MEDIA_SUBTYPE_raw),
			SPA_FORMAT_VIDEO_format, SPA_POD_CHOICE_ENUM_Id(4, SPA_VIDEO_FORMAT_NV12,
				SPA_VIDEO_FORMAT_NV12, SPA_VIDEO_FORMAT_YUY2, SPA_VIDEO_FORMAT_I420),
			SPA_FORMAT_VIDEO_size, SPA_POD_CHOICE_RANGE_Rectangle(&def, &min, &max),
			SPA_FORMAT_VIDEO_framerate, SPA_POD_CHOICE_RANGE_Fraction(&rdef, &rmin, &rmax)));
	})});
	out.push_back({"filter-nv12m-fixed", build([](struct spa_pod_builder *b) {
		return static_cast<struct spa_pod *>(spa_pod_builder_add_object(b,
			SPA_TYPE_OBJECT_Format, SPA_PARAM_EnumFormat,
			SPA_FORMAT_mediaType, SPA_POD_Id(SPA_MEDIA_TYPE_video),
			SPA_FORMAT_mediaSubtype, SPA_POD_Id(SPA_MEDIA_SUBTYPE_raw),
			SPA_FORMAT_VIDEO_format, SPA_POD_Id(SPA_VIDEO_FORMAT_NV12),
			V4L2_DMABUF_FORMAT_VIDEO_memoryPlanes, SPA_POD_Int(2),
			SPA_FORMAT_VIDEO_size, SPA_POD_Rectangle(rect(640, 480)),
			SPA_FORMAT_VIDEO_framerate, SPA_POD_Fraction(frac(30, 1))));
	})});
	out.push_back({"filter-step-size-enum-rates", build([](struct spa_pod_builder *b) {
		struct spa_rectangle def = SPA_RECTANGLE(640, 480), min = SPA_RECTANGLE(16, 16),
				     max = SPA_RECTANGLE(1920, 1080), step = SPA_RECTANGLE(16, 8);
		struct spa_fraction r30 = SPA_FRACTION(30, 1), r15 = SPA_FRACTION(15, 1);
		return static_cast<struct spa_pod *>(spa_pod_builder_add_object(b,
			SPA_TYPE_OBJECT_Format, SPA_PARAM_EnumFormat,
			SPA_FORMAT_mediaType, SPA_POD_Id(SPA_MEDIA_TYPE_video),
			SPA_FORMAT_mediaSubtype, SPA_POD_Id(SPA_MEDIA_SUBTYPE_raw),
			SPA_FORMAT_VIDEO_format, SPA_POD_CHOICE_ENUM_Id(2, SPA_VIDEO_FORMAT_YUY2,
				SPA_VIDEO_FORMAT_YUY2),
			SPA_FORMAT_VIDEO_size, SPA_POD_CHOICE_STEP_Rectangle(&def, &min, &max, &step),
			SPA_FORMAT_VIDEO_framerate, SPA_POD_CHOICE_ENUM_Fraction(3, &r30, &r30, &r15)));
	})});
	/* A DMA-BUF consumer: modifiers as an Enum of Long, flagged to not fixate. */
	out.push_back({"filter-modifier", build([](struct spa_pod_builder *b) {
		struct spa_pod_frame f, c;
		spa_pod_builder_push_object(b, &f, SPA_TYPE_OBJECT_Format, SPA_PARAM_EnumFormat);
		spa_pod_builder_add(b,
			SPA_FORMAT_mediaType, SPA_POD_Id(SPA_MEDIA_TYPE_video),
			SPA_FORMAT_mediaSubtype, SPA_POD_Id(SPA_MEDIA_SUBTYPE_raw),
			SPA_FORMAT_VIDEO_format, SPA_POD_Id(SPA_VIDEO_FORMAT_NV12), 0);
		spa_pod_builder_prop(b, SPA_FORMAT_VIDEO_modifier,
				     SPA_POD_PROP_FLAG_MANDATORY | kDontFixate);
		spa_pod_builder_push_choice(b, &c, SPA_CHOICE_Enum, 0);
		spa_pod_builder_long(b, 0);
		spa_pod_builder_long(b, 0);
		spa_pod_builder_long(b, 0x0100000000000001ll);
		spa_pod_builder_pop(b, &c);
		return static_cast<struct spa_pod *>(spa_pod_builder_pop(b, &f));
	})});
	out.push_back({"filter-mjpg", build([](struct spa_pod_builder *b) {
		return static_cast<struct spa_pod *>(spa_pod_builder_add_object(b,
			SPA_TYPE_OBJECT_Format, SPA_PARAM_EnumFormat,
			SPA_FORMAT_mediaType, SPA_POD_Id(SPA_MEDIA_TYPE_video),
			SPA_FORMAT_mediaSubtype, SPA_POD_Id(SPA_MEDIA_SUBTYPE_mjpg)));
	})});
	return out;
}

std::vector<NamedPod> clientFormats()
{
	std::vector<NamedPod> out;
	out.push_back({"client-format-nv12", build([](struct spa_pod_builder *b) {
		return static_cast<struct spa_pod *>(spa_pod_builder_add_object(b,
			SPA_TYPE_OBJECT_Format, SPA_PARAM_Format,
			SPA_FORMAT_mediaType, SPA_POD_Id(SPA_MEDIA_TYPE_video),
			SPA_FORMAT_mediaSubtype, SPA_POD_Id(SPA_MEDIA_SUBTYPE_raw),
			SPA_FORMAT_VIDEO_format, SPA_POD_Id(SPA_VIDEO_FORMAT_NV12),
			SPA_FORMAT_VIDEO_size, SPA_POD_Rectangle(rect(1280, 720)),
			SPA_FORMAT_VIDEO_framerate, SPA_POD_Fraction(frac(60, 1))));
	})});
	/* What a link leaves after filtering and fixating: None choices. */
	out.push_back({"client-format-fixated-choices", build([](struct spa_pod_builder *b) {
		struct spa_pod_frame f, c;
		spa_pod_builder_push_object(b, &f, SPA_TYPE_OBJECT_Format, SPA_PARAM_Format);
		spa_pod_builder_add(b,
			SPA_FORMAT_mediaType, SPA_POD_Id(SPA_MEDIA_TYPE_video),
			SPA_FORMAT_mediaSubtype, SPA_POD_Id(SPA_MEDIA_SUBTYPE_raw), 0);
		spa_pod_builder_prop(b, SPA_FORMAT_VIDEO_format, 0);
		spa_pod_builder_push_choice(b, &c, SPA_CHOICE_None, 0);
		spa_pod_builder_id(b, SPA_VIDEO_FORMAT_NV12);
		spa_pod_builder_pop(b, &c);
		spa_pod_builder_prop(b, V4L2_DMABUF_FORMAT_VIDEO_memoryPlanes, 0);
		spa_pod_builder_push_choice(b, &c, SPA_CHOICE_None, 0);
		spa_pod_builder_int(b, 2);
		spa_pod_builder_pop(b, &c);
		spa_pod_builder_prop(b, SPA_FORMAT_VIDEO_size, 0);
		spa_pod_builder_push_choice(b, &c, SPA_CHOICE_None, 0);
		spa_pod_builder_rectangle(b, 640, 480);
		spa_pod_builder_rectangle(b, 16, 16);
		spa_pod_builder_rectangle(b, 1920, 1080);
		spa_pod_builder_pop(b, &c);
		spa_pod_builder_add(b, SPA_FORMAT_VIDEO_framerate,
				    SPA_POD_Fraction(frac(30, 1)), 0);
		return static_cast<struct spa_pod *>(spa_pod_builder_pop(b, &f));
	})});
	out.push_back({"client-format-h264", build([](struct spa_pod_builder *b) {
		return static_cast<struct spa_pod *>(spa_pod_builder_add_object(b,
			SPA_TYPE_OBJECT_Format, SPA_PARAM_Format,
			SPA_FORMAT_mediaType, SPA_POD_Id(SPA_MEDIA_TYPE_video),
			SPA_FORMAT_mediaSubtype, SPA_POD_Id(SPA_MEDIA_SUBTYPE_h264),
			SPA_FORMAT_VIDEO_size, SPA_POD_Rectangle(rect(1920, 1080)),
			SPA_FORMAT_VIDEO_framerate, SPA_POD_Fraction(frac(30, 1))));
	})});
	return out;
}

std::vector<NamedPod> clientProps()
{
	std::vector<NamedPod> out;
	/* pw-cli set-param <id> Props '{ brightness: 200 }' */
	out.push_back({"client-props-brightness", build([](struct spa_pod_builder *b) {
		return static_cast<struct spa_pod *>(spa_pod_builder_add_object(b,
			SPA_TYPE_OBJECT_Props, SPA_PARAM_Props,
			SPA_PROP_brightness, SPA_POD_Int(200)));
	})});
	out.push_back({"client-props-io", build([](struct spa_pod_builder *b) {
		return static_cast<struct spa_pod *>(spa_pod_builder_add_object(b,
			SPA_TYPE_OBJECT_Props, SPA_PARAM_Props,
			SPA_PROP_device, SPA_POD_String("/dev/video0"),
			V4L2_DMABUF_PROP_ioMode, SPA_POD_String("userptr"),
			V4L2_DMABUF_PROP_allocator, SPA_POD_String("/dev/dri/renderD128")));
	})});
	/* Controls as None choices, a custom control, a Long and a Bool. */
	out.push_back({"client-props-choices", build([](struct spa_pod_builder *b) {
		struct spa_pod_frame f, c;
		spa_pod_builder_push_object(b, &f, SPA_TYPE_OBJECT_Props, SPA_PARAM_Props);
		spa_pod_builder_prop(b, SPA_PROP_contrast, 0);
		spa_pod_builder_push_choice(b, &c, SPA_CHOICE_None, 0);
		spa_pod_builder_int(b, 10);
		spa_pod_builder_pop(b, &c);
		spa_pod_builder_add(b,
			customControlPropId(0x0098f904), SPA_POD_Long(-5),
			customControlPropId(V4L2_CID_AUTOGAIN), SPA_POD_Bool(false),
			customControlPropId(0x0098f909), SPA_POD_Int(int32_t(0x80000000u)), 0);
		return static_cast<struct spa_pod *>(spa_pod_builder_pop(b, &f));
	})});
	/* What pw-cli and session managers put in Props besides: volumes, params. */
	out.push_back({"client-props-array-struct", build([](struct spa_pod_builder *b) {
		struct spa_pod_frame f, s;
		float volumes[2] = {0.5f, 1.0f};
		spa_pod_builder_push_object(b, &f, SPA_TYPE_OBJECT_Props, SPA_PARAM_Props);
		spa_pod_builder_prop(b, SPA_PROP_channelVolumes, 0);
		spa_pod_builder_array(b, sizeof(float), SPA_TYPE_Float, 2, volumes);
		spa_pod_builder_prop(b, SPA_PROP_params, 0);
		spa_pod_builder_push_struct(b, &s);
		spa_pod_builder_string(b, "api.v4l2.brightness");
		spa_pod_builder_int(b, 3);
		spa_pod_builder_string(b, "api.v4l2.gain");
		spa_pod_builder_double(b, 0.25);
		spa_pod_builder_pop(b, &s);
		spa_pod_builder_add(b, SPA_PROP_mute, SPA_POD_Bool(true), 0);
		return static_cast<struct spa_pod *>(spa_pod_builder_pop(b, &f));
	})});
	return out;
}

std::vector<NamedPod> otherPods()
{
	std::vector<NamedPod> out;
	out.push_back({"struct-every-type", build([](struct spa_pod_builder *b) {
		struct spa_pod_frame s, inner, seq;
		uint8_t bytes[5] = {1, 2, 3, 4, 5};
		int32_t ints[3] = {1, -2, 3};
		spa_pod_builder_push_struct(b, &s);
		spa_pod_builder_none(b);
		spa_pod_builder_bool(b, true);
		spa_pod_builder_id(b, SPA_PARAM_Props);
		spa_pod_builder_int(b, -1);
		spa_pod_builder_long(b, INT64_MIN);
		spa_pod_builder_float(b, 1.5f);
		spa_pod_builder_double(b, -2.25);
		spa_pod_builder_string(b, "a string");
		spa_pod_builder_string(b, "");
		spa_pod_builder_bytes(b, bytes, sizeof(bytes));
		spa_pod_builder_bytes(b, bytes, 0);
		spa_pod_builder_rectangle(b, 320, 240);
		spa_pod_builder_fraction(b, 30000, 1001);
		spa_pod_builder_array(b, sizeof(int32_t), SPA_TYPE_Int, 3, ints);
		spa_pod_builder_array(b, sizeof(int32_t), SPA_TYPE_Id, 0, nullptr);
		/* A fixed address: the corpus is the same on every run. */
		spa_pod_builder_pointer(b, SPA_TYPE_POINTER_Buffer, reinterpret_cast<const void *>(0x1000));
		spa_pod_builder_fd(b, 3);
		spa_pod_builder_push_struct(b, &inner);
		spa_pod_builder_push_struct(b, &seq);
		spa_pod_builder_pop(b, &seq);
		spa_pod_builder_add_object(b, SPA_TYPE_OBJECT_Props, SPA_PARAM_Props,
					   SPA_PROP_volume, SPA_POD_Float(0.5f));
		spa_pod_builder_pop(b, &inner);
		spa_pod_builder_push_sequence(b, &seq, 0);
		spa_pod_builder_control(b, 0, SPA_CONTROL_Properties);
		spa_pod_builder_add_object(b, SPA_TYPE_OBJECT_Props, SPA_PARAM_Props,
					   SPA_PROP_brightness, SPA_POD_Int(7));
		spa_pod_builder_control(b, 16, SPA_CONTROL_Midi);
		spa_pod_builder_bytes(b, bytes, 3);
		spa_pod_builder_pop(b, &seq);
		return static_cast<struct spa_pod *>(spa_pod_builder_pop(b, &s));
	})});
	out.push_back({"choice-flags-int", build([](struct spa_pod_builder *b) {
		struct spa_pod_frame c;
		spa_pod_builder_push_choice(b, &c, SPA_CHOICE_Flags, 0);
		spa_pod_builder_int(b, 3);
		spa_pod_builder_int(b, 1);
		spa_pod_builder_int(b, 2);
		return static_cast<struct spa_pod *>(spa_pod_builder_pop(b, &c));
	})});
	out.push_back({"string-top", build([](struct spa_pod_builder *b) {
		spa_pod_builder_string(b, "top");
		return static_cast<struct spa_pod *>(spa_pod_builder_deref(b, 0));
	})});
	return out;
}

} /* namespace v4l2dmabuf::fuzz */
