// zonal-node's zones.* settings: their defaults are the protocol core's (zonal::PeerConfig), the
// same the simulator uses, and zones.entry parses and rejects like every choice.
#include <gtest/gtest.h>

#include <CLI/CLI.hpp>

#include "node_config.hpp"
#include "scenario_text.hpp"

namespace zonal::node {
namespace {

NodeConfig load(std::vector<std::string> args) {
  CLI::App app;
  ConfigLoader loader(node_schema(), "ZONAL_ZONE_TEST_");
  loader.add_flags(app);
  std::vector<const char*> argv{"zonal-node"};
  for (const auto& a : args) argv.push_back(a.c_str());
  app.parse(static_cast<int>(argv.size()), argv.data());
  return parse_node_config(loader.load());
}

TEST(NodeZoneConfig, DefaultsAreTheCoresAndTheSimulatorsDefaults) {
  const NodeConfig node = load({});
  const PeerConfig core;
  const sim::Scenario simulated = sim::test::parse_text(R"({"name": "d"})").runs[0].scenario;
  EXPECT_EQ(node.peer.zone_placement, core.zone_placement);
  EXPECT_EQ(node.peer.publish_replicas, core.publish_replicas);
  EXPECT_EQ(node.peer.zone_entry, core.zone_entry);
  EXPECT_EQ(simulated.zones.placement, core.zone_placement);
  EXPECT_EQ(simulated.zones.publish_replicas, core.publish_replicas);
  EXPECT_EQ(simulated.zones.entry, core.zone_entry);
}

TEST(NodeZoneConfig, EntryAndPlacementFlags) {
  const NodeConfig c = load({"--zones-placement", "random", "--zones-entry", "any-keeper", "--zones-publish-replicas", "4"});
  EXPECT_EQ(c.peer.zone_placement, ZonePlacement::random);
  EXPECT_EQ(c.peer.zone_entry, ZoneEntry::any_keeper);
  EXPECT_EQ(c.peer.publish_replicas, 4u);
  try {
    load({"--zones-entry", "first"});
    FAIL() << "zones.entry first was accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("zones.entry"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace zonal::node
