/* SPDX-License-Identifier: MIT */
/*
 * main() of every test program on Catch2 2.13, where the single header holds
 * it. Catch2 3 brings its own (Catch2WithMain); meson.build picks one.
 */
#define CATCH_CONFIG_MAIN
#include "catch.h"
