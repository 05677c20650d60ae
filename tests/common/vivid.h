/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <string>

/**
 * Test helpers for the kernel's vivid driver as the test VM loads it
 * (`vivid n_devs=2 multiplanar=1,2`): instance 0 single-planar (capture
 * /dev/video0, output /dev/video1), instance 1 multi-planar (capture
 * /dev/video4, output /dev/video5).
 */
namespace vivid {

inline constexpr const char kSinglePlanar[] = "/dev/video0";
inline constexpr const char kSinglePlanarOutput[] = "/dev/video1";
inline constexpr const char kMultiPlanar[] = "/dev/video4";

/** vivid's `test_pattern` menu entries used by the tests. */
enum Pattern { kWhite = 6, kRed = 7 };

/*
 * The solid patterns in limited-range BT.601 Y'CbCr, as vivid's test
 * pattern generator makes them (Linux 6.1): 100% white is Y 235 with
 * neutral chroma, 100% red Y 81, Cb 90, Cr 240. In the frames themselves
 * every white luma sample is 234, one code under the nominal value (the
 * generator's rounding): checks of single samples use kWhiteYSample.
 */
inline constexpr int kWhiteY = 235;
inline constexpr int kWhiteYSample = 234;
inline constexpr int kWhiteC = 128;
inline constexpr int kRedY = 81;
inline constexpr int kRedCb = 90;
inline constexpr int kRedCr = 240;
/** How many codes either way a sample or a mean of vivid's may be off. */
inline constexpr int kTolerance = 3;

/**
 * Sets a solid test pattern and turns the on-screen text off, with
 * v4l2-ctl (v4l-utils). @return v4l2-ctl's exit status (0 on success).
 */
int setSolidPattern(const char *device, Pattern pattern);

/**
 * Mean of every @p step-th byte from @p first in each of @p lines lines of
 * @p stride bytes, @p lineBytes bytes used per line.
 */
double meanBytes(const uint8_t *data, uint32_t stride, uint32_t lineBytes, uint32_t lines,
		 uint32_t first = 0, uint32_t step = 1);

} /* namespace vivid */
