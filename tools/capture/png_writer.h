/* SPDX-License-Identifier: MIT */
#pragma once

#include <string>

#include "convert.h"

namespace v4l2dmabuf::capture {

/**
 * Writes @p image (8-bit RGB) to @p path as a PNG, with libpng.
 * @return 0; -EINVAL for an empty or inconsistent image; -EIO when libpng
 * fails (its message in @p error, if given).
 */
int writePng(const std::string &path, const RgbImage &image, std::string *error = nullptr);

} /* namespace v4l2dmabuf::capture */
