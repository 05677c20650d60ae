/* SPDX-License-Identifier: MIT */
#pragma once

#include <sys/types.h>

/**
 * A child process forked while the test is still root, that stays root when
 * the test drops its privileges: it changes the mode and owner of files on
 * request, and when the test ends (or dies) puts back the mode and owner
 * every touched file had before its first change.
 */
class RootHelper
{
public:
	RootHelper();
	/** Closes the request pipe and waits for the helper to restore and exit. */
	~RootHelper();
	RootHelper(const RootHelper &) = delete;
	RootHelper &operator=(const RootHelper &) = delete;

	bool running() const { return pid_ > 0; }
	/** chmod(2) in the helper: 0 or -errno. */
	int chmod(const char *path, mode_t mode);
	/** chown(2) in the helper: 0 or -errno. */
	int chown(const char *path, uid_t uid, gid_t gid);

private:
	int request(char op, const char *path, unsigned a, unsigned b);

	pid_t pid_ = -1;
	int toHelper_ = -1;
	int fromHelper_ = -1;
};

/**
 * Drops every privilege for good: no supplementary groups, real, effective
 * and saved ids @p uid / @p gid. @return 0 or -errno.
 */
int dropPrivileges(uid_t uid, gid_t gid);
