/* SPDX-License-Identifier: MIT */
/*
 * The plugin's factory names resolve without a main config: no stock
 * `context.spa-libs` regex of PipeWire or WirePlumber matches any of them
 * (PipeWire takes the first regex that matches, main config first, drop-ins
 * after: pw_context_find_spa_lib, src/pipewire/context.c, 0.3.65 to 1.6.8),
 * so the plugin's drop-in or the objects' `library.name` decides. Matching
 * is POSIX regexec with REG_EXTENDED | REG_NOSUB, unanchored, as there.
 *
 * Held against the tables of the versions users run (copied as data from
 * each version's shipped config) and against the config files installed on
 * the machine running the test (bookworm's, or trixie's in its root).
 */
#include "catch.h"

#include <regex.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <v4l2-dmabuf/keys.h>

#include "plugin_factory.h"

namespace {

/** The factory names the built module really offers, from spa_handle_factory_enum. */
std::vector<std::string> pluginFactoryNames()
{
	std::vector<std::string> names;
	void *dl = dlopen(V4L2_DMABUF_PLUGIN_PATH, RTLD_NOW);
	REQUIRE(dl != nullptr);
	auto enumFunc = reinterpret_cast<spa_handle_factory_enum_func_t>(
		dlsym(dl, SPA_HANDLE_FACTORY_ENUM_FUNC_NAME));
	REQUIRE(enumFunc != nullptr);
	const struct spa_handle_factory *f;
	for (uint32_t index = 0; enumFunc(&f, &index) > 0;)
		names.emplace_back(f->name);
	dlclose(dl);
	return names;
}

/** True when @p regex matches @p name the way pw_context_find_spa_lib tests it. */
bool pipewireMatches(const std::string &regex, const std::string &name)
{
	regex_t re;
	REQUIRE(regcomp(&re, regex.c_str(), REG_EXTENDED | REG_NOSUB) == 0);
	bool match = regexec(&re, name.c_str(), 0, nullptr, 0) == 0;
	regfree(&re);
	return match;
}

/**
 * The keys of the first `context.spa-libs = { ... }` section of an SPA-JSON
 * config file (one `regex = library` a line, as every shipped file has it).
 */
std::vector<std::string> spaLibRegexes(const std::string &path)
{
	std::ifstream in(path);
	std::vector<std::string> keys;
	bool inside = false;
	for (std::string line; std::getline(in, line);) {
		std::string code = line.substr(0, line.find('#'));
		std::istringstream words(code);
		std::string first;
		if (!(words >> first))
			continue;
		if (!inside) {
			inside = first == "context.spa-libs";
			continue;
		}
		if (first == "}")
			break;
		if (first != "{" && code.find('=') != std::string::npos)
			keys.push_back(first);
	}
	return keys;
}

struct StockTable {
	const char *version;
	std::vector<std::string> regexes;
};

/* src/daemon/pipewire.conf.in and WirePlumber's src/config/wireplumber.conf. */
const std::vector<StockTable> &stockTables()
{
	static const std::vector<std::string> pw065 = {"audio.convert.*", "avb.*", "api.alsa.*",
		"api.v4l2.*", "api.libcamera.*", "api.bluez5.*", "api.vulkan.*", "api.jack.*",
		"support.*"};
	static std::vector<std::string> pw14 = [] {
		std::vector<std::string> v = pw065;
		v.push_back("video.convert.*");
		return v;
	}();
	static const std::vector<std::string> wp = {"api.alsa.*", "api.bluez5.*", "api.v4l2.*",
		"api.libcamera.*", "audio.convert.*", "support.*"};
	static const std::vector<StockTable> tables = {
		{"PipeWire 0.3.65", pw065}, {"PipeWire 1.4.2", pw14}, {"PipeWire 1.6.8", pw14},
		{"WirePlumber 0.4.13", wp}, {"WirePlumber 0.5.8", wp},
	};
	return tables;
}

} // namespace

TEST_CASE("the module offers exactly the three public factories", "[plugin][names]")
{
	std::vector<std::string> names = pluginFactoryNames();
	CHECK(names == std::vector<std::string>{V4L2_DMABUF_FACTORY_SOURCE,
		V4L2_DMABUF_FACTORY_DEVICE, V4L2_DMABUF_FACTORY_UDEV});
	CHECK(std::string(V4L2_DMABUF_FACTORY_SOURCE) == "v4l2-dmabuf.source");
	CHECK(std::string(V4L2_DMABUF_FACTORY_DEVICE) == "v4l2-dmabuf.device");
	CHECK(std::string(V4L2_DMABUF_FACTORY_UDEV) == "v4l2-dmabuf.enum.udev");
}

TEST_CASE("the matcher behaves as PipeWire's", "[plugin][names]")
{
	// The reason for the rename: the stock regex is unanchored and `.` is any
	// character, so the old names went to PipeWire's own v4l2 plugin.
	CHECK(pipewireMatches("api.v4l2.*", "api.v4l2.source"));
	CHECK(pipewireMatches("api.v4l2.*", "api.v4l2-dmabuf.source"));
	CHECK(pipewireMatches("api.v4l2.*", "xapi_v4l2dmabuf"));
	CHECK_FALSE(pipewireMatches("api.v4l2.*", "api.libcamera.source"));
}

TEST_CASE("no stock context.spa-libs regex matches a factory name", "[plugin][names]")
{
	std::vector<std::string> names = pluginFactoryNames();
	REQUIRE(names.size() == 3);
	for (const StockTable &table : stockTables())
		for (const std::string &regex : table.regexes)
			for (const std::string &name : names) {
				INFO(table.version << ": " << regex << " against " << name);
				CHECK_FALSE(pipewireMatches(regex, name));
			}
}

TEST_CASE("no regex of the installed PipeWire and WirePlumber configs matches", "[plugin][names]")
{
	std::vector<std::string> names = pluginFactoryNames();
	for (const char *path : {"/usr/share/pipewire/pipewire.conf",
				 "/usr/share/wireplumber/wireplumber.conf"}) {
		std::vector<std::string> regexes = spaLibRegexes(path);
		INFO(path);
		// Installed by tools/setup on both userlands; an unreadable or
		// reshaped file must not pass as "nothing matched".
		REQUIRE(regexes.size() >= 5);
		CHECK(std::find(regexes.begin(), regexes.end(), "api.v4l2.*") != regexes.end());
		for (const std::string &regex : regexes)
			for (const std::string &name : names) {
				INFO(regex << " against " << name);
				CHECK_FALSE(pipewireMatches(regex, name));
			}
	}
}

TEST_CASE("the plugin's drop-in maps its names and nobody else's", "[plugin][names]")
{
	std::vector<std::string> regexes = spaLibRegexes(V4L2_DMABUF_DROPIN_PATH);
	REQUIRE(regexes.size() == 1);
	for (const std::string &name : pluginFactoryNames())
		CHECK(pipewireMatches(regexes[0], name));
	for (const char *stock : {"api.v4l2.source", "api.v4l2.device", "api.v4l2.enum.udev",
				  "api.libcamera.source", "support.node.driver", "video.convert.dummy"})
		CHECK_FALSE(pipewireMatches(regexes[0], stock));
}

TEST_CASE("library.name names the built module's place under the SPA plugin dir", "[plugin][names]")
{
	// PipeWire loads <SPA_PLUGIN_DIR>/<library.name>.so (pw_load_spa_handle).
	std::string path = V4L2_DMABUF_PLUGIN_PATH;
	std::string tail = std::string("/") + V4L2_DMABUF_LIBRARY_NAME + ".so";
	REQUIRE(path.size() > tail.size());
	CHECK(path.compare(path.size() - tail.size(), tail.size(), tail) == 0);
}
