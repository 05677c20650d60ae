/* SPDX-License-Identifier: MIT */
#include "v4l2_device_object.h"
#include "spa_device_methods.h"
#include "spa_log_sink.h"
#include "v4l2-dmabuf/keys.h"

#include <cerrno>
#include <vector>

#include <spa/monitor/utils.h>
#include <spa/node/node.h>
#include <spa/utils/keys.h>
#include <spa/utils/result.h>

#include "format_table.h"
#include "v4l2_device.h"

namespace v4l2dmabuf {

namespace {

/*
 * Whether libv4l2 emulates, for the device at @p path, a format this plugin
 * can offer (what a node in io-mode convert would offer).
 */
bool libv4l2Converts(const std::string &path, const LogSink &sink)
{
	V4l2Device v4l2;
	v4l2.setLogSink(sink);
	if (v4l2.open(path, V4l2Access::Libv4l2) < 0)
		return false;
	for (const V4l2FormatDesc &d : v4l2.enumFormats())
		if ((d.flags & V4L2_FMT_FLAG_EMULATED) && findFormatByV4l2(d.fourcc))
			return true;
	return false;
}

void emitNodeObject(struct spa_hook_list *hooks, uint32_t id, const PropertyList &props)
{
	SpaDict dict(props);
	struct spa_device_object_info object = SPA_DEVICE_OBJECT_INFO_INIT();
	object.type = SPA_TYPE_INTERFACE_Node;
	object.factory_name = V4L2_DMABUF_FACTORY_SOURCE;
	object.change_mask = SPA_DEVICE_OBJECT_CHANGE_MASK_FLAGS | SPA_DEVICE_OBJECT_CHANGE_MASK_PROPS;
	object.props = dict.get();
	spa_device_emit_object_info(hooks, id, &object);
}

} /* namespace */

V4l2DeviceObject::V4l2DeviceObject()
{
	bindSpaDevice(&device_, this);
	spa_hook_list_init(&hooks_);
}

int V4l2DeviceObject::init(const struct spa_dict *info, const struct spa_support *support,
			   uint32_t nSupport)
{
	log_ = static_cast<struct spa_log *>(spa_support_find(support, nSupport, SPA_TYPE_INTERFACE_Log));
	const char *path = info ? spa_dict_lookup(info, SPA_KEY_API_V4L2_PATH) : nullptr;
	if (path == nullptr || *path == '\0') {
		spa_log_error(log_, "v4l2-dmabuf device: property %s is required", SPA_KEY_API_V4L2_PATH);
		return -EINVAL;
	}
	path_ = path;
	const struct spa_dict_item *item;
	spa_dict_for_each(item, info)
		given_.set(item->key, item->value ? item->value : "");
	return 0;
}

int V4l2DeviceObject::addListener(struct spa_hook *listener, const struct spa_device_events *events,
				  void *data)
{
	V4l2Device v4l2;
	v4l2.setLogSink(spaLogSink(log_, SinkLevels::ErrorsOnly));
	int ret = v4l2.open(path_);
	if (ret < 0) {
		spa_log_error(log_, "%s: cannot open as a capture device: %s", path_.c_str(),
			      spa_strerror(ret));
		return ret;
	}
	PropertyList deviceProps = deviceInfoProperties(given_, path_, v4l2.capability());
	PropertyList sourceProps = sourceObjectProperties(deviceProps);
	v4l2.close();
	/* Opt-in: a second node with libv4l2's emulated formats, when it has any. */
	bool convert = wantsConvert(given_) && libv4l2Converts(path_, v4l2.logSink());
	if (wantsConvert(given_) && !convert)
		spa_log_info(log_, "%s: v4l2-dmabuf.convert: libv4l2 emulates no format for it, "
			     "no converting node", path_.c_str());

	struct spa_hook_list save;
	spa_hook_list_isolate(&hooks_, &save, listener, events, data);

	SpaDict deviceDict(deviceProps);
	struct spa_device_info info = SPA_DEVICE_INFO_INIT();
	info.change_mask = SPA_DEVICE_CHANGE_MASK_FLAGS | SPA_DEVICE_CHANGE_MASK_PROPS;
	info.props = deviceDict.get();
	spa_device_emit_info(&hooks_, &info);

	emitNodeObject(&hooks_, 0, sourceProps);
	if (convert)
		emitNodeObject(&hooks_, 1, convertObjectProperties(sourceProps));

	spa_hook_list_join(&hooks_, &save);
	spa_log_info(log_, "%s: device with source %s%s", path_.c_str(),
		     sourceProps.get("node.name")->c_str(), convert ? " and a converting node" : "");
	return 0;
}

int V4l2DeviceObject::sync(int seq)
{
	spa_device_emit_result(&hooks_, seq, 0, 0, nullptr);
	return 0;
}

} /* namespace v4l2dmabuf */
