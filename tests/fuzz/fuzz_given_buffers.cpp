/* SPDX-License-Identifier: MIT */
/*
 * Fuzzer (e): validateGivenBuffers() (spa/support/given_buffers.h) on
 * spa_buffer arrays described by the input: plane count and sizes of the
 * format, buffer count, null buffers/datas/chunks, data types, fds (-1, a
 * few open ones, 2^32 + n, INT_MAX + 1, INT64_MIN), offsets, sizes, and
 * what each fd is (closed, DMA-BUF or memfd of some size) through a fake
 * probe. What it accepts must satisfy what CaptureBuffers then relies on.
 *
 * Input, read from the front (0 once used up): u8 flags (1 alloc,
 * 2 convert, 4 null array); u8 planes (% 4), u32 sizeimage each; u8
 * buffers (% 9); for fds 3..6: u8 kind (% 3), u32 size; per buffer: u8
 * flags (1 null buffer, 2 null datas), u8 n_datas (% 5), per data: u32
 * type, u8 fd selector, u32 mapoffset, u32 maxsize, u8 flags (1 mapped,
 * 2 null chunk).
 */
#include <climits>
#include <vector>

#include "fuzz_input.h"
#include "given_buffers.h"

using namespace v4l2dmabuf;

namespace {

struct Fds {
	GivenFdInfo info[4]; /* fds 3..6 */
	GivenFdInfo probe(int fd) const
	{
		return fd >= 3 && fd <= 6 ? info[fd - 3] : GivenFdInfo{};
	}
};

int64_t fdFor(uint8_t selector)
{
	switch (selector % 8) {
	case 0: return -1;
	case 1: case 2: case 3: case 4: return 2 + selector % 8; /* 3..6 */
	case 5: return (int64_t(1) << 32) + 3;                   /* int() of it is 3 */
	case 6: return int64_t(INT_MAX) + 1;
	default: return INT64_MIN;
	}
}

} /* namespace */

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz::Reader r(data, size);
	uint8_t flags = r.take<uint8_t>();
	GivenBuffersUse use;
	use.alloc = flags & 1;
	use.convert = flags & 2;

	std::vector<V4l2PlaneFormat> planes(r.take<uint8_t>() % 4);
	for (V4l2PlaneFormat &p : planes)
		p.sizeimage = r.take<uint32_t>();
	uint32_t n = r.take<uint8_t>() % 9;
	Fds fds;
	for (GivenFdInfo &f : fds.info) {
		f.kind = static_cast<GivenFdInfo::Kind>(r.take<uint8_t>() % 3);
		f.size = r.take<uint32_t>();
	}

	static uint8_t mapped[64];
	std::vector<struct spa_buffer> buffers(n);
	std::vector<std::vector<struct spa_data>> datas(n);
	std::vector<std::vector<struct spa_chunk>> chunks(n);
	std::vector<struct spa_buffer *> list(n);
	for (uint32_t i = 0; i < n; i++) {
		uint8_t bflags = r.take<uint8_t>();
		uint32_t count = r.take<uint8_t>() % 5;
		datas[i].resize(count);
		chunks[i].resize(count);
		for (uint32_t p = 0; p < count; p++) {
			struct spa_data &d = datas[i][p];
			d.type = r.take<uint32_t>();
			if (d.type < 0x100)
				d.type %= 6; /* mostly the real types */
			d.fd = fdFor(r.take<uint8_t>());
			d.mapoffset = r.take<uint32_t>();
			d.maxsize = r.take<uint32_t>();
			uint8_t dflags = r.take<uint8_t>();
			d.data = (dflags & 1) ? mapped : nullptr;
			d.chunk = (dflags & 2) ? nullptr : &chunks[i][p];
		}
		buffers[i].n_datas = count;
		buffers[i].datas = (bflags & 2) ? nullptr : datas[i].data();
		list[i] = (bflags & 1) ? nullptr : &buffers[i];
	}

	GivenMemory memory = GivenMemory::None;
	auto probe = [&fds](int fd) { return fds.probe(fd); };
	struct spa_buffer *const *array = (flags & 4) ? nullptr : list.data();
	if (validateGivenBuffers(array, n, planes, use, probe, &memory, nullptr) < 0)
		return 0;

	/* What CaptureBuffers relies on once the buffers are accepted. */
	for (uint32_t i = 0; i < n; i++) {
		const struct spa_buffer *b = array[i];
		if (b == nullptr || b->datas == nullptr || b->n_datas != planes.size())
			__builtin_trap();
		for (uint32_t p = 0; p < planes.size(); p++) {
			const struct spa_data &d = b->datas[p];
			d.chunk->size = 0; /* use() writes every chunk */
			if (use.alloc)
				continue;
			if (use.convert) {
				if (d.data == nullptr || d.maxsize < planes[p].sizeimage)
					__builtin_trap();
				continue;
			}
			if (d.type == SPA_DATA_DmaBuf) {
				GivenFdInfo info = fds.probe(int(d.fd));
				if (d.fd < 0 || d.fd > INT_MAX || info.kind != GivenFdInfo::Kind::DmaBuf ||
				    info.size < planes[p].sizeimage || d.mapoffset != 0 ||
				    memory != GivenMemory::DmaBuf)
					__builtin_trap();
			} else {
				if (memory != GivenMemory::UserPtr || d.maxsize < planes[p].sizeimage)
					__builtin_trap();
				if (d.data == nullptr) {
					GivenFdInfo info = fds.probe(int(d.fd));
					if (uint64_t(d.mapoffset) + d.maxsize > info.size)
						__builtin_trap();
				}
			}
		}
	}
	return 0;
}
