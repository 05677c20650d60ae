/* SPDX-License-Identifier: MIT */
#pragma once

#include <spa/support/plugin.h>

namespace v4l2dmabuf {

/** Factory name of the source node: a public name users put in configs. */
inline constexpr const char kSourceFactoryName[] = "api.v4l2-dmabuf.source";

/**
 * `api.v4l2-dmabuf.source`: makes a SourceNode from the handle info
 * (`api.v4l2.path` = the V4L2 capture node). init() returns the node's
 * negative errno when the device cannot be opened as a capture device.
 */
extern const struct spa_handle_factory sourceFactory;

} /* namespace v4l2dmabuf */
