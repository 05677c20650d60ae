/* SPDX-License-Identifier: MIT */
#include "png_writer.h"

#include <cerrno>
#include <cstring>

#include <png.h>

namespace v4l2dmabuf::capture {

int writePng(const std::string &path, const RgbImage &image, std::string *error)
{
	if (image.width == 0 || image.height == 0 ||
	    image.pixels.size() != size_t(image.width) * image.height * 3) {
		if (error)
			*error = "empty or inconsistent image";
		return -EINVAL;
	}

	/* libpng's simplified API: no setjmp, errors reported in the struct. */
	png_image png;
	memset(&png, 0, sizeof(png));
	png.version = PNG_IMAGE_VERSION;
	png.width = image.width;
	png.height = image.height;
	png.format = PNG_FORMAT_RGB;
	if (!png_image_write_to_file(&png, path.c_str(), 0, image.pixels.data(),
				     png_int_32(image.width * 3), nullptr)) {
		if (error)
			*error = png.message;
		png_image_free(&png);
		return -EIO;
	}
	png_image_free(&png);
	return 0;
}

} /* namespace v4l2dmabuf::capture */
