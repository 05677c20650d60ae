/* SPDX-License-Identifier: MIT */
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "v4l2_device.h" /* LogSink, LogLevel: one logging type for every layer */

namespace testenv {

/**
 * Collects what a layer logs through its LogSink (V4l2Device, DrmAllocator),
 * and echoes it to stderr as "[tag] message"; Debug messages only with
 * V4L2_TEST_DEBUG set. Must outlive every object given its sink().
 */
class LogCapture
{
public:
	explicit LogCapture(std::string tag = "log") : tag_(std::move(tag)) {}
	LogCapture(const LogCapture &) = delete;
	LogCapture &operator=(const LogCapture &) = delete;

	/** A sink that records into this capture. */
	v4l2dmabuf::LogSink sink();
	/** The messages logged at @p level so far, oldest first. */
	std::vector<std::string> at(v4l2dmabuf::LogLevel level) const;
	std::vector<std::string> errors() const { return at(v4l2dmabuf::LogLevel::Error); }
	void clear() { entries_.clear(); }

private:
	std::string tag_;
	std::vector<std::pair<v4l2dmabuf::LogLevel, std::string>> entries_;
};

} /* namespace testenv */
