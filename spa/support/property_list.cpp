/* SPDX-License-Identifier: MIT */
#include "property_list.h"

#include <spa/utils/keys.h>

#include <v4l2-dmabuf/keys.h>

#include <cstdio>
#include <cstring>

namespace v4l2dmabuf {

void PropertyList::set(const std::string &key, const std::string &value)
{
	if (value.empty())
		return;
	for (Item &item : items_) {
		if (item.first == key) {
			item.second = value;
			return;
		}
	}
	items_.emplace_back(key, value);
}

const std::string *PropertyList::get(const std::string &key) const
{
	for (const Item &item : items_)
		if (item.first == key)
			return &item.second;
	return nullptr;
}

SpaDict::SpaDict(const PropertyList &props)
{
	for (const auto &[key, value] : props.items())
		items_.push_back(SPA_DICT_ITEM_INIT(key.c_str(), value.c_str()));
	dict_ = SPA_DICT_INIT(items_.data(), static_cast<uint32_t>(items_.size()));
}

std::string formatKernelVersion(uint32_t version)
{
	char text[16];
	snprintf(text, sizeof(text), "%u.%u.%u", (version >> 16) & 0xff, (version >> 8) & 0xff,
		 version & 0xff);
	return text;
}

std::string formatCapabilityMask(uint32_t caps)
{
	return hex32(caps);
}

void setCapabilityProperties(PropertyList *props, const V4l2Capability &caps)
{
	props->set(SPA_KEY_API_V4L2_CAP_DRIVER, caps.driver);
	props->set(SPA_KEY_API_V4L2_CAP_CARD, caps.card);
	props->set(SPA_KEY_API_V4L2_CAP_BUS_INFO, caps.busInfo);
	props->set(SPA_KEY_API_V4L2_CAP_VERSION, formatKernelVersion(caps.version));
	props->set(SPA_KEY_API_V4L2_CAP_CAPABILITIES, formatCapabilityMask(caps.capabilities));
	props->set(SPA_KEY_API_V4L2_CAP_DEVICE_CAPS, formatCapabilityMask(caps.deviceCaps));
}

std::vector<std::pair<std::string, std::string>> retiredKeys(const struct spa_dict *info)
{
	static constexpr char kPrefix[] = V4L2_DMABUF_RETIRED_PREFIX;
	static constexpr size_t kApi = sizeof("api.") - 1;
	std::vector<std::pair<std::string, std::string>> found;
	if (!info)
		return found;
	const struct spa_dict_item *item;
	spa_dict_for_each(item, info) {
		if (item->key && std::strncmp(item->key, kPrefix, sizeof(kPrefix) - 1) == 0)
			found.emplace_back(item->key, item->key + kApi);
	}
	return found;
}

} /* namespace v4l2dmabuf */
