/* SPDX-License-Identifier: MIT */
#include "log_capture.h"

#include <cstdio>
#include <cstdlib>

namespace testenv {

v4l2dmabuf::LogSink LogCapture::sink()
{
	return [this](v4l2dmabuf::LogLevel level, const std::string &message) {
		static const bool debug = getenv("V4L2_TEST_DEBUG") != nullptr;
		entries_.emplace_back(level, message);
		if (level != v4l2dmabuf::LogLevel::Debug || debug)
			fprintf(stderr, "[%s] %s\n", tag_.c_str(), message.c_str());
	};
}

std::vector<std::string> LogCapture::at(v4l2dmabuf::LogLevel level) const
{
	std::vector<std::string> out;
	for (const auto &[l, message] : entries_)
		if (l == level)
			out.push_back(message);
	return out;
}

} /* namespace testenv */
