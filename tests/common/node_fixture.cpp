/* SPDX-License-Identifier: MIT */
#include "node_fixture.h"

#include "catch.h"

namespace testenv {

NodeFixture::NodeFixture()
{
	skipUnlessVivid();
}

NodeHost &NodeFixture::newHost()
{
	return hosts_.emplace_back();
}

NodeHost &NodeFixture::node(const std::map<std::string, std::string> &props)
{
	NodeHost &host = newHost();
	REQUIRE(host.load(kFactory, props) == 0);
	return host;
}

} /* namespace testenv */
