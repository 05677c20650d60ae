/* SPDX-License-Identifier: MIT */
#pragma once

#include <list>
#include <map>
#include <string>

#include "fixtures.h"
#include "node_host.h"

namespace testenv {

/** The factory of the source node. */
inline constexpr const char kFactory[] = "v4l2-dmabuf.source";

/** A source node's properties for V4L2 capture node @p path. */
inline std::map<std::string, std::string> deviceProps(const char *path)
{
	return {{"api.v4l2.path", path}};
}

/**
 * The source node hosted without a daemon (NodeHost) against the test VM's
 * vivid: hosts made here are destroyed, with their nodes, before the fd
 * leak check. The program's first test case ends it with 77 (skipped) where
 * vivid's capture nodes are not there.
 */
class NodeFixture : public FdLeakCheck
{
public:
	NodeFixture();

	/** A host with no node yet, for loads that must fail. */
	NodeHost &newHost();
	/** A host with a source node made with @p props; REQUIREs that it loads. */
	NodeHost &node(const std::map<std::string, std::string> &props);
	/** A host with a source node for capture node @p path. */
	NodeHost &node(const char *path) { return node(deviceProps(path)); }

private:
	std::list<NodeHost> hosts_;
};

} /* namespace testenv */
