/* SPDX-License-Identifier: MIT */
#include "texture_import.h"

#include <fcntl.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "convert.h"
#include "dmabuf_layout.h"
#include "unique_fd.h"

namespace v4l2dmabuf::viewer {

namespace {

#if GTK_CHECK_VERSION(4, 14, 0)
/* What a DMA-BUF texture keeps alive: its own fds and the pw_buffer. */
struct DmabufTextureHold {
	std::vector<UniqueFd> fds;
	std::shared_ptr<HeldBuffer> buffer;
};

GdkTexture *buildDmabufTexture(GdkDisplay *display, const Frame &frame, std::string *error)
{
	DmabufLayout layout;
	int res = dmabufLayout(*frame.format.info, frame.format.width, frame.format.height,
			       *frame.buffer, &layout);
	if (res < 0) {
		*error = std::string("no DMA-BUF layout: ") + strerror(-res);
		return nullptr;
	}

	auto hold = std::make_unique<DmabufTextureHold>();
	hold->buffer = frame.hold;
	GdkDmabufTextureBuilder *builder = gdk_dmabuf_texture_builder_new();
	gdk_dmabuf_texture_builder_set_display(builder, display);
	gdk_dmabuf_texture_builder_set_width(builder, layout.width);
	gdk_dmabuf_texture_builder_set_height(builder, layout.height);
	gdk_dmabuf_texture_builder_set_fourcc(builder, layout.drmFourcc);
	gdk_dmabuf_texture_builder_set_modifier(builder, layout.modifier);
	gdk_dmabuf_texture_builder_set_n_planes(builder, unsigned(layout.planes.size()));
	for (size_t i = 0; i < layout.planes.size(); i++) {
		const DmabufPlane &p = layout.planes[i];
		UniqueFd fd(fcntl(p.fd, F_DUPFD_CLOEXEC, 0));
		if (!fd.isValid()) {
			*error = std::string("cannot dup the plane fd: ") + strerror(errno);
			g_object_unref(builder);
			return nullptr;
		}
		gdk_dmabuf_texture_builder_set_fd(builder, unsigned(i), fd.get());
		gdk_dmabuf_texture_builder_set_offset(builder, unsigned(i), p.offset);
		gdk_dmabuf_texture_builder_set_stride(builder, unsigned(i), p.stride);
		hold->fds.push_back(std::move(fd));
	}

	GError *gerror = nullptr;
	GdkTexture *texture = gdk_dmabuf_texture_builder_build(
		builder, [](gpointer data) { delete static_cast<DmabufTextureHold *>(data); },
		hold.get(), &gerror);
	g_object_unref(builder);
	if (!texture) {
		/* GTK calls the destroy notify only for a texture it made. */
		*error = gerror ? gerror->message : "unknown error";
		g_clear_error(&gerror);
		return nullptr;
	}
	hold.release(); /* now the texture's, freed by the destroy notify */
	return texture;
}
#endif

GdkTexture *buildMemoryTexture(const Frame &frame, std::string *error)
{
	const FormatInfo *info = frame.format.info;
	const spa_buffer &buffer = *frame.buffer;
	const capture::MappedBuffer &mapped = *frame.mapped;
	if (info->kind != MediaKind::Raw) {
		*error = std::string(info->name) + " is encoded";
		return nullptr;
	}
	if (buffer.n_datas != info->memoryPlanes || mapped.planes.size() != buffer.n_datas) {
		*error = "the buffer has " + std::to_string(buffer.n_datas) + " datas, " + info->name +
			 " has " + std::to_string(info->memoryPlanes) + " planes";
		return nullptr;
	}

	capture::FrameView view;
	view.info = info;
	view.width = frame.format.width;
	view.height = frame.format.height;
	view.strides = chunkStrides(*info, view.width, buffer);
	std::vector<std::unique_ptr<capture::DmaBufReadSync>> syncs;
	for (uint32_t m = 0; m < buffer.n_datas; m++) {
		const spa_data &d = buffer.datas[m];
		const capture::MappedPlane &p = mapped.planes[m];
		if (!p.data || !d.chunk) {
			*error = "plane " + std::to_string(m) + " is not mapped";
			return nullptr;
		}
		size_t offset = d.chunk->offset, size = d.chunk->size;
		if (size == 0 && offset <= p.size)
			size = p.size - offset; /* DMA-BUF chunks may leave the size 0 */
		if (offset > p.size || size > p.size - offset) {
			*error = "chunk of plane " + std::to_string(m) + " outside its mapping";
			return nullptr;
		}
		if (d.type == SPA_DATA_DmaBuf)
			syncs.push_back(std::make_unique<capture::DmaBufReadSync>(p.fd));
		view.planes.push_back({p.data + offset, size});
	}

	auto image = std::make_unique<capture::RgbImage>();
	int res = capture::convertToRgb(view, image.get());
	syncs.clear(); /* SYNC_END: the CPU is done with the planes */
	if (res < 0) {
		*error = std::string("cannot convert: ") + strerror(-res);
		return nullptr;
	}
	int width = int(image->width), height = int(image->height);
	capture::RgbImage *raw = image.release();
	GBytes *bytes = g_bytes_new_with_free_func(raw->pixels.data(), raw->pixels.size(),
		[](gpointer data) { delete static_cast<capture::RgbImage *>(data); }, raw);
	GdkTexture *texture = gdk_memory_texture_new(width, height, GDK_MEMORY_R8G8B8, bytes,
						     size_t(width) * 3);
	g_bytes_unref(bytes);
	return texture;
}

} /* namespace */

bool dmabufImportCompiled()
{
#if GTK_CHECK_VERSION(4, 14, 0)
	return true;
#else
	return false;
#endif
}

FrameTexture makeFrameTexture(GdkDisplay *display, Frame &frame, bool tryDmabuf)
{
	FrameTexture result;
#if GTK_CHECK_VERSION(4, 14, 0)
	if (tryDmabuf) {
		result.texture = buildDmabufTexture(display, frame, &result.dmabufError);
		if (result.texture) {
			result.path = TexturePath::Dmabuf;
			return result;
		}
	}
#else
	(void)display;
	if (tryDmabuf)
		result.dmabufError = "GTK " + std::to_string(GTK_MAJOR_VERSION) + "." +
				     std::to_string(GTK_MINOR_VERSION) +
				     " has no GdkDmabufTextureBuilder (4.14)";
#endif
	result.texture = buildMemoryTexture(frame, &result.memoryError);
	result.path = result.texture ? TexturePath::Memory : TexturePath::Failed;
	return result;
}

} /* namespace v4l2dmabuf::viewer */
