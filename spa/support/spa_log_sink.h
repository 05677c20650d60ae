/* SPDX-License-Identifier: MIT */
#pragma once

#include <spa/support/log.h>

#include "log.h"

namespace v4l2dmabuf {

/**
 * The plugin's log topic, "spa.v4l2-dmabuf": every message of the plugin
 * goes through it, so `PIPEWIRE_DEBUG=spa.v4l2-dmabuf:5` (or a
 * log.level rule) turns the plugin's messages up alone. Registered with
 * the host's spa_log at each handle's init (spa_log_topic_init).
 */
extern struct spa_log_topic *const kLogTopic;

/** Registers kLogTopic with @p log (may be null); call once per handle, at init. */
void initLogTopic(struct spa_log *log);

/** How spaLogSink() maps the layers' levels onto spa_log's. */
enum class SinkLevels {
	AsIs,       /**< each message at its own level */
	ErrorsOnly, /**< errors as errors, everything else at debug level */
	AllDebug,   /**< everything at debug level: probes whose failures are expected */
};

/**
 * A LogSink (base/log.h) that sends the V4L2 and DRM layers' messages to
 * @p log under kLogTopic, at levels as @p levels says. @p log may be null
 * (messages are dropped) and must outlive the sink.
 */
LogSink spaLogSink(struct spa_log *log, SinkLevels levels = SinkLevels::AsIs);

} /* namespace v4l2dmabuf */

/* Every spa_log_* call in the plugin's SPA files uses the plugin's topic. */
#undef SPA_LOG_TOPIC_DEFAULT
#define SPA_LOG_TOPIC_DEFAULT (::v4l2dmabuf::kLogTopic)
