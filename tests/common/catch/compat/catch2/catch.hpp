/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * Catch2 3 has no catch2/catch.hpp. Test sources that still include it by
 * that name get the compat header through this file, which is on the
 * include path only with Catch2 3 (meson.build beside ../..). Remove it
 * once every test includes "catch.h".
 */
#include "catch.h" /* tests/common/catch/, also on the include path */
