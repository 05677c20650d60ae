/* SPDX-License-Identifier: MIT */
#include "spa_log_sink.h"

namespace v4l2dmabuf {

namespace {

struct spa_log_topic topic = SPA_LOG_TOPIC(0, "spa.v4l2-dmabuf");

} /* namespace */

struct spa_log_topic *const kLogTopic = &topic;

void initLogTopic(struct spa_log *log)
{
	if (log)
		spa_log_topic_init(log, kLogTopic);
}

LogSink spaLogSink(struct spa_log *log, SinkLevels levels)
{
	return [log, levels](LogLevel level, const std::string &message) {
		if (levels == SinkLevels::AllDebug ||
		    (levels == SinkLevels::ErrorsOnly && level != LogLevel::Error))
			level = LogLevel::Debug;
		switch (level) {
		case LogLevel::Error:
			spa_log_error(log, "%s", message.c_str());
			break;
		case LogLevel::Warn:
			spa_log_warn(log, "%s", message.c_str());
			break;
		case LogLevel::Info:
			spa_log_info(log, "%s", message.c_str());
			break;
		case LogLevel::Debug:
			spa_log_debug(log, "%s", message.c_str());
			break;
		}
	};
}

} /* namespace v4l2dmabuf */
