/* SPDX-License-Identifier: MIT */
#include "create_node.h"

#include <vector>

#include <pipewire/pipewire.h>

namespace {

struct Wait {
	pw_main_loop *loop;
	int syncSeq = -1;
	CreateNodeResult result;
};

void onError(void *data, uint32_t id, int seq, int res, const char *message)
{
	auto *w = static_cast<Wait *>(data);
	w->result.res = res;
	w->result.message = message ? message : "";
	pw_main_loop_quit(w->loop);
}

void onDone(void *data, uint32_t id, int seq)
{
	auto *w = static_cast<Wait *>(data);
	if (id == PW_ID_CORE && seq == w->syncSeq)
		pw_main_loop_quit(w->loop);
}

} /* namespace */

CreateNodeResult createNode(const std::map<std::string, std::string> &props)
{
	pw_init(nullptr, nullptr);
	Wait w;
	w.loop = pw_main_loop_new(nullptr);
	pw_context *context = pw_context_new(pw_main_loop_get_loop(w.loop), nullptr, 0);
	pw_core *core = pw_context_connect(context, nullptr, 0);
	if (!core) {
		w.result.res = -ECONNREFUSED;
		w.result.message = "no PipeWire daemon";
	} else {
		pw_core_events events = {};
		events.version = PW_VERSION_CORE_EVENTS;
		events.error = onError;
		events.done = onDone;
		spa_hook listener = {};
		pw_core_add_listener(core, &listener, &events, &w);

		std::vector<spa_dict_item> items;
		for (const auto &p : props)
			items.push_back(SPA_DICT_ITEM_INIT(p.first.c_str(), p.second.c_str()));
		spa_dict dict = SPA_DICT_INIT(items.data(), uint32_t(items.size()));
		auto *proxy = static_cast<pw_proxy *>(pw_core_create_object(core, "spa-node-factory",
			PW_TYPE_INTERFACE_Node, PW_VERSION_NODE, &dict, 0));
		w.syncSeq = pw_core_sync(core, PW_ID_CORE, 0);
		pw_main_loop_run(w.loop);
		w.result.created = w.result.res == 0;
		if (proxy)
			pw_proxy_destroy(proxy);
		spa_hook_remove(&listener);
		pw_core_disconnect(core);
	}
	pw_context_destroy(context);
	pw_main_loop_destroy(w.loop);
	return w.result;
}
