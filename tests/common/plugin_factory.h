/* SPDX-License-Identifier: MIT */
#pragma once

#include <dlfcn.h>

#include <cerrno>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include <spa/support/plugin.h>
#include <spa/utils/string.h>

/**
 * Finds factory @p name in the SPA plugin at @p path the way PipeWire does:
 * dlopen(), then spa_handle_factory_enum. For the tests that host the
 * plugin's objects without a daemon. On return *@p dl holds the library
 * (the caller dlclose()s it, also on failure when it is not null).
 * @return 0 with *@p factory set; -ENOENT no library or no such factory;
 * -ENOSYS no spa_handle_factory_enum in it.
 */
inline int findPluginFactory(const char *path, const char *name, void **dl,
			     const struct spa_handle_factory **factory)
{
	*factory = nullptr;
	*dl = dlopen(path, RTLD_NOW);
	if (!*dl)
		return -ENOENT;
	auto enumFunc = reinterpret_cast<spa_handle_factory_enum_func_t>(
		dlsym(*dl, SPA_HANDLE_FACTORY_ENUM_FUNC_NAME));
	if (!enumFunc)
		return -ENOSYS;
	for (uint32_t index = 0;;) {
		const struct spa_handle_factory *f;
		if (enumFunc(&f, &index) <= 0)
			break;
		if (spa_streq(f->name, name))
			*factory = f;
	}
	return *factory ? 0 : -ENOENT;
}

/**
 * Allocates and initialises a handle of @p factory with the properties
 * @p props and the host interfaces @p support (@p nSupport of them).
 * @return 0 with *@p handle set (spa_handle_clear() then free() it), or the
 * factory's negative errno with nothing allocated.
 */
inline int initPluginHandle(const struct spa_handle_factory *factory,
			    const std::map<std::string, std::string> &props,
			    const struct spa_support *support, uint32_t nSupport,
			    struct spa_handle **handle)
{
	std::vector<struct spa_dict_item> items;
	for (const auto &[key, value] : props)
		items.push_back(SPA_DICT_ITEM_INIT(key.c_str(), value.c_str()));
	struct spa_dict dict = SPA_DICT_INIT(items.data(), uint32_t(items.size()));
	auto *h = static_cast<struct spa_handle *>(calloc(1, spa_handle_factory_get_size(factory, &dict)));
	if (!h)
		return -ENOMEM;
	int ret = spa_handle_factory_init(factory, h, &dict, support, nSupport);
	if (ret < 0) {
		free(h);
		return ret;
	}
	*handle = h;
	return 0;
}
