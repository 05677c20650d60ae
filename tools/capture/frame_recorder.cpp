/* SPDX-License-Identifier: MIT */
#include "frame_recorder.h"

#include <algorithm>
#include <cstring>

#include <spa/buffer/meta.h>

#include "png_writer.h"

namespace v4l2dmabuf::capture {

namespace {

template<typename T>
void addDistinct(std::vector<T> *v, const T &item)
{
	if (std::find(v->begin(), v->end(), item) == v->end())
		v->push_back(item);
}

} /* namespace */

void FrameRecorder::addFrame(const spa_buffer &buffer, const MappedBuffer &mapped, int64_t nowNs,
			     bool readPixels)
{
	frames_++;
	if (firstFrameNs_ < 0)
		firstFrameNs_ = nowNs;
	addDistinct(&datasPerBuffer_, buffer.n_datas);

	bool corrupted = false;
	auto *header = static_cast<spa_meta_header *>(
		spa_buffer_find_meta_data(&buffer, SPA_META_Header, sizeof(spa_meta_header)));
	if (header) {
		sequence_.add(header->seq);
		if (header->pts > 0)
			latenciesNs_.push_back(nowNs - header->pts);
		corrupted = header->flags & SPA_META_HEADER_FLAG_CORRUPTED;
	}

	lastPlanes_.assign(buffer.n_datas, PlaneReport{});
	lastBytes_.resize(buffer.n_datas);
	lastComplete_ = true;
	for (uint32_t i = 0; i < buffer.n_datas; i++) {
		const spa_data &d = buffer.datas[i];
		PlaneReport &report = lastPlanes_[i];
		report.dataType = dataTypeName(d.type);
		addDistinct(&dataTypes_, report.dataType);
		report.maxsize = d.maxsize;
		report.mapOffset = d.mapoffset;
		const MappedPlane *plane = i < mapped.planes.size() ? &mapped.planes[i] : nullptr;
		if (plane)
			report.exporter = plane->exporter;
		if (!d.chunk) {
			lastComplete_ = false;
			continue;
		}
		report.chunkOffset = d.chunk->offset;
		report.chunkSize = d.chunk->size;
		report.stride = uint32_t(d.chunk->stride);
		bytes_ += d.chunk->size;
		corrupted |= (d.chunk->flags & SPA_CHUNK_FLAG_CORRUPTED) != 0;

		if (!plane || !plane->data) {
			lastComplete_ = false;
			continue;
		}
		/* A chunk size of 0 is allowed for DMA-BUF: then all past the offset. */
		size_t offset = d.chunk->offset, size = d.chunk->size;
		if (size == 0 && offset <= plane->size)
			size = plane->size - offset;
		if (offset > plane->size || size > plane->size - offset) {
			badChunks_++;
			lastComplete_ = false;
			continue;
		}

		if (!readPixels) {
			lastComplete_ = false;
			continue;
		}
		/* Read the pixels; for a DMA-BUF the CPU access is bracketed by SYNC. */
		DmaBufReadSync sync(d.type == SPA_DATA_DmaBuf ? plane->fd : -1);
		if (sync.status() < 0)
			syncErrors_++;
		lastBytes_[i].assign(plane->data + offset, plane->data + offset + size);
		if (sync.end() < 0)
			syncErrors_++;
	}
	corrupted_ += corrupted;
}

bool FrameRecorder::lastFrameView(FrameView *view, std::string *why) const
{
	const FormatInfo *info = format_.info;
	if (!info) {
		*why = "no format negotiated";
		return false;
	}
	if (info->kind != MediaKind::Raw) {
		*why = std::string(info->name) + " is encoded: no PNG, no means";
		return false;
	}
	if (frames_ == 0 || !lastComplete_) {
		*why = "the last frame could not be read";
		return false;
	}
	if (lastBytes_.size() != info->memoryPlanes) {
		*why = "the last frame has " + std::to_string(lastBytes_.size()) + " planes, " +
		       info->name + " has " + std::to_string(info->memoryPlanes);
		return false;
	}

	view->info = info;
	view->width = format_.width;
	view->height = format_.height;
	for (uint32_t m = 0; m < info->memoryPlanes; m++) {
		uint32_t stride = lastPlanes_[m].stride;
		if (stride == 0) {
			/* No stride given: assume a tight first colour plane. */
			for (uint8_t c = 0; c < info->colourPlaneCount; c++) {
				const ColourPlane &cp = info->colourPlanes[c];
				if (cp.memoryPlane == m) {
					stride = (format_.width + cp.hsub - 1) / cp.hsub * cp.bytesPerSample;
					break;
				}
			}
		}
		view->strides.push_back(stride);
		view->planes.push_back({lastBytes_[m].data(), lastBytes_[m].size()});
	}
	return true;
}

void FrameRecorder::finish(const std::string &pngPath, CaptureResult *r) const
{
	r->frames = frames_;
	r->bytes = bytes_;
	r->sequenceGaps = sequence_.gaps();
	r->corrupted = corrupted_;
	r->syncErrors = syncErrors_;
	r->badChunks = badChunks_;
	r->buffers = buffers_;
	r->dataTypesSeen = dataTypes_;
	r->datasPerBufferSeen = datasPerBuffer_;
	r->planes = lastPlanes_;
	r->latency = latencyStats(latenciesNs_);
	r->timeToFirstFrameMs = firstFrameNs_ < 0 ? -1 : (firstFrameNs_ - connectNs_) / 1e6;

	FrameView view;
	std::string why;
	if (!lastFrameView(&view, &why)) {
		if (!pngPath.empty())
			r->pngNote = why;
		return;
	}
	int ret = channelMeans(view, &r->means);
	if (ret < 0) {
		r->pngNote = "cannot read the last frame: " + std::string(strerror(-ret));
		return;
	}
	if (pngPath.empty())
		return;

	RgbImage image;
	std::string error;
	if ((ret = convertToRgb(view, &image)) < 0)
		r->pngNote = "cannot convert the last frame: " + std::string(strerror(-ret));
	else if (writePng(pngPath, image, &error) < 0)
		r->pngNote = "cannot write " + pngPath + ": " + error;
	else
		r->pngPath = pngPath;
}

} /* namespace v4l2dmabuf::capture */
