/* SPDX-License-Identifier: MIT */
#pragma once

#include <memory>
#include <string>

#include <gtk/gtk.h>

#include "viewer_stats.h"
#include "viewer_stream.h"

namespace v4l2dmabuf::viewer {

/** A texture made from one frame, and which way it was made. */
struct FrameTexture {
	GdkTexture *texture = nullptr; /**< owned reference; nullptr when both ways failed */
	TexturePath path = TexturePath::Failed;
	std::string dmabufError; /**< why no DMA-BUF texture (empty when one was made or not tried) */
	std::string memoryError; /**< why no memory texture */
};

/** Whether this build can import DMA-BUFs (GTK >= 4.14 at compile time). */
bool dmabufImportCompiled();

/**
 * Makes a texture of @p frame. With @p tryDmabuf and GTK >= 4.14, a
 * GdkDmabufTexture of the frame's DMA-BUF planes (DRM fourcc of the format
 * table, modifier LINEAR): it owns a dup of each plane's fd and keeps
 * @p frame.hold (so the pw_buffer is queued back only when GTK releases the
 * texture, in its destroy notify). Otherwise, or when GTK refuses it, the
 * planes' read mappings are converted to RGB (BT.601 limited range, the
 * capture library's convertToRgb; DMA_BUF_IOCTL_SYNC around the reads) into
 * a GdkMemoryTexture, and the buffer is not kept.
 */
FrameTexture makeFrameTexture(GdkDisplay *display, Frame &frame, bool tryDmabuf);

} /* namespace v4l2dmabuf::viewer */
