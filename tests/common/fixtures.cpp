/* SPDX-License-Identifier: MIT */
#include "fixtures.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>

#include "catch.h"
#include "fd_helpers.h"
#include "vivid.h"

namespace testenv {

namespace {

/* Cleared when the program's first test case (or SECTION run) ends. */
bool firstTestCase = true;

} /* namespace */

FdLeakCheck::FdLeakCheck() : count_(fdcheck::countOpenFds()), fds_(fdcheck::openFds())
{
	REQUIRE(count_ > 0);
}

FdLeakCheck::~FdLeakCheck() noexcept(false)
{
	const int count = fdcheck::countOpenFds();
	firstTestCase = false;
	INFO("open fds at set-up " << count_ << ", at teardown " << count << "; changes:"
				   << fdcheck::fdChanges(fds_, fdcheck::openFds()));
	if (std::uncaught_exceptions() > 0) {
		/* The test has failed already and is unwinding: report, do not throw again. */
		CHECK(count == count_);
		return;
	}
	REQUIRE(count == count_);
}

bool isFirstTestCase()
{
	return firstTestCase;
}

void skipUnless(bool present, const std::string &why)
{
	if (present)
		return;
	fprintf(stderr, "%s: skipping\n", why.c_str());
	std::cout.flush();
	fflush(nullptr);
	_exit(77);
}

void skipUnlessVivid()
{
	if (!firstTestCase)
		return;
	for (const char *node : {vivid::kSinglePlanar, vivid::kMultiPlanar}) {
		v4l2dmabuf::V4l2Device dev;
		skipUnless(dev.open(node) == 0 && dev.capability().driver == "vivid",
			   std::string(node) + " is not a vivid capture node");
	}
}

VividFixture::VividFixture()
{
	skipUnlessVivid();
}

v4l2dmabuf::V4l2Device &VividFixture::open(const char *node)
{
	v4l2dmabuf::V4l2Device &dev = devices_.emplace_back();
	dev.setLogSink(log.sink());
	REQUIRE(dev.open(node) == 0);
	return dev;
}

} /* namespace testenv */
