/* SPDX-License-Identifier: MIT */
#include "viewer_window.h"

#include <glib-unix.h>
#include <gtk/gtk.h>
#include <time.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <utility>
#include <vector>

#include <spa/buffer/meta.h>

#include "camera_portal.h"
#include "texture_import.h"
#include "viewer_stats.h"
#include "viewer_stream.h"

namespace v4l2dmabuf::viewer {

namespace {

int64_t monotonicNs()
{
	timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

/* One control's widget and what it sets. */
struct ControlWidget {
	ControlInfo info;
	GtkWidget *widget = nullptr;
};

} /* namespace */

struct ViewerWindow::Impl {
	ViewerOptions opts;
	ViewerStats stats;
	std::unique_ptr<ViewerStream> stream;
	std::unique_ptr<CameraPortal> portal; /* --portal, until it answered */
	GMainLoop *mainLoop = nullptr;
	GtkWidget *window = nullptr, *picture = nullptr, *status = nullptr, *controlsGrid = nullptr;
	GdkTexture *lastTexture = nullptr; /* our reference, for --screenshot */
	std::vector<std::unique_ptr<ControlWidget>> controls;
	bool updatingControls = false;  /* values set by us, not the user */
	bool dmabufRefused = false;     /* GTK refused once: memory path from then on */
	bool newTexture = false;        /* set since the last paint */
	uint64_t paintedFrames = 0;
	bool readyWritten = false;
	/* quit() was called: the loop may still dispatch a frame before it stops. */
	bool quitting = false;
	std::string fatalError;
	guint signalSources[2] = {0, 0};
	guint statusTimer = 0;
	gulong afterPaintHandler = 0;
	GdkFrameClock *frameClock = nullptr;

	explicit Impl(const ViewerOptions &o) : opts(o) {}

	void log(const std::string &text)
	{
		if (opts.verbose)
			fprintf(stderr, "viewer: %s\n", text.c_str());
	}
	void fatal(const std::string &message)
	{
		fprintf(stderr, "viewer: %s\n", message.c_str());
		fatalError = message;
		quit();
	}
	void quit()
	{
		quitting = true;
		if (mainLoop)
			g_main_loop_quit(mainLoop);
	}

	void buildWindow();
	void onFrame(Frame &frame);
	void onControls(const std::vector<ControlInfo> &list, const std::map<uint32_t, int32_t> &values);
	void onControlChanged(ControlWidget *c, int32_t value);
	void onAfterPaint();
	void updateStatus() { gtk_label_set_text(GTK_LABEL(status), stats.statusLine().c_str()); }
	void saveScreenshot();
	void teardown();
};

void ViewerWindow::Impl::buildWindow()
{
	window = gtk_window_new();
	gtk_window_set_title(GTK_WINDOW(window),
			     ("v4l2-dmabuf-viewer" + (opts.target.empty() ? "" : ": " + opts.target)).c_str());
	gtk_window_set_default_size(GTK_WINDOW(window), 800, 600);
	g_signal_connect_swapped(window, "close-request", G_CALLBACK(+[](Impl *self) {
		self->quit();
		return gboolean(TRUE);
	}), this);

	GtkWidget *hbox = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
	GtkWidget *vbox = gtk_box_new(GTK_ORIENTATION_VERTICAL, 4);
	picture = gtk_picture_new();
	gtk_picture_set_content_fit(GTK_PICTURE(picture), GTK_CONTENT_FIT_CONTAIN);
	gtk_widget_set_hexpand(picture, TRUE);
	gtk_widget_set_vexpand(picture, TRUE);
	status = gtk_label_new("waiting for the stream");
	gtk_label_set_xalign(GTK_LABEL(status), 0);
	gtk_box_append(GTK_BOX(vbox), picture);
	gtk_box_append(GTK_BOX(vbox), status);
	gtk_box_append(GTK_BOX(hbox), vbox);

	if (!opts.noControls) {
		GtkWidget *scroller = gtk_scrolled_window_new();
		gtk_scrolled_window_set_policy(GTK_SCROLLED_WINDOW(scroller), GTK_POLICY_AUTOMATIC,
					       GTK_POLICY_AUTOMATIC);
		controlsGrid = gtk_grid_new();
		gtk_grid_set_row_spacing(GTK_GRID(controlsGrid), 2);
		gtk_grid_set_column_spacing(GTK_GRID(controlsGrid), 6);
		gtk_scrolled_window_set_child(GTK_SCROLLED_WINDOW(scroller), controlsGrid);
		gtk_widget_set_size_request(scroller, 260, -1);
		gtk_box_append(GTK_BOX(hbox), scroller);
	}
	gtk_window_set_child(GTK_WINDOW(window), hbox);

	g_signal_connect_swapped(window, "realize", G_CALLBACK(+[](Impl *self) {
		self->frameClock = gtk_widget_get_frame_clock(self->window);
		if (self->frameClock)
			self->afterPaintHandler = g_signal_connect_swapped(
				self->frameClock, "after-paint",
				G_CALLBACK(+[](Impl *s) { s->onAfterPaint(); }), self);
	}), this);
}

void ViewerWindow::Impl::onFrame(Frame &frame)
{
	if (quitting)
		return; /* --frames N means N: later ones go straight back */
	const spa_buffer &b = *frame.buffer;
	auto *header = static_cast<spa_meta_header *>(
		spa_buffer_find_meta_data(&b, SPA_META_Header, sizeof(spa_meta_header)));
	std::optional<uint64_t> seq;
	if (header)
		seq = header->seq;
	uint32_t type = b.n_datas ? b.datas[0].type : SPA_ID_INVALID;
	stats.addFrame(monotonicNs(), seq, type);
	if (stats.exporter().empty() && !frame.mapped->planes.empty())
		stats.setExporter(frame.mapped->planes[0].exporter);

	bool tryDmabuf = !opts.noDmabuf && !dmabufRefused && type == SPA_DATA_DmaBuf;
	FrameTexture t = makeFrameTexture(gtk_widget_get_display(window), frame, tryDmabuf);
	if (!t.dmabufError.empty() && tryDmabuf) {
		fprintf(stderr, "viewer: no DMA-BUF texture (%s); mapping and converting from now on\n",
			t.dmabufError.c_str());
		dmabufRefused = true;
	}
	if (!t.memoryError.empty())
		log("no memory texture: " + t.memoryError);
	stats.addTexture(t.path);
	if (t.texture) {
		gtk_picture_set_paintable(GTK_PICTURE(picture), GDK_PAINTABLE(t.texture));
		if (lastTexture)
			g_object_unref(lastTexture);
		lastTexture = t.texture; /* our reference */
		newTexture = true;
	}
	if (stats.frames() == 1)
		updateStatus();
	if (opts.frames && stats.frames() >= opts.frames)
		quit();
}

void ViewerWindow::Impl::onAfterPaint()
{
	if (!newTexture)
		return;
	newTexture = false;
	paintedFrames++;
	if (!opts.ready.empty() && !readyWritten && paintedFrames >= opts.readyFrames) {
		readyWritten = true;
		std::ofstream(opts.ready) << stats.frames() << "\n";
		log("ready: " + std::to_string(paintedFrames) + " frames painted");
	}
}

void ViewerWindow::Impl::onControls(const std::vector<ControlInfo> &list,
				    const std::map<uint32_t, int32_t> &values)
{
	if (!controlsGrid)
		return;
	/* --control first, so that the widgets show the values set. */
	std::map<uint32_t, int32_t> current = values;
	uint64_t set = 0;
	for (const auto &[name, value] : opts.setControls) {
		const ControlInfo *c = findControl(list, name);
		int res = c ? stream->setControl(*c, value) : -ENOENT;
		if (res < 0) {
			fprintf(stderr, "viewer: cannot set control %s: %s\n", name.c_str(),
				c ? strerror(-res) : "no such control");
			continue;
		}
		current[c->id] = value;
		set++;
	}
	stats.setControls(list.size(), set);
	GtkWidget *child;
	while ((child = gtk_widget_get_first_child(controlsGrid)) != nullptr)
		gtk_grid_remove(GTK_GRID(controlsGrid), child);
	controls.clear();
	updatingControls = true;
	int row = 0;
	for (const ControlInfo &info : list) {
		auto c = std::make_unique<ControlWidget>();
		c->info = info;
		auto found = current.find(info.id);
		int32_t value = found != current.end() ? found->second : info.def;
		GtkWidget *label = gtk_label_new(info.label().c_str());
		gtk_label_set_xalign(GTK_LABEL(label), 0);
		switch (info.kind) {
		case ControlKind::Integer:
			c->widget = gtk_scale_new_with_range(GTK_ORIENTATION_HORIZONTAL, info.min,
							     info.max > info.min ? info.max : info.min + 1,
							     info.step);
			gtk_range_set_value(GTK_RANGE(c->widget), value);
			gtk_widget_set_hexpand(c->widget, TRUE);
			g_signal_connect(c->widget, "value-changed", G_CALLBACK(+[](GtkRange *r, gpointer d) {
				auto *cw = static_cast<ControlWidget *>(d);
				auto *self = static_cast<Impl *>(g_object_get_data(G_OBJECT(r), "viewer"));
				self->onControlChanged(cw, int32_t(gtk_range_get_value(r)));
			}), c.get());
			break;
		case ControlKind::Boolean:
			c->widget = gtk_check_button_new();
			gtk_check_button_set_active(GTK_CHECK_BUTTON(c->widget), value != 0);
			g_signal_connect(c->widget, "toggled", G_CALLBACK(+[](GtkCheckButton *b, gpointer d) {
				auto *cw = static_cast<ControlWidget *>(d);
				auto *self = static_cast<Impl *>(g_object_get_data(G_OBJECT(b), "viewer"));
				self->onControlChanged(cw, gtk_check_button_get_active(b) ? 1 : 0);
			}), c.get());
			break;
		case ControlKind::Menu: {
			std::vector<const char *> labels;
			guint selected = 0;
			for (size_t i = 0; i < info.menu.size(); i++) {
				labels.push_back(info.menu[i].second.c_str());
				if (info.menu[i].first == value)
					selected = guint(i);
			}
			labels.push_back(nullptr);
			c->widget = gtk_drop_down_new_from_strings(labels.data());
			gtk_drop_down_set_selected(GTK_DROP_DOWN(c->widget), selected);
			g_signal_connect(c->widget, "notify::selected", G_CALLBACK(+[](GtkDropDown *dd, GParamSpec *, gpointer d) {
				auto *cw = static_cast<ControlWidget *>(d);
				auto *self = static_cast<Impl *>(g_object_get_data(G_OBJECT(dd), "viewer"));
				guint i = gtk_drop_down_get_selected(dd);
				if (i < cw->info.menu.size())
					self->onControlChanged(cw, cw->info.menu[i].first);
			}), c.get());
			break;
		}
		}
		g_object_set_data(G_OBJECT(c->widget), "viewer", this);
		gtk_widget_set_sensitive(c->widget, !info.readOnly);
		gtk_grid_attach(GTK_GRID(controlsGrid), label, 0, row, 1, 1);
		gtk_grid_attach(GTK_GRID(controlsGrid), c->widget, 1, row, 1, 1);
		row++;
		controls.push_back(std::move(c));
	}
	updatingControls = false;
}

void ViewerWindow::Impl::onControlChanged(ControlWidget *c, int32_t value)
{
	if (updatingControls)
		return;
	int res = stream->setControl(c->info, value);
	if (res < 0)
		fprintf(stderr, "viewer: cannot set %s: %s\n", c->info.label().c_str(), strerror(-res));
}

void ViewerWindow::Impl::saveScreenshot()
{
	if (!opts.screenshot.empty()) {
		if (!lastTexture)
			fprintf(stderr, "viewer: no frame for --screenshot %s\n", opts.screenshot.c_str());
		else if (!gdk_texture_save_to_png(lastTexture, opts.screenshot.c_str()))
			fprintf(stderr, "viewer: cannot write %s\n", opts.screenshot.c_str());
	}
}

/* Stream first (its buffers go), then the textures and the window; then
 * GLib runs what GTK left pending, so that released textures are finalized. */
void ViewerWindow::Impl::teardown()
{
	if (stream)
		stream->stop();
	if (frameClock && afterPaintHandler)
		g_signal_handler_disconnect(frameClock, afterPaintHandler);
	frameClock = nullptr;
	afterPaintHandler = 0;
	if (lastTexture)
		g_object_unref(lastTexture);
	lastTexture = nullptr;
	if (window)
		gtk_window_destroy(GTK_WINDOW(window));
	window = nullptr;
	controls.clear();
	for (guint &id : signalSources)
		if (id)
			g_source_remove(std::exchange(id, 0));
	if (statusTimer)
		g_source_remove(std::exchange(statusTimer, 0));
	while (g_main_context_iteration(nullptr, FALSE))
		;
	stream.reset();
}

ViewerWindow::ViewerWindow(const ViewerOptions &options) : impl_(std::make_unique<Impl>(options)) {}

ViewerWindow::~ViewerWindow()
{
	impl_->teardown();
	if (impl_->mainLoop)
		g_main_loop_unref(impl_->mainLoop);
}

int ViewerWindow::run()
{
	Impl &s = *impl_;
	s.mainLoop = g_main_loop_new(nullptr, FALSE);
	s.buildWindow();
	s.stream = std::make_unique<ViewerStream>(
		s.opts, [&s](Frame &frame) { s.onFrame(frame); },
		[&s](const std::vector<ControlInfo> &list, const std::map<uint32_t, int32_t> &values) {
			s.onControls(list, values);
		},
		[&s](const std::string &message, bool fatal) {
			if (fatal)
				s.fatal(message);
			else
				fprintf(stderr, "viewer: %s\n", message.c_str());
		});
	int signals[2] = {SIGINT, SIGTERM};
	for (int i = 0; i < 2; i++)
		s.signalSources[i] = g_unix_signal_add(signals[i], [](gpointer d) {
			static_cast<Impl *>(d)->quit();
			return gboolean(G_SOURCE_CONTINUE);
		}, &s);
	s.statusTimer = g_timeout_add(500, [](gpointer d) {
		static_cast<Impl *>(d)->updateStatus();
		return gboolean(G_SOURCE_CONTINUE);
	}, &s);

	gtk_window_present(GTK_WINDOW(s.window));
	bool started;
	if (s.opts.portal) {
		/* The window shows while the portal asks the user; the stream starts on its answer. */
		gtk_label_set_text(GTK_LABEL(s.status), "asking the Camera portal for access");
		s.portal = std::make_unique<CameraPortal>(s.opts.verbose);
		s.portal->open([&s](UniqueFd remote, const std::string &error) {
			if (!error.empty())
				s.fatal(error);
			else
				s.stream->start(std::move(remote)); /* errors through the ErrorHandler */
		});
		started = true;
	} else {
		started = s.stream->start() == 0;
	}
	if (started && s.fatalError.empty() && !s.quitting)
		g_main_loop_run(s.mainLoop);
	s.portal.reset();
	s.stats.setConnection(s.opts.portal ? "portal" : "daemon", s.stream->target());
	s.stream->stop();
	s.saveScreenshot();
	s.teardown();
	/* Every DMA-BUF texture released by now: no plane fd may be left open. */
	s.stats.setOpenDmabufs(countOpenDmabufs());
	if (s.opts.report)
		printf("%s\n", s.stats.reportLine().c_str());
	fflush(stdout);
	if (!s.fatalError.empty())
		return 1;
	return s.stats.frames() > 0 || !s.opts.frames ? 0 : 1;
}

} /* namespace v4l2dmabuf::viewer */
