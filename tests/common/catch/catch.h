/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * The one Catch2 include of every test, for Catch2 2.13 (Debian bookworm:
 * the single header catch2/catch.hpp) and Catch2 3.x (trixie and later:
 * catch2/catch_all.hpp, a compiled library with its own main).
 *
 * The tests use only what both versions spell the same way: TEST_CASE,
 * TEST_CASE_METHOD, SECTION, REQUIRE/CHECK and their _FALSE forms, INFO,
 * FAIL, hidden tests tagged [.] and test specs, and Approx, which Catch2 3
 * moved into namespace Catch (brought back to the global one below).
 */
#if __has_include(<catch2/catch_all.hpp>)
#include <catch2/catch_all.hpp>
using Catch::Approx;
#elif __has_include(<catch2/catch.hpp>)
#include <catch2/catch.hpp>
#else
#error "no Catch2: install Catch2 2.13 or 3.x"
#endif
