/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>

namespace v4l2dmabuf {

/** Severity of a message from the V4L2 or DRM layer. */
enum class LogLevel { Error, Warn, Info, Debug };

/**
 * Where the layers below SPA send their messages. Each message already
 * names the device path. The default (empty) sink drops everything; the
 * SPA glue routes it to spa_log (spa/support/spa_log_sink.h), tools to
 * stderr.
 */
using LogSink = std::function<void(LogLevel level, const std::string &message)>;

/**
 * "No such device (19)" for @p negErrno = -ENODEV: strerror() of the
 * positive value and the positive number, as every log line of the
 * project prints an errno.
 */
std::string errnoString(int negErrno);

/** @p value as "0x%08x" (capability masks, fourccs, control ids in logs and properties). */
std::string hex32(uint32_t value);

/**
 * The text of a fixed-size, possibly unterminated character array of a
 * uAPI struct (v4l2_capability::card, v4l2_queryctrl::name, ...): up to
 * the first NUL or @p N bytes.
 */
template<size_t N>
std::string fixedString(const char (&s)[N])
{
	return std::string(s, strnlen(s, N));
}

/** As above, for the __u8 arrays of linux/videodev2.h. */
template<size_t N>
std::string fixedString(const unsigned char (&s)[N])
{
	const char *p = reinterpret_cast<const char *>(s);
	return std::string(p, strnlen(p, N));
}

} /* namespace v4l2dmabuf */
