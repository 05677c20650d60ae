/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * Object properties as the plugin builds them (ordered key/value strings)
 * and as SPA hands them over (struct spa_dict), and the VIDIOC_QUERYCAP
 * keys every object of the plugin carries. No ioctl, no loop.
 */

#include <spa/utils/dict.h>

#include <string>
#include <utility>
#include <vector>

#include "v4l2_device.h"

namespace v4l2dmabuf {

/** Ordered key/value pairs; a later set() of a key replaces the earlier value. */
class PropertyList
{
public:
	using Item = std::pair<std::string, std::string>;

	/** Sets @p key to @p value; an empty @p value removes nothing and adds nothing. */
	void set(const std::string &key, const std::string &value);
	/** The value of @p key, or nullptr. */
	const std::string *get(const std::string &key) const;
	const std::vector<Item> &items() const { return items_; }
	bool empty() const { return items_.empty(); }

private:
	std::vector<Item> items_;
};

/**
 * A struct spa_dict over a PropertyList, for emitting info: points into
 * the list, which must outlive it and stay unchanged while it is used.
 */
class SpaDict
{
public:
	explicit SpaDict(const PropertyList &props);
	SpaDict(const SpaDict &) = delete;
	SpaDict &operator=(const SpaDict &) = delete;

	struct spa_dict *get() { return &dict_; }

private:
	std::vector<struct spa_dict_item> items_;
	struct spa_dict dict_;
};

/**
 * The keys of @p info (may be null) that carry the retired prefix
 * V4L2_DMABUF_RETIRED_PREFIX of include/v4l2-dmabuf/keys.h, each paired
 * with the key that replaced it (the same name without `api.`). The plugin
 * ignores them; callers log one warning each.
 */
std::vector<std::pair<std::string, std::string>> retiredKeys(const struct spa_dict *info);

/** KERNEL_VERSION() as "major.minor.patch" (api.v4l2.cap.version). */
std::string formatKernelVersion(uint32_t version);

/** A capability mask as "0x%08x" (api.v4l2.cap.capabilities, .device-caps). */
std::string formatCapabilityMask(uint32_t caps);

/**
 * Sets the `api.v4l2.cap.*` keys of spa/utils/keys.h (driver, card,
 * bus-info, version, capabilities, device-caps) from @p caps, as PipeWire's
 * own v4l2 objects carry them.
 */
void setCapabilityProperties(PropertyList *props, const V4l2Capability &caps);

} /* namespace v4l2dmabuf */
