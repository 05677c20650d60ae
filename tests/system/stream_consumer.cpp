/* SPDX-License-Identifier: MIT */
/*
 * stream-consumer: a pw_stream client that negotiates the way one kind of
 * real application does, for the multi-consumer and modifier tests
 * (tests/system/check-consumers). It asks for YUY2 at one size and rate and
 * offers:
 *   --modifier none          no SPA_FORMAT_VIDEO_modifier (system memory; OBS, libwebrtc)
 *   --modifier linear        LINEAR only, MANDATORY (a GPU importer that knows one layout)
 *   --modifier linear-df     LINEAR only, MANDATORY | DONT_FIXATE
 *   --modifier both          the LINEAR object first, then the modifier-less one
 *                            (doc/dma-buf.dox's pw_stream_connect advice)
 *   --data-types LIST        its Buffers dataType on the modifier-less path
 *                            (dmabuf,memfd,memptr; DmaBuf alone with a modifier)
 *   --map                    PW_STREAM_FLAG_MAP_BUFFERS (OBS and libwebrtc do)
 *   --stride BYTES           a fixed SPA_PARAM_BUFFERS_stride (Firefox's libwebrtc)
 * On every frame it checks vivid's "100% Colorbar" pattern (8 bars, BT.601
 * limited range) at the middle line, through pw_stream's mapping or, where
 * pw_stream mapped nothing, its own mmap of the plane's fd (counted apart),
 * and the header's sequence numbers. It prints one line of key=value:
 *   frames types modifier pw_mapped self_mapped unmappable bad_pixels gaps
 * and exits 0 when it got --frames frames, 1 otherwise (2: usage).
 * --ready FILE is created at the first frame, so a script can order joins;
 * --seq-file FILE gets every frame's header sequence number, one a line, so
 * a script can compare what consumers streaming at the same time received.
 */
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <pipewire/pipewire.h>
#include <spa/buffer/meta.h>
#include <spa/debug/types.h>
#include <spa/param/buffers.h>
#include <spa/param/param.h>
#include <spa/param/video/format-utils.h>
#include <spa/pod/builder.h>
#include <spa/utils/result.h>

namespace {

constexpr uint64_t kLinear = 0; /* DRM_FORMAT_MOD_LINEAR */

/* vivid's 100% colour bars, left to right: Y, Cb, Cr (BT.601 limited). */
struct Bar {
	int y, cb, cr;
};
constexpr Bar kBars[8] = {{235, 128, 128}, {210, 16, 146}, {170, 166, 16}, {145, 54, 34},
			  {106, 202, 222}, {81, 90, 240},   {41, 240, 110}, {16, 128, 128}};
constexpr int kTolerance = 4;

struct Options {
	std::string target;
	std::string modifier = "none";
	uint32_t dataTypes = (1u << SPA_DATA_DmaBuf) | (1u << SPA_DATA_MemFd) | (1u << SPA_DATA_MemPtr);
	bool map = false;
	uint32_t width = 640, height = 480, fps = 25;
	uint64_t frames = 50;
	double timeout = 60;
	std::string name = "stream-consumer";
	std::string ready;
	std::string seqFile;
	int32_t stride = 0; /* fixed SPA_PARAM_BUFFERS_stride (bytes); 0: none */
};

struct State {
	Options opt;
	struct pw_main_loop *loop = nullptr;
	struct pw_stream *stream = nullptr;
	struct spa_hook listener = {};
	uint64_t frames = 0;
	uint32_t typesSeen = 0;
	bool negotiated = false, formatModifier = false;
	uint64_t modifier = 0;
	uint64_t pwMapped = 0, selfMapped = 0, unmappable = 0, badPixels = 0, gaps = 0;
	bool haveSeq = false;
	uint64_t lastSeq = 0;
	uint32_t stride = 0;
	std::string error;
	bool done = false;
	FILE *seqs = nullptr;
};

bool parseTypes(const char *s, uint32_t *mask)
{
	*mask = 0;
	std::string list(s);
	size_t pos = 0;
	while (pos <= list.size()) {
		size_t end = list.find(',', pos);
		std::string t = list.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
		if (t == "dmabuf")
			*mask |= 1u << SPA_DATA_DmaBuf;
		else if (t == "memfd")
			*mask |= 1u << SPA_DATA_MemFd;
		else if (t == "memptr")
			*mask |= 1u << SPA_DATA_MemPtr;
		else
			return false;
		if (end == std::string::npos)
			break;
		pos = end + 1;
	}
	return *mask != 0;
}

const struct spa_pod *enumFormat(struct spa_pod_builder *b, const Options &o, bool withModifier)
{
	struct spa_pod_frame f;
	struct spa_rectangle size = SPA_RECTANGLE(o.width, o.height);
	struct spa_fraction rate = SPA_FRACTION(o.fps, 1);
	spa_pod_builder_push_object(b, &f, SPA_TYPE_OBJECT_Format, SPA_PARAM_EnumFormat);
	spa_pod_builder_add(b, SPA_FORMAT_mediaType, SPA_POD_Id(SPA_MEDIA_TYPE_video),
			    SPA_FORMAT_mediaSubtype, SPA_POD_Id(SPA_MEDIA_SUBTYPE_raw),
			    SPA_FORMAT_VIDEO_format, SPA_POD_Id(SPA_VIDEO_FORMAT_YUY2),
			    SPA_FORMAT_VIDEO_size, SPA_POD_Rectangle(&size),
			    SPA_FORMAT_VIDEO_framerate, SPA_POD_Fraction(&rate), 0);
	if (withModifier) {
		uint32_t flags = SPA_POD_PROP_FLAG_MANDATORY;
		if (o.modifier == "linear-df")
			flags |= SPA_POD_PROP_FLAG_DONT_FIXATE;
		spa_pod_builder_prop(b, SPA_FORMAT_VIDEO_modifier, flags);
		spa_pod_builder_long(b, int64_t(kLinear));
	}
	return static_cast<const struct spa_pod *>(spa_pod_builder_pop(b, &f));
}

void onParamChanged(void *data, uint32_t id, const struct spa_pod *param)
{
	State *s = static_cast<State *>(data);
	if (id != SPA_PARAM_Format || param == nullptr)
		return;
	struct spa_video_info_raw raw = {};
	if (spa_format_video_raw_parse(param, &raw) < 0) {
		s->error = "unparsable Format";
		return;
	}
	const struct spa_pod_prop *mod = spa_pod_find_prop(param, nullptr, SPA_FORMAT_VIDEO_modifier);
	s->formatModifier = mod != nullptr;
	if (mod) {
		int64_t v = -1;
		uint32_t n = 0, choice = 0;
		const struct spa_pod *val = spa_pod_get_values(&mod->value, &n, &choice);
		if (val && spa_pod_get_long(val, &v) == 0)
			s->modifier = uint64_t(v);
	}
	s->negotiated = true;
	fprintf(stderr, "%s: format %ux%u%s\n", s->opt.name.c_str(), raw.size.width,
		raw.size.height, mod ? " with a modifier" : "");

	/* doc/dma-buf.dox: with a modifier DmaBuf only, else the app's own list. */
	uint32_t types = s->formatModifier ? (1u << SPA_DATA_DmaBuf) : s->opt.dataTypes;
	uint8_t buffer[1024];
	struct spa_pod_builder b = SPA_POD_BUILDER_INIT(buffer, sizeof(buffer));
	const struct spa_pod *params[2];
	struct spa_pod_frame f;
	spa_pod_builder_push_object(&b, &f, SPA_TYPE_OBJECT_ParamBuffers, SPA_PARAM_Buffers);
	spa_pod_builder_add(&b, SPA_PARAM_BUFFERS_buffers, SPA_POD_CHOICE_RANGE_Int(8, 2, 32),
			    SPA_PARAM_BUFFERS_dataType, SPA_POD_CHOICE_FLAGS_Int(int(types)), 0);
	/* Firefox's libwebrtc copy fixes the stride at width x bytes per pixel. */
	if (s->opt.stride > 0)
		spa_pod_builder_add(&b, SPA_PARAM_BUFFERS_stride, SPA_POD_Int(s->opt.stride), 0);
	params[0] = static_cast<const struct spa_pod *>(spa_pod_builder_pop(&b, &f));
	params[1] = static_cast<const struct spa_pod *>(spa_pod_builder_add_object(&b,
		SPA_TYPE_OBJECT_ParamMeta, SPA_PARAM_Meta,
		SPA_PARAM_META_type, SPA_POD_Id(SPA_META_Header),
		SPA_PARAM_META_size, SPA_POD_Int(sizeof(struct spa_meta_header))));
	pw_stream_update_params(s->stream, params, 2);
}

int sample(const uint8_t *p, uint32_t stride, uint32_t x, uint32_t y, int which)
{
	/* YUYV: Y0 Cb Y1 Cr per pixel pair. */
	const uint8_t *pair = p + size_t(y) * stride + (x & ~1u) * 2;
	return which == 0 ? pair[0] : which == 1 ? pair[1] : pair[3];
}

/* Counts bars off by more than kTolerance on the middle line. */
uint64_t checkBars(const uint8_t *p, uint32_t stride, uint32_t width, uint32_t height)
{
	uint64_t bad = 0;
	uint32_t y = height / 2;
	for (int i = 0; i < 8; i++) {
		uint32_t x = uint32_t((2 * i + 1) * width / 16);
		int Y = sample(p, stride, x, y, 0), Cb = sample(p, stride, x, y, 1),
		    Cr = sample(p, stride, x, y, 2);
		if (std::abs(Y - kBars[i].y) > kTolerance || std::abs(Cb - kBars[i].cb) > kTolerance ||
		    std::abs(Cr - kBars[i].cr) > kTolerance)
			bad++;
	}
	return bad;
}

void onProcess(void *data)
{
	State *s = static_cast<State *>(data);
	struct pw_buffer *pb = pw_stream_dequeue_buffer(s->stream);
	if (pb == nullptr)
		return;
	struct spa_buffer *buf = pb->buffer;
	if (buf->n_datas >= 1 && !s->done) {
		struct spa_data *d = &buf->datas[0];
		s->typesSeen |= 1u << d->type;
		uint32_t stride = d->chunk->stride ? uint32_t(d->chunk->stride) : s->opt.width * 2;
		s->stride = stride;
		const uint8_t *pixels = nullptr;
		void *own = MAP_FAILED;
		size_t ownSize = 0;
		if (d->data) {
			s->pwMapped++;
			pixels = static_cast<const uint8_t *>(d->data) + d->chunk->offset;
		} else if (d->type == SPA_DATA_DmaBuf || d->type == SPA_DATA_MemFd) {
			ownSize = d->mapoffset + d->maxsize;
			own = mmap(nullptr, ownSize, PROT_READ, MAP_SHARED, int(d->fd), 0);
			if (own == MAP_FAILED) {
				s->unmappable++;
			} else {
				s->selfMapped++;
				pixels = static_cast<const uint8_t *>(own) + d->mapoffset + d->chunk->offset;
			}
		} else {
			s->unmappable++;
		}
		uint64_t bad = 0;
		if (pixels && d->chunk->size >= stride * s->opt.height)
			bad = checkBars(pixels, stride, s->opt.width, s->opt.height);
		else if (pixels)
			bad = 8;
		struct spa_meta_header *h = static_cast<struct spa_meta_header *>(
			spa_buffer_find_meta_data(buf, SPA_META_Header, sizeof(*h)));
		/* The header says whether the producer ever filled this buffer (pts
		 * 0: not since the buffers were made). */
		if (bad && s->badPixels == 0)
			fprintf(stderr, "%s: frame %" PRIu64 ": %" PRIu64 " bars wrong (chunk offset %u "
				"size %u stride %d flags 0x%x; bar 0 Y %d; header seq %" PRIu64
				" pts %" PRId64 " flags 0x%x)\n", s->opt.name.c_str(), s->frames,
				bad, d->chunk->offset, d->chunk->size, d->chunk->stride, d->chunk->flags,
				pixels && d->chunk->size >= stride * s->opt.height
					? sample(pixels, stride, s->opt.width / 16, s->opt.height / 2, 0) : -1,
				h ? h->seq : 0, h ? h->pts : -1, h ? h->flags : 0);
		s->badPixels += bad;
		if (own != MAP_FAILED)
			munmap(own, ownSize);

		if (h) {
			if (s->haveSeq && h->seq > s->lastSeq + 1)
				s->gaps += h->seq - s->lastSeq - 1;
			s->haveSeq = true;
			s->lastSeq = h->seq;
			if (s->seqs)
				fprintf(s->seqs, "%" PRIu64 "\n", h->seq);
		}
		if (s->frames++ == 0 && !s->opt.ready.empty()) {
			int fd = open(s->opt.ready.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
			if (fd >= 0)
				close(fd);
		}
		if (s->frames >= s->opt.frames) {
			s->done = true;
			pw_main_loop_quit(s->loop);
		}
	}
	pw_stream_queue_buffer(s->stream, pb);
}

void onStateChanged(void *data, enum pw_stream_state, enum pw_stream_state state, const char *error)
{
	State *s = static_cast<State *>(data);
	fprintf(stderr, "%s: %s%s%s\n", s->opt.name.c_str(), pw_stream_state_as_string(state),
		error ? ": " : "", error ? error : "");
	if (state == PW_STREAM_STATE_ERROR) {
		s->error = error ? error : "stream error";
		pw_main_loop_quit(s->loop);
	}

}

const struct pw_stream_events kEvents = [] {
	struct pw_stream_events e = {};
	e.version = PW_VERSION_STREAM_EVENTS;
	e.state_changed = onStateChanged;
	e.param_changed = onParamChanged;
	e.process = onProcess;
	return e;
}();

std::string typeNames(uint32_t mask)
{
	std::string out;
	for (uint32_t t : {SPA_DATA_MemPtr, SPA_DATA_MemFd, SPA_DATA_DmaBuf}) {
		if (!(mask & (1u << t)))
			continue;
		if (!out.empty())
			out += ",";
		out += t == SPA_DATA_MemPtr ? "MemPtr" : t == SPA_DATA_MemFd ? "MemFd" : "DmaBuf";
	}
	return out.empty() ? "none" : out;
}

[[noreturn]] void usage(const char *argv0)
{
	fprintf(stderr, "usage: %s --target NODE [--modifier none|linear|linear-df|both] "
		"[--data-types dmabuf,memfd,memptr] [--map] [--size WxH] [--fps N] [--frames N] "
		"[--timeout S] [--name NAME] [--ready FILE] [--seq-file FILE] [--stride BYTES]\n", argv0);
	exit(2);
}

} /* namespace */

int main(int argc, char **argv)
{
	State s;
	for (int i = 1; i < argc; i++) {
		std::string a = argv[i];
		auto next = [&]() -> const char * {
			if (i + 1 >= argc)
				usage(argv[0]);
			return argv[++i];
		};
		if (a == "--target")
			s.opt.target = next();
		else if (a == "--modifier")
			s.opt.modifier = next();
		else if (a == "--data-types") {
			if (!parseTypes(next(), &s.opt.dataTypes))
				usage(argv[0]);
		} else if (a == "--map")
			s.opt.map = true;
		else if (a == "--size") {
			if (sscanf(next(), "%ux%u", &s.opt.width, &s.opt.height) != 2)
				usage(argv[0]);
		} else if (a == "--fps")
			s.opt.fps = uint32_t(atoi(next()));
		else if (a == "--frames")
			s.opt.frames = uint64_t(atoll(next()));
		else if (a == "--timeout")
			s.opt.timeout = atof(next());
		else if (a == "--name")
			s.opt.name = next();
		else if (a == "--ready")
			s.opt.ready = next();
		else if (a == "--seq-file")
			s.opt.seqFile = next();
		else if (a == "--stride")
			s.opt.stride = atoi(next());
		else
			usage(argv[0]);
	}
	const std::string &m = s.opt.modifier;
	if (s.opt.target.empty() || (m != "none" && m != "linear" && m != "linear-df" && m != "both"))
		usage(argv[0]);

	if (!s.opt.seqFile.empty() && !(s.seqs = fopen(s.opt.seqFile.c_str(), "we"))) {
		perror(s.opt.seqFile.c_str());
		return 2;
	}
	pw_init(&argc, &argv);
	s.loop = pw_main_loop_new(nullptr);
	struct pw_properties *props = pw_properties_new(
		PW_KEY_MEDIA_TYPE, "Video", PW_KEY_MEDIA_CATEGORY, "Capture", PW_KEY_MEDIA_ROLE, "Camera",
		PW_KEY_NODE_NAME, s.opt.name.c_str(), PW_KEY_TARGET_OBJECT, s.opt.target.c_str(), nullptr);
	s.stream = pw_stream_new_simple(pw_main_loop_get_loop(s.loop), s.opt.name.c_str(), props,
					&kEvents, &s);

	uint8_t buffer[2048];
	struct spa_pod_builder b = SPA_POD_BUILDER_INIT(buffer, sizeof(buffer));
	const struct spa_pod *params[2];
	uint32_t n = 0;
	if (m != "none")
		params[n++] = enumFormat(&b, s.opt, true);
	if (m == "none" || m == "both")
		params[n++] = enumFormat(&b, s.opt, false);

	uint32_t flags = PW_STREAM_FLAG_AUTOCONNECT;
	if (s.opt.map)
		flags |= PW_STREAM_FLAG_MAP_BUFFERS;
	int ret = pw_stream_connect(s.stream, PW_DIRECTION_INPUT, PW_ID_ANY,
				    static_cast<enum pw_stream_flags>(flags), params, n);
	if (ret < 0) {
		fprintf(stderr, "%s: connect: %s\n", s.opt.name.c_str(), spa_strerror(ret));
		return 1;
	}
	struct spa_source *timer = pw_loop_add_timer(pw_main_loop_get_loop(s.loop),
		[](void *data, uint64_t) {
			State *st = static_cast<State *>(data);
			if (st->error.empty())
				st->error = "timeout";
			pw_main_loop_quit(st->loop);
		}, &s);
	struct timespec value = {time_t(s.opt.timeout), 0}, interval = {0, 0};
	pw_loop_update_timer(pw_main_loop_get_loop(s.loop), timer, &value, &interval, false);
	pw_main_loop_run(s.loop);

	char mod[32] = "none";
	if (s.formatModifier)
		snprintf(mod, sizeof(mod), "0x%" PRIx64, s.modifier);
	printf("name=%s frames=%" PRIu64 " types=%s modifier=%s pw_mapped=%" PRIu64
	       " self_mapped=%" PRIu64 " unmappable=%" PRIu64 " bad_pixels=%" PRIu64
	       " gaps=%" PRIu64 " stride=%u error=%s\n",
	       s.opt.name.c_str(), s.frames, typeNames(s.typesSeen).c_str(), mod, s.pwMapped,
	       s.selfMapped, s.unmappable, s.badPixels, s.gaps, s.stride,
	       s.error.empty() ? "none" : s.error.c_str());
	fflush(stdout);
	if (s.seqs)
		fclose(s.seqs);
	pw_stream_destroy(s.stream);
	pw_main_loop_destroy(s.loop);
	pw_deinit();
	return s.frames >= s.opt.frames ? 0 : 1;
}
