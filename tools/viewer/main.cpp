/* SPDX-License-Identifier: MIT */
/*
 * v4l2-dmabuf-viewer: shows a PipeWire camera node in a GTK 4 window (see
 * --help and README.md, "The viewer").
 */
#include <gtk/gtk.h>
#include <pipewire/pipewire.h>

#include <cstdio>

#include "viewer_options.h"
#include "viewer_window.h"

using namespace v4l2dmabuf::viewer;

int main(int argc, char **argv)
{
	ViewerOptions opts;
	std::string error;
	if (parseViewerOptions(argc, argv, &opts, &error) < 0) {
		fprintf(stderr, "%s: %s\n%s", argv[0], error.c_str(), viewerUsage(argv[0]).c_str());
		return 2;
	}
	if (opts.help) {
		fputs(viewerUsage(argv[0]).c_str(), stdout);
		return 0;
	}
	if (!gtk_init_check()) {
		fprintf(stderr, "%s: cannot open a display (DISPLAY, WAYLAND_DISPLAY)\n", argv[0]);
		return 1;
	}
	pw_init(nullptr, nullptr);
	int status;
	{
		ViewerWindow window(opts);
		status = window.run();
	}
	pw_deinit();
	return status;
}
