/* SPDX-License-Identifier: MIT */
/*
 * A hostile PipeWire client (issue 10 item 6), run in the test VM inside
 * tests/vm/guest-session against a real daemon:
 *
 *   hostile-client --target NODE_NAME [--mutations N] [--seed S] [--batch B]
 *                  [--frames F] [--streams N] [--warm-port-cache]
 *                  [--with-daemon-bugs] [--phases LIST]
 *
 * Binds the node called NODE_NAME and its output port, then sends, in order:
 *  1. crafted Props (pw_node_set_param): the 48-byte message of issue 10,
 *     Choices with no values or lying counts, strings without NUL, devices
 *     and allocators that are not what they claim (pod_mutator.cpp);
 *  2. crafted filters to pw_node_enum_params and pw_port_enum_params;
 *  3. N/5 seeded mutants of the port's real EnumFormat as filters;
 *  4. N seeded mutants of the node's real Props (and of the crafted ones)
 *     through pw_node_set_param;
 *  5. consumer streams (child processes, pw_stream) whose EnumFormat is
 *     crafted (empty Enum, 65535x65535, 0x0, framerate 0/0, size as an Int,
 *     absurd custom keys) or (--streams N) a mutant of the node's real
 *     EnumFormat; the crafted PODs known to hang or crash PipeWire's own
 *     code whatever the node only with --with-daemon-bugs (README.md);
 * then puts the node's original Props back, one property at a time (a
 * mutant may have set a real vivid control to a valid value), checks that
 * the daemon is the same process (V4L2_DMABUF_PIPEWIRE_PID) and answers,
 * and captures F frames from the node with an ordinary consumer
 * (CaptureSession). A round trip follows every B messages: when the daemon
 * dies, the messages of the last batch are printed in hex.
 *
 * --phases (default all): props, node-filters, port-filters, streams,
 * capture; without capture the node is asked for its formats instead.
 * --warm-port-cache: the first EnumFormat request is the one after which
 * the daemon caches the port's params (see main()).
 * N defaults to $V4L2_DMABUF_HOSTILE_MUTATIONS, else 2000; the seed to the
 * time; both are printed. Exit status 0 when the daemon stayed up and the
 * frames arrived, 1 otherwise, 2 on a usage or set-up error.
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include <pipewire/pipewire.h>
#include <spa/param/param.h>
#include <spa/param/props.h>
#include <spa/param/video/format.h>
#include <spa/pod/iter.h>
#include <spa/utils/result.h>

#include "capture_session.h"
#include "pod_mutator.h"

using hostile::Crafted;
using hostile::Mutator;
using hostile::PodWords;

namespace {

double now()
{
	timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

std::string hex(const PodWords &w)
{
	std::string s;
	char buf[12];
	for (size_t i = 0; i < w.size() && i < 64; i++) {
		snprintf(buf, sizeof(buf), "%08x ", w[i]);
		s += buf;
	}
	if (w.size() > 64)
		s += "...";
	return s;
}

/* One connection to the daemon, bound to the target node and its output port. */
struct Client {
	pw_main_loop *mainLoop = nullptr;
	pw_loop *loop = nullptr;
	pw_context *context = nullptr;
	pw_core *core = nullptr;
	pw_registry *registry = nullptr;
	pw_proxy *node = nullptr;
	pw_proxy *port = nullptr;
	spa_hook coreListener{}, registryListener{}, nodeListener{}, portListener{};

	std::string target;
	uint32_t nodeId = SPA_ID_INVALID, portId = SPA_ID_INVALID;
	int syncSeq = -1;
	bool synced = false;
	bool disconnected = false;
	uint64_t errors = 0;      /* error events on the node or port */
	std::string lastError;
	uint64_t paramsReceived = 0;
	bool record = false;      /* keep the params that arrive */
	std::vector<PodWords> props, portFormats;

	~Client()
	{
		if (port)
			pw_proxy_destroy(port);
		if (node)
			pw_proxy_destroy(node);
		if (registry)
			pw_proxy_destroy(reinterpret_cast<pw_proxy *>(registry));
		if (core)
			pw_core_disconnect(core);
		if (context)
			pw_context_destroy(context);
		if (loop)
			pw_loop_leave(loop);
		if (mainLoop)
			pw_main_loop_destroy(mainLoop);
	}

	static void onCoreDone(void *data, uint32_t id, int seq)
	{
		auto *c = static_cast<Client *>(data);
		if (id == PW_ID_CORE && seq == c->syncSeq)
			c->synced = true;
	}
	static void onCoreError(void *data, uint32_t id, int seq, int res, const char *message)
	{
		(void)seq;
		auto *c = static_cast<Client *>(data);
		if (id == PW_ID_CORE && res == -EPIPE) {
			c->disconnected = true;
			c->lastError = message ? message : "";
			return;
		}
		c->errors++;
		c->lastError = message ? message : "";
	}
	static void onGlobal(void *data, uint32_t id, uint32_t permissions, const char *type, uint32_t version,
			     const spa_dict *props)
	{
		(void)permissions;
		(void)version;
		auto *c = static_cast<Client *>(data);
		if (!props)
			return;
		if (strcmp(type, PW_TYPE_INTERFACE_Node) == 0) {
			const char *name = spa_dict_lookup(props, PW_KEY_NODE_NAME);
			if (name && c->target == name)
				c->nodeId = id;
		} else if (strcmp(type, PW_TYPE_INTERFACE_Port) == 0) {
			const char *nodeId = spa_dict_lookup(props, PW_KEY_NODE_ID);
			const char *dir = spa_dict_lookup(props, PW_KEY_PORT_DIRECTION);
			if (nodeId && c->nodeId != SPA_ID_INVALID && uint32_t(atoi(nodeId)) == c->nodeId &&
			    dir && strcmp(dir, "out") == 0)
				c->portId = id;
		}
	}
	/* A node or port param: counted; recorded into @p Into when it is an @p Id and recording. */
	template<uint32_t Id, std::vector<PodWords> Client::*Into>
	static void onParam(void *data, int, uint32_t id, uint32_t, uint32_t, const spa_pod *param)
	{
		auto *c = static_cast<Client *>(data);
		c->paramsReceived++;
		if (c->record && param && id == Id)
			(c->*Into).push_back(hostile::toWords(param));
	}

	/* Iterates the loop until @p done or @p seconds passed; false on timeout or disconnect. */
	bool iterateUntil(const std::function<bool()> &done, double seconds)
	{
		double end = now() + seconds;
		while (!done()) {
			if (disconnected || now() > end)
				return false;
			pw_loop_iterate(loop, 50);
		}
		return !disconnected;
	}

	/* A core round trip: every message sent before it was handled. */
	bool roundtrip(double seconds = 30)
	{
		if (disconnected)
			return false;
		synced = false;
		syncSeq = pw_core_sync(core, PW_ID_CORE, 0);
		return iterateUntil([this] { return synced; }, seconds);
	}

	/* Connects, waits for the node and its output port, binds both. 0 or a negative errno. */
	int connect(double seconds)
	{
		static const pw_core_events coreEvents = {
			.version = PW_VERSION_CORE_EVENTS, .done = onCoreDone, .error = onCoreError};
		static const pw_registry_events registryEvents = {.version = PW_VERSION_REGISTRY_EVENTS,
								   .global = onGlobal};
		static const pw_node_events nodeEvents = {.version = PW_VERSION_NODE_EVENTS, .param = onParam<SPA_PARAM_Props, &Client::props>};
		static const pw_port_events portEvents = {.version = PW_VERSION_PORT_EVENTS, .param = onParam<SPA_PARAM_EnumFormat, &Client::portFormats>};

		mainLoop = pw_main_loop_new(nullptr);
		if (!mainLoop)
			return -errno;
		loop = pw_main_loop_get_loop(mainLoop);
		pw_loop_enter(loop);
		context = pw_context_new(loop, nullptr, 0);
		if (!context)
			return -errno;
		core = pw_context_connect(context, nullptr, 0);
		if (!core)
			return -errno;
		pw_core_add_listener(core, &coreListener, &coreEvents, this);
		registry = pw_core_get_registry(core, PW_VERSION_REGISTRY, 0);
		pw_registry_add_listener(registry, &registryListener, &registryEvents, this);
		if (!iterateUntil([this] { return nodeId != SPA_ID_INVALID && portId != SPA_ID_INVALID; }, seconds)) {
			fprintf(stderr, "hostile: node '%s' or its output port not found\n", target.c_str());
			return -ENOENT;
		}
		node = static_cast<pw_proxy *>(pw_registry_bind(registry, nodeId, PW_TYPE_INTERFACE_Node,
								PW_VERSION_NODE, 0));
		port = static_cast<pw_proxy *>(pw_registry_bind(registry, portId, PW_TYPE_INTERFACE_Port,
								PW_VERSION_PORT, 0));
		if (!node || !port)
			return -errno;
		pw_proxy_add_object_listener(node, &nodeListener, &nodeEvents, this);
		pw_proxy_add_object_listener(port, &portListener, &portEvents, this);
		return roundtrip() ? 0 : -EPIPE;
	}

	void setProps(const spa_pod *pod)
	{
		pw_node_set_param(reinterpret_cast<pw_node *>(node), SPA_PARAM_Props, 0, pod);
	}
	void enumNode(uint32_t id, const spa_pod *filter, uint32_t num = UINT32_MAX)
	{
		pw_node_enum_params(reinterpret_cast<pw_node *>(node), 0, id, 0, num, filter);
	}
	void enumPort(uint32_t id, const spa_pod *filter, uint32_t num = UINT32_MAX)
	{
		pw_port_enum_params(reinterpret_cast<pw_port *>(port), 0, id, 0, num, filter);
	}
};

struct Options {
	std::string target;
	uint64_t mutations = 2000;
	uint64_t seed = 0;
	unsigned batch = 16;
	uint64_t frames = 30;
	unsigned streams = 0; /* mutated consumer streams, besides the crafted ones */
	bool daemonBugs = false; /* also the streams that break PipeWire's own code */
	std::string streamFile; /* child mode */
	bool warmPortCache = false;
	std::string phases = "props,node-filters,port-filters,streams,capture";
	bool has(const char *phase) const { return ("," + phases + ",").find(std::string(",") + phase + ",") != std::string::npos; }
};

/* The daemon is still the process the session started. */
bool daemonAlive(pid_t pid)
{
	return pid <= 0 || kill(pid, 0) == 0;
}

/* ---- child: one consumer stream with the EnumFormat params of a file ---- */

struct StreamChild {
	pw_stream *stream = nullptr;
	spa_hook listener{};
	pw_stream_state state = PW_STREAM_STATE_UNCONNECTED;
	std::string error;
	uint64_t frames = 0;
	bool formatSeen = false;

	static void onState(void *data, pw_stream_state, pw_stream_state state, const char *error)
	{
		auto *s = static_cast<StreamChild *>(data);
		s->state = state;
		if (error)
			s->error = error;
	}
	static void onParam(void *data, uint32_t id, const spa_pod *param)
	{
		auto *s = static_cast<StreamChild *>(data);
		if (id == SPA_PARAM_Format && param)
			s->formatSeen = true;
	}
	static void onProcess(void *data)
	{
		auto *s = static_cast<StreamChild *>(data);
		pw_buffer *b = pw_stream_dequeue_buffer(s->stream);
		if (b) {
			s->frames++;
			pw_stream_queue_buffer(s->stream, b);
		}
	}
};

/* Reads PODs (u32 word count, then the words) from @p path. */
std::vector<PodWords> readPods(const std::string &path)
{
	std::vector<PodWords> pods;
	std::ifstream in(path, std::ios::binary);
	uint32_t n;
	while (in.read(reinterpret_cast<char *>(&n), 4)) {
		PodWords w(n);
		in.read(reinterpret_cast<char *>(w.data()), n * 4);
		pods.push_back(std::move(w));
	}
	return pods;
}

void writePods(const std::string &path, const std::vector<PodWords> &pods)
{
	std::ofstream out(path, std::ios::binary | std::ios::trunc);
	for (const PodWords &w : pods) {
		uint32_t n = uint32_t(w.size());
		out.write(reinterpret_cast<const char *>(&n), 4);
		out.write(reinterpret_cast<const char *>(w.data()), n * 4);
	}
}

int runStreamChild(const Options &o)
{
	std::vector<PodWords> pods = readPods(o.streamFile);
	std::vector<const spa_pod *> params;
	for (PodWords &w : pods)
		params.push_back(hostile::asPod(w));

	pw_main_loop *mainLoop = pw_main_loop_new(nullptr);
	pw_loop *loop = pw_main_loop_get_loop(mainLoop);
	pw_context *context = pw_context_new(loop, nullptr, 0);
	pw_core *core = pw_context_connect(context, nullptr, 0);
	if (!core) {
		fprintf(stderr, "stream: cannot connect: %s\n", strerror(errno));
		return 2;
	}
	StreamChild s;
	pw_properties *props = pw_properties_new(PW_KEY_MEDIA_TYPE, "Video", PW_KEY_MEDIA_CATEGORY, "Capture",
						 PW_KEY_MEDIA_ROLE, "Camera", PW_KEY_TARGET_OBJECT, o.target.c_str(),
						 PW_KEY_NODE_NAME, "hostile-stream", nullptr);
	s.stream = pw_stream_new(core, "hostile-stream", props);
	static const pw_stream_events events = {.version = PW_VERSION_STREAM_EVENTS,
						.state_changed = StreamChild::onState,
						.param_changed = StreamChild::onParam,
						.process = StreamChild::onProcess};
	pw_stream_add_listener(s.stream, &s.listener, &events, &s);
	int res = pw_stream_connect(s.stream, PW_DIRECTION_INPUT, PW_ID_ANY,
				    pw_stream_flags(PW_STREAM_FLAG_AUTOCONNECT | PW_STREAM_FLAG_MAP_BUFFERS),
				    params.data(), uint32_t(params.size()));
	if (res < 0)
		s.error = std::string("connect: ") + spa_strerror(res);
	pw_loop_enter(loop);
	double end = now() + 3;
	while (res >= 0 && now() < end && s.state != PW_STREAM_STATE_ERROR && s.frames < 5)
		pw_loop_iterate(loop, 50);
	pw_loop_leave(loop);
	printf("stream: state %s, format %s, frames %" PRIu64 "%s%s\n", pw_stream_state_as_string(s.state),
	       s.formatSeen ? "negotiated" : "none", s.frames, s.error.empty() ? "" : ", error: ",
	       s.error.c_str());
	pw_stream_destroy(s.stream);
	pw_core_disconnect(core);
	pw_context_destroy(context);
	pw_main_loop_destroy(mainLoop);
	return 0;
}

/* Runs one consumer stream in a child process; the child's wait status. */
int spawnStream(const Options &o, const std::string &file)
{
	pid_t pid = fork();
	if (pid == 0) {
		execl("/proc/self/exe", "hostile-client", "--target", o.target.c_str(), "--stream-file",
		      file.c_str(), (char *)nullptr);
		_exit(127);
	}
	int status = 0;
	if (pid < 0)
		return -1;
	/* 3 s of streaming plus connection set-up; a hung child is killed. */
	double end = now() + 20;
	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (now() > end) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			fprintf(stderr, "hostile: stream child hung, killed\n");
			break;
		}
		usleep(20000);
	}
	return status;
}

/* Splits a Props object into one Props per property (restoring them one by one). */
std::vector<PodWords> singleProps(const PodWords &propsWords)
{
	std::vector<PodWords> out;
	PodWords copy = propsWords;
	const spa_pod *pod = hostile::asPod(copy);
	if (!spa_pod_is_object(pod))
		return out;
	const spa_pod_object *obj = reinterpret_cast<const spa_pod_object *>(pod);
	const spa_pod_prop *p;
	SPA_POD_OBJECT_FOREACH(obj, p) {
		uint32_t bytes = SPA_ROUND_UP_N(sizeof(spa_pod_prop) + p->value.size, 8);
		PodWords w{uint32_t(sizeof(spa_pod_object_body) + bytes), SPA_TYPE_Object, obj->body.type,
			   obj->body.id};
		size_t at = w.size();
		w.resize(at + bytes / 4, 0);
		memcpy(&w[at], p, sizeof(spa_pod_prop) + p->value.size);
		out.push_back(std::move(w));
	}
	return out;
}

int usage()
{
	fprintf(stderr, "usage: hostile-client --target NODE_NAME [--mutations N] [--seed S] [--batch B] "
			"[--frames F] [--streams N] [--warm-port-cache] [--with-daemon-bugs] [--phases LIST]\n");
	return 2;
}

bool parseArgs(int argc, char **argv, Options *o)
{
	if (const char *env = getenv("V4L2_DMABUF_HOSTILE_MUTATIONS"))
		o->mutations = strtoull(env, nullptr, 10);
	o->seed = uint64_t(time(nullptr)) ^ (uint64_t(getpid()) << 32);
	for (int i = 1; i < argc; i++) {
		std::string a = argv[i];
		if (a == "--warm-port-cache") {
			o->warmPortCache = true;
			continue;
		}
		if (a == "--with-daemon-bugs") {
			o->daemonBugs = true;
			continue;
		}
		if (i + 1 >= argc)
			return false;
		std::string v = argv[++i];
		if (a == "--target")
			o->target = v;
		else if (a == "--mutations")
			o->mutations = strtoull(v.c_str(), nullptr, 10);
		else if (a == "--seed")
			o->seed = strtoull(v.c_str(), nullptr, 0);
		else if (a == "--batch")
			o->batch = std::max(1, atoi(v.c_str()));
		else if (a == "--frames")
			o->frames = strtoull(v.c_str(), nullptr, 10);
		else if (a == "--streams")
			o->streams = unsigned(atoi(v.c_str()));
		else if (a == "--phases")
			o->phases = v;
		else if (a == "--stream-file")
			o->streamFile = v;
		else
			return false;
	}
	return !o->target.empty();
}

} /* namespace */

int main(int argc, char **argv)
{
	Options o;
	if (!parseArgs(argc, argv, &o))
		return usage();
	pw_init(&argc, &argv);
	if (!o.streamFile.empty())
		return runStreamChild(o);

	setvbuf(stdout, nullptr, _IOLBF, 0);
	const char *pidEnv = getenv("V4L2_DMABUF_PIPEWIRE_PID");
	pid_t daemon = pidEnv ? pid_t(atoi(pidEnv)) : 0;
	printf("hostile: target %s, seed %" PRIu64 ", %" PRIu64 " mutations, daemon pid %d\n", o.target.c_str(),
	       o.seed, o.mutations, int(daemon));
	double t0 = now();

	Client c;
	c.target = o.target;
	if (int res = c.connect(30); res < 0) {
		fprintf(stderr, "hostile: cannot reach the node: %s\n", spa_strerror(res));
		return 2;
	}
	c.record = true;
	/* Unfiltered, index 0, all of them: the request after which the daemon
	 * (impl-node.c, impl-port.c: pw_*_for_each_param) caches the params and
	 * answers later filtered requests itself, with libspa's unvalidated
	 * spa_pod_filter. The node opts out (node.cache-params = false); a port
	 * cannot (no such property in 0.3.65 or 1.4), so the port is asked for
	 * one param fewer than "all" unless --warm-port-cache shows what the
	 * daemon does then. */
	c.enumNode(SPA_PARAM_Props, nullptr);
	c.enumNode(SPA_PARAM_PropInfo, nullptr);
	c.enumPort(SPA_PARAM_EnumFormat, nullptr, o.warmPortCache ? UINT32_MAX : UINT32_MAX - 1);
	if (!c.roundtrip()) {
		fprintf(stderr, "hostile: daemon lost while enumerating\n");
		return 1;
	}
	c.record = false;
	std::vector<PodWords> originalProps = c.props;
	printf("hostile: node %u port %u: %zu Props, %zu EnumFormat to mutate\n", c.nodeId, c.portId,
	       c.props.size(), c.portFormats.size());
	if (c.portFormats.empty()) {
		fprintf(stderr, "hostile: the port enumerates no EnumFormat\n");
		return 1;
	}

	bool lost = false;
	std::string lostAt;
	std::vector<std::pair<std::string, PodWords>> batch;
	/* A round trip after a batch; on loss, what the batch held. */
	auto check = [&](const char *phase) {
		if (lost)
			return false;
		if (c.roundtrip() && daemonAlive(daemon)) {
			batch.clear();
			return true;
		}
		lost = true;
		lostAt = phase;
		fprintf(stderr, "hostile: DAEMON LOST during %s (%s); the last batch:\n", phase, c.lastError.c_str());
		for (auto &[what, w] : batch)
			fprintf(stderr, "  %s: %s\n", what.c_str(), hex(w).c_str());
		return false;
	};

	/* 1. crafted Props */
	std::vector<Crafted> props = hostile::craftedProps();
	uint64_t before = c.errors;
	for (Crafted &k : props) {
		if (lost || !o.has("props"))
			break;
		batch.emplace_back(k.name, k.words);
		c.setProps(hostile::asPod(k.words));
		check("crafted Props");
	}
	if (o.has("props"))
		printf("hostile: crafted Props: %zu sent, %" PRIu64 " refused with an error\n", props.size(),
		       c.errors - before);

	/* 2. crafted filters, on the node and on the port */
	std::vector<Crafted> filters = hostile::craftedFilters();
	before = c.errors;
	uint64_t paramsBefore = c.paramsReceived;
	for (Crafted &k : filters) {
		if (lost)
			break;
		batch.emplace_back(k.name, k.words);
		if (o.has("node-filters"))
			c.enumNode(k.paramId, hostile::asPod(k.words));
		if (o.has("port-filters"))
			c.enumPort(k.paramId, hostile::asPod(k.words));
		check("crafted filters");
	}
	printf("hostile: crafted filters: %zu sent to node and port, %" PRIu64 " errors, %" PRIu64
	       " params returned\n",
	       filters.size(), c.errors - before, c.paramsReceived - paramsBefore);

	/* 3. mutated EnumFormat filters */
	Mutator m(o.seed);
	uint64_t filterMutants = o.mutations / 5, sent = 0;
	bool nodeFilters = o.has("node-filters") && !c.props.empty(), portFilters = o.has("port-filters");
	before = c.errors;
	for (; sent < filterMutants && !lost && (nodeFilters || portFilters); sent++) {
		std::string what;
		/* Port: mutants of the real EnumFormat; node: of the real Props. */
		bool port = portFilters && (!nodeFilters || sent % 2);
		PodWords w = port ? m.mutate(c.portFormats[m.below(uint32_t(c.portFormats.size()))], &what)
				  : m.mutate(c.props[m.below(uint32_t(c.props.size()))], &what);
		batch.emplace_back(std::string(port ? "port" : "node") + " filter mutant " + std::to_string(sent) +
					   " " + what, w);
		if (port)
			c.enumPort(SPA_PARAM_EnumFormat, hostile::asPod(w));
		else
			c.enumNode(SPA_PARAM_Props, hostile::asPod(w));
		if (batch.size() >= o.batch)
			check("mutated filters");
	}
	check("mutated filters");
	printf("hostile: mutated filters: %" PRIu64 " sent, %" PRIu64 " errors\n", sent, c.errors - before);

	/* 4. mutated Props */
	std::vector<PodWords> bases = c.props;
	for (const Crafted &k : props)
		bases.push_back(k.words);
	before = c.errors;
	uint64_t propMutants = 0;
	for (; propMutants < o.mutations && !lost && o.has("props"); propMutants++) {
		std::string what;
		PodWords w = m.mutate(bases[m.below(uint32_t(bases.size()))], &what);
		batch.emplace_back("props mutant " + std::to_string(propMutants) + " " + what, w);
		c.setProps(hostile::asPod(w));
		if (batch.size() >= o.batch)
			check("mutated Props");
	}
	check("mutated Props");
	if (o.has("props"))
		printf("hostile: mutated Props: %" PRIu64 " sent, %" PRIu64 " refused with an error\n", propMutants,
	       c.errors - before);

	/* 5. consumer streams with crafted and mutated EnumFormat */
	char dir[] = "/tmp/hostile.XXXXXX";
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 2;
	}
	std::vector<std::pair<std::string, std::vector<PodWords>>> streams;
	for (const Crafted &k : filters)
		if (k.paramId == SPA_PARAM_EnumFormat && (o.daemonBugs || !k.daemonBug))
			streams.push_back({k.name, {k.words}});
	for (unsigned i = 0; i < o.streams; i++) {
		std::string what;
		PodWords w = m.mutate(c.portFormats[m.below(uint32_t(c.portFormats.size()))], &what);
		streams.push_back({"stream mutant " + std::to_string(i) + " " + what, {w}});
	}
	unsigned clientCrashes = 0, streamsRun = 0;
	for (auto &[name, pods] : streams) {
		if (lost || !o.has("streams"))
			break;
		std::string file = std::string(dir) + "/stream.pod";
		writePods(file, pods);
		printf("hostile: consumer stream '%s': ", name.c_str());
		fflush(stdout);
		int status = spawnStream(o, file);
		streamsRun++;
		if (WIFSIGNALED(status)) {
			clientCrashes++;
			printf("client died of signal %d\n", WTERMSIG(status));
		}
		for (PodWords &w : pods)
			batch.emplace_back(name, w);
		check("consumer streams");
	}
	unlink((std::string(dir) + "/stream.pod").c_str());
	rmdir(dir);
	if (o.has("streams"))
		printf("hostile: consumer streams: %u run, %u clients died (their own libpipewire)\n", streamsRun,
	       clientCrashes);

	/* Put the node's Props back, a property at a time. */
	if (!lost) {
		for (const PodWords &p : originalProps)
			for (PodWords &one : singleProps(p))
				c.setProps(hostile::asPod(one));
		check("restoring Props");
	}

	double took = now() - t0;
	bool alive = !lost && daemonAlive(daemon);
	printf("hostile: %" PRIu64 " mutated Props + %" PRIu64 " mutated filters + %zu crafted Props + %zu crafted "
	       "filters + %u streams in %.1f s; daemon %s%s%s\n",
	       propMutants, sent, props.size(), filters.size(), streamsRun, took,
	       alive ? "up, same pid " : "DOWN", alive ? std::to_string(daemon).c_str() : " during ",
	       alive ? "" : lostAt.c_str());
	if (!alive)
		return 1;
	if (!o.has("capture")) {
		/* Without a session manager nothing links a consumer: the node
		 * still answers with all of its formats instead. */
		c.portFormats.clear();
		c.record = true;
		c.enumPort(SPA_PARAM_EnumFormat, nullptr, UINT32_MAX - 1);
		bool ok = c.roundtrip() && daemonAlive(daemon) && !c.portFormats.empty();
		printf("hostile: afterwards the port enumerates %zu EnumFormat\n", c.portFormats.size());
		return ok ? 0 : 1;
	}

	/* An ordinary consumer still gets frames. */
	v4l2dmabuf::capture::CaptureOptions co;
	co.target = o.target;
	co.frames = o.frames;
	co.timeoutSeconds = 60;
	v4l2dmabuf::capture::CaptureResult r = v4l2dmabuf::capture::CaptureSession(co).run();
	printf("hostile: after the sequence a normal consumer got %" PRIu64 " frames (%s %ux%u)%s%s\n", r.frames,
	       r.formatName.c_str(), r.width, r.height, r.ok ? "" : ", error: ", r.error.c_str());
	if (!daemonAlive(daemon)) {
		printf("hostile: daemon DOWN after the capture\n");
		return 1;
	}
	return r.ok && r.frames >= o.frames ? 0 : 1;
}
