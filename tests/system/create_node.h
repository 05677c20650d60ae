/* SPDX-License-Identifier: MIT */
#pragma once

#include <map>
#include <string>

/** What the daemon answered to a node creation. */
struct CreateNodeResult {
	bool created = false; /**< no error before the round trip completed */
	int res = 0;          /**< the core error's negative errno, 0 if none */
	std::string message;  /**< the core error's message */
};

/**
 * Asks the PipeWire daemon to create a node with spa-node-factory and
 * @p props, then waits for the round trip, so that an asynchronous creation
 * error is seen (pw-cli exits before it arrives). The node, if created, is
 * destroyed when this returns.
 */
CreateNodeResult createNode(const std::map<std::string, std::string> &props);
