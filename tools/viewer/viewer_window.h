/* SPDX-License-Identifier: MIT */
#pragma once

#include <memory>

#include "viewer_options.h"

namespace v4l2dmabuf::viewer {

/**
 * The viewer: a GTK window showing the stream's newest frame (GtkPicture),
 * a status line (fps, memory type and exporter, gaps, texture counts) and
 * the node's controls. gtk_init() must have been called.
 */
class ViewerWindow
{
public:
	explicit ViewerWindow(const ViewerOptions &options);
	~ViewerWindow();
	ViewerWindow(const ViewerWindow &) = delete;
	ViewerWindow &operator=(const ViewerWindow &) = delete;

	/**
	 * Shows the window and runs until it is closed, --frames frames were
	 * shown, SIGINT/SIGTERM, or a stream error. Then prints the report and
	 * writes the screenshot if asked.
	 * @return the exit status: 0 when frames arrived (or the window was
	 * closed without error before any), 1 on a stream error or none at all.
	 */
	int run();

private:
	struct Impl;
	std::unique_ptr<Impl> impl_;
};

} /* namespace v4l2dmabuf::viewer */
