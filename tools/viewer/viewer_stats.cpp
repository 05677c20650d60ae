/* SPDX-License-Identifier: MIT */
#include "viewer_stats.h"

#include <dirent.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "dmabuf.h"
#include "spa_names.h"

namespace v4l2dmabuf::viewer {

void ViewerStats::addFrame(int64_t nowNs, std::optional<uint64_t> seq, uint32_t dataType)
{
	frames_++;
	dataType_ = dataType;
	if (seq)
		sequence_.add(*seq);
	times_.push_back(nowNs);
	while (times_.size() > 2 && times_.back() - times_.front() > kWindowNs)
		times_.pop_front();
}

void ViewerStats::addTexture(TexturePath path)
{
	switch (path) {
	case TexturePath::Dmabuf: dmabufTextures_++; break;
	case TexturePath::Memory: memoryTextures_++; break;
	case TexturePath::Failed: failedTextures_++; break;
	}
}

std::string ViewerStats::dataType() const
{
	return dataType_ ? dataTypeName(*dataType_) : "none";
}

double ViewerStats::fps() const
{
	if (times_.size() < 2 || times_.back() <= times_.front())
		return 0;
	return double(times_.size() - 1) * 1e9 / double(times_.back() - times_.front());
}

std::string ViewerStats::statusLine() const
{
	char line[256];
	snprintf(line, sizeof(line), "%.1f fps   %s%s%s%s   gaps %llu   textures: %llu dmabuf, %llu memory%s",
		 fps(), dataType().c_str(), exporter_.empty() ? "" : " (", exporter_.c_str(),
		 exporter_.empty() ? "" : ")", static_cast<unsigned long long>(gaps()),
		 static_cast<unsigned long long>(dmabufTextures_),
		 static_cast<unsigned long long>(memoryTextures_),
		 failedTextures_ ? ", some failed" : "");
	return line;
}

std::string ViewerStats::reportLine() const
{
	char line[512];
	snprintf(line, sizeof(line),
		 "viewer: frames=%llu textures_dmabuf=%llu textures_memory=%llu textures_failed=%llu "
		 "gaps=%llu type=%s fps=%.1f exporter=%s controls=%llu controls_set=%llu",
		 static_cast<unsigned long long>(frames_),
		 static_cast<unsigned long long>(dmabufTextures_),
		 static_cast<unsigned long long>(memoryTextures_),
		 static_cast<unsigned long long>(failedTextures_),
		 static_cast<unsigned long long>(gaps()), dataType().c_str(), fps(),
		 exporter_.empty() ? "-" : exporter_.c_str(), static_cast<unsigned long long>(controls_),
		 static_cast<unsigned long long>(controlsSet_));
	std::string result = line;
	if (!remote_.empty())
		result += " remote=" + remote_ + " node=" + (node_.empty() ? "-" : node_);
	if (openDmabufs_ >= 0)
		result += " open_dmabufs=" + std::to_string(openDmabufs_);
	return result;
}

int countOpenDmabufs()
{
	DIR *dir = opendir("/proc/self/fd");
	if (!dir)
		return -errno;
	int self = dirfd(dir), n = 0;
	while (dirent *e = readdir(dir)) {
		char *end = nullptr;
		long fd = strtol(e->d_name, &end, 10);
		if (*end || end == e->d_name || fd == self)
			continue;
		n += !dmabufExporter(int(fd)).empty();
	}
	closedir(dir);
	return n;
}

} /* namespace v4l2dmabuf::viewer */
