/* SPDX-License-Identifier: MIT */
/*
 * portal-registry: watches what a PipeWire connection handed over as a file
 * descriptor can see, e.g. the remote the Camera portal's OpenPipeWireRemote
 * returns. pw-cli and pw-dump cannot take an fd, hence this.
 *
 * Usage: portal-registry --fd N [--timeout SECONDS]
 *
 * Connects over fd N (pw_context_connect_fd; PipeWire closes it), binds the
 * registry and prints one JSON object per line on stdout, as things happen:
 *   {"event": "global", "id", "type", "version", "permissions" ("rwxm",
 *    "-" where a bit is missing), "props": {...}}   (again when permissions change)
 *   {"event": "remove", "id"}
 *   {"event": "synced"}          the first core sync: the initial globals are in
 *   {"event": "error", "message"} a core error
 *   {"event": "end", "reason"}   "stdin closed", "timeout" or "error"
 * and runs until stdin reaches EOF, a core error, or the timeout (default 120 s).
 * Exit status: 0 when it ended by stdin closing, 1 otherwise, 2 on bad usage.
 */
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <pipewire/pipewire.h>
#include <spa/utils/result.h>

#include "summary.h" /* jsonString */

using v4l2dmabuf::capture::jsonString;

namespace {

struct State {
	pw_main_loop *loop = nullptr;
	int syncSeq = -1;
	std::string endReason;
};

void end(State *st, const char *reason)
{
	if (st->endReason.empty())
		st->endReason = reason;
	pw_main_loop_quit(st->loop);
}

std::string permissionLetters(uint32_t p)
{
	std::string s;
	s += (p & PW_PERM_R) ? 'r' : '-';
	s += (p & PW_PERM_W) ? 'w' : '-';
	s += (p & PW_PERM_X) ? 'x' : '-';
	s += (p & PW_PERM_M) ? 'm' : '-';
	return s;
}

void onGlobal(void *, uint32_t id, uint32_t permissions, const char *type, uint32_t version,
	      const spa_dict *props)
{
	std::string line = "{\"event\": \"global\", \"id\": " + std::to_string(id) +
			   ", \"type\": " + jsonString(type ? type : "") +
			   ", \"version\": " + std::to_string(version) +
			   ", \"permissions\": \"" + permissionLetters(permissions) + "\", \"props\": {";
	if (props) {
		const char *sep = "";
		const spa_dict_item *item;
		spa_dict_for_each(item, props) {
			line += sep + jsonString(item->key) + ": " + jsonString(item->value ? item->value : "");
			sep = ", ";
		}
	}
	line += "}}\n";
	fputs(line.c_str(), stdout);
	fflush(stdout);
}

void onGlobalRemove(void *, uint32_t id)
{
	printf("{\"event\": \"remove\", \"id\": %u}\n", id);
	fflush(stdout);
}

void onDone(void *data, uint32_t id, int seq)
{
	auto *st = static_cast<State *>(data);
	if (id == PW_ID_CORE && seq == st->syncSeq) {
		printf("{\"event\": \"synced\"}\n");
		fflush(stdout);
	}
}

void onError(void *data, uint32_t id, int, int res, const char *message)
{
	auto *st = static_cast<State *>(data);
	std::string what = std::string(message ? message : "") + " (" + spa_strerror(res) + ")";
	printf("{\"event\": \"error\", \"id\": %u, \"message\": %s}\n", id, jsonString(what).c_str());
	fflush(stdout);
	if (id == PW_ID_CORE)
		end(st, "error");
}

[[noreturn]] void usage(const char *argv0)
{
	fprintf(stderr, "usage: %s --fd N [--timeout SECONDS]\n", argv0);
	exit(2);
}

long number(const char *s, long max, const char *argv0)
{
	char *e = nullptr;
	long v = strtol(s, &e, 10);
	if (!*s || *e || v < 0 || v > max)
		usage(argv0);
	return v;
}

} /* namespace */

int main(int argc, char **argv)
{
	int fd = -1;
	long timeoutSeconds = 120;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--fd") == 0 && i + 1 < argc)
			fd = int(number(argv[++i], 65535, argv[0]));
		else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc)
			timeoutSeconds = number(argv[++i], 86400, argv[0]);
		else
			usage(argv[0]);
	}
	if (fd < 0 || timeoutSeconds == 0)
		usage(argv[0]);

	pw_init(&argc, &argv);
	State st;
	st.loop = pw_main_loop_new(nullptr);
	pw_loop *l = pw_main_loop_get_loop(st.loop);
	pw_context *context = pw_context_new(l, nullptr, 0);
	if (!context) {
		printf("{\"event\": \"error\", \"message\": %s}\n",
		       jsonString(std::string("cannot create a context: ") + strerror(errno)).c_str());
		return 1;
	}
	pw_properties *props = pw_properties_new(PW_KEY_APP_NAME, "v4l2-dmabuf-portal-registry", nullptr);
	pw_core *core = pw_context_connect_fd(context, fd, props, 0);
	if (!core) {
		printf("{\"event\": \"error\", \"message\": %s}\n",
		       jsonString("cannot connect over fd " + std::to_string(fd) + ": " + strerror(errno)).c_str());
		return 1;
	}

	static const pw_core_events coreEvents = [] {
		pw_core_events e{};
		e.version = PW_VERSION_CORE_EVENTS;
		e.done = onDone;
		e.error = onError;
		return e;
	}();
	static const pw_registry_events registryEvents = [] {
		pw_registry_events e{};
		e.version = PW_VERSION_REGISTRY_EVENTS;
		e.global = onGlobal;
		e.global_remove = onGlobalRemove;
		return e;
	}();
	spa_hook coreListener{}, registryListener{};
	pw_core_add_listener(core, &coreListener, &coreEvents, &st);
	pw_registry *registry = pw_core_get_registry(core, PW_VERSION_REGISTRY, 0);
	pw_registry_add_listener(registry, &registryListener, &registryEvents, &st);
	st.syncSeq = pw_core_sync(core, PW_ID_CORE, 0);

	spa_source *input = pw_loop_add_io(l, STDIN_FILENO, SPA_IO_IN | SPA_IO_HUP | SPA_IO_ERR, false,
		[](void *data, int fd, uint32_t) {
			char buf[256];
			ssize_t n = read(fd, buf, sizeof(buf));
			if (n <= 0 && !(n < 0 && errno == EINTR))
				end(static_cast<State *>(data), "stdin closed");
		}, &st);
	spa_source *timer = pw_loop_add_timer(l, [](void *data, uint64_t) {
		end(static_cast<State *>(data), "timeout");
	}, &st);
	timespec timeout{time_t(timeoutSeconds), 0};
	pw_loop_update_timer(l, timer, &timeout, nullptr, false);

	pw_main_loop_run(st.loop);
	printf("{\"event\": \"end\", \"reason\": %s}\n", jsonString(st.endReason).c_str());
	fflush(stdout);

	pw_loop_destroy_source(l, timer);
	pw_loop_destroy_source(l, input);
	spa_hook_remove(&registryListener);
	spa_hook_remove(&coreListener);
	pw_proxy_destroy(reinterpret_cast<pw_proxy *>(registry));
	pw_core_disconnect(core);
	pw_context_destroy(context);
	pw_main_loop_destroy(st.loop);
	pw_deinit();
	return st.endReason == "stdin closed" ? 0 : 1;
}
