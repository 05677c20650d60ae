/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * Catch2 fixtures of the layers' tests (TEST_CASE_METHOD). Each records the
 * process's open fds when a test case starts and REQUIREs the same count
 * when it ends, after everything the test and the fixture opened is closed:
 * the leak check every test of a layer that owns fds needs.
 */

#include <list>
#include <map>
#include <string>

#include "log_capture.h"
#include "v4l2_device.h"

namespace testenv {

/** The fd leak check alone; derived fixtures' members close before it runs. */
class FdLeakCheck
{
public:
	FdLeakCheck();
	~FdLeakCheck() noexcept(false); /* REQUIRE throws on failure */
	FdLeakCheck(const FdLeakCheck &) = delete;
	FdLeakCheck &operator=(const FdLeakCheck &) = delete;

	/** How many fds were open when the test case started. */
	int fdsAtSetUp() const { return count_; }

private:
	int count_;
	std::map<int, std::string> fds_;
};

/** A layer's unit test: the leak check and the sink collecting the layer's messages. */
class LayerFixture : public FdLeakCheck
{
protected:
	LogCapture log;
};

/**
 * A test against the test VM's vivid (`vivid n_devs=2 multiplanar=1,2`,
 * tests/common/vivid.h): open() gives devices that log into @ref log and
 * are closed before the leak check.
 *
 * The program's first test case ends the program with 77 (skipped) where
 * vivid's two capture nodes are not there (skipUnlessVivid()); in later
 * ones a missing node fails the test that needs it.
 */
class VividFixture : public LayerFixture
{
public:
	VividFixture();

	/** Opens capture node @p node with the fixture's sink; REQUIREs that it opens. */
	v4l2dmabuf::V4l2Device &open(const char *node);

private:
	std::list<v4l2dmabuf::V4l2Device> devices_;
};

/** Whether the program's first test case is running (no fixture has been torn down yet). */
bool isFirstTestCase();

/**
 * Ends the test program with 77 (skipped), saying @p why, unless @p present.
 * For the checks of the first test case: a test program runs where its
 * devices are or not at all.
 */
void skipUnless(bool present, const std::string &why);

/** In the first test case, skipUnless() the VM's vivid capture nodes are vivid's. */
void skipUnlessVivid();

} /* namespace testenv */
