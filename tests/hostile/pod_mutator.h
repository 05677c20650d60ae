/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <spa/pod/pod.h>

namespace hostile {

/**
 * A POD as raw 32-bit words (PODs are 8-byte aligned, every header field is
 * a uint32_t). words[0] is the outer size, words[1] the outer type.
 */
using PodWords = std::vector<uint32_t>;

/** Copies @p pod (header and body, SPA_POD_SIZE bytes, padded to 8) into words. */
PodWords toWords(const spa_pod *pod);

/**
 * The outer POD of @p w, made safe to hand to libpipewire's marshaller,
 * which copies SPA_POD_SIZE bytes of it: the outer size is clamped to what
 * the words hold. Everything inside stays as mutated.
 */
const spa_pod *asPod(PodWords &w);

/**
 * Seeded mutations of real PODs (std::mt19937_64: the same seed gives the
 * same sequence on every machine). Each mutant gets 1 to 3 of: bit flips,
 * a truncation, an interesting value in a random word (sizes: 0, 1, 7,
 * 0x7fffffff, 0xffffffff, 256 MiB...), a random type id in a random word, an
 * appended Choice(None) with no values and a String child claiming 256 MiB,
 * a Choice whose count does not match its body, a spliced copy of words.
 * With probability 15/16 the outer type stays Object, so that the daemon's
 * protocol layer (which wants an Object) passes the mutant to the node.
 */
class Mutator
{
public:
	explicit Mutator(uint64_t seed) : rng_(seed) {}

	/** A mutant of @p base; @p what gets a short description of the steps. */
	PodWords mutate(const PodWords &base, std::string *what);

	/** Uniform in [0, n). */
	uint32_t below(uint32_t n) { return n ? std::uniform_int_distribution<uint32_t>(0, n - 1)(rng_) : 0; }

private:
	std::mt19937_64 rng_;
};

/**
 * The crafted Props of issue 10: a Props object whose property @p key is a
 * Choice(None) with no values and a String child claiming 256 MiB (48 bytes
 * in all: the message that took the daemon down).
 */
PodWords hugeStringChoiceProps(uint32_t key);

/**
 * Hand-made hostile PODs for Props (set_param) and for filters
 * (enum_params); each with a name for the log.
 */
struct Crafted {
	std::string name;
	uint32_t paramId;
	PodWords words;
	/**
	 * As a consumer's EnumFormat, this POD hangs or crashes PipeWire's own
	 * code (0.3.65: pw_context_debug_port_params prints a failed link's
	 * params with spa_debug_pod, which trusts the sizes inside; a Choice of
	 * 0-byte values loops forever) before or whatever the node does.
	 */
	bool daemonBug = false;
};
std::vector<Crafted> craftedProps();
std::vector<Crafted> craftedFilters();

} /* namespace hostile */
