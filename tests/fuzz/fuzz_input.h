/* SPDX-License-Identifier: MIT */
/*
 * The fuzz input as a POD in memory of exactly its size (ASan then reports
 * any read past it), aligned as PipeWire's messages are (malloc: 16).
 * @p slack zeroed bytes may follow, to keep a known over-read from hiding
 * everything else (see fuzz_props.cpp).
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>

namespace v4l2dmabuf::fuzz {

class FuzzInput
{
public:
	FuzzInput(const uint8_t *data, size_t size, size_t slack = 0)
		: bytes_(new uint8_t[size + slack ? size + slack : 1]()), size_(size)
	{
		if (size)
			memcpy(bytes_.get(), data, size);
	}
	const uint8_t *data() const { return bytes_.get(); }
	uint8_t *data() { return bytes_.get(); }
	size_t size() const { return size_; }

private:
	std::unique_ptr<uint8_t[]> bytes_;
	size_t size_;
};

/* Reads little fields off the front of an input; 0 once it is used up. */
class Reader
{
public:
	Reader(const uint8_t *data, size_t size) : data_(data), size_(size) {}
	template <typename T> T take()
	{
		T v{};
		size_t n = sizeof(T) < size_ - pos_ ? sizeof(T) : size_ - pos_;
		memcpy(&v, data_ + pos_, n);
		pos_ += n;
		return v;
	}

private:
	const uint8_t *data_;
	size_t size_;
	size_t pos_ = 0;
};

} /* namespace v4l2dmabuf::fuzz */
