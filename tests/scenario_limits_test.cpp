// Rejection tests for the scenario keys that had none: each bound of docs/scenarios.md is refused
// just past it with an error naming the field, and accepted at it.
#include <gtest/gtest.h>

#include <string>

#include "scenario/scenario.hpp"
#include "scenario_text.hpp"

namespace zonal::sim {
namespace {

using nlohmann::json;
using test::error_of;

std::string with(const json& extra) {
  json doc = {{"name", "x"}};
  doc.merge_patch(extra);
  return doc.dump();
}

TEST(ScenarioLimits, ZonesAndSearch) {
  EXPECT_EQ(error_of(with({{"zones", {{"degree", 0}}}})), "zones.degree: must be >= 1, got 0");
  EXPECT_EQ(error_of(with({{"zones", {{"degree", 1}}}})), "");
  EXPECT_EQ(error_of(with({{"zones", {{"publish_replicas", 0}}}})), "zones.publish_replicas: must be >= 1, got 0");
  EXPECT_EQ(error_of(with({{"zones", {{"publish_replicas", 1}}}})), "");
  EXPECT_EQ(error_of(with({{"search", {{"seen_capacity", 0}}}})), "search.seen_capacity: must be between 1 and 10000000, got 0");
  EXPECT_EQ(error_of(with({{"search", {{"seen_capacity", 1}}}})), "");
  EXPECT_EQ(error_of(with({{"search", {{"timeout_ms", 0}}}})), "search.timeout_ms: must be > 0, got 0");
  EXPECT_EQ(error_of(with({{"search", {{"timeout_ms", 86'400'001}}}})), "search.timeout_ms: must be <= 86400000, got 86400001");
  EXPECT_EQ(error_of(with({{"search", {{"timeout_ms", 86'400'000}}}})), "");
}

TEST(ScenarioLimits, WorkloadAndLatency) {
  EXPECT_EQ(error_of(with({{"workload", {{"missing_fraction", 1.5}}}})), "workload.missing_fraction: must be in [0, 1], got 1.5");
  EXPECT_EQ(error_of(with({{"workload", {{"missing_fraction", -0.1}}}})), "workload.missing_fraction: must be in [0, 1], got -0.1");
  EXPECT_EQ(error_of(with({{"workload", {{"missing_fraction", 1}}}})), "");
  EXPECT_EQ(error_of(with({{"latency", {{"mean_ms", -1}}}})), "latency.mean_ms: must be >= 0, got -1");
  EXPECT_EQ(error_of(with({{"latency", {{"kind", "uniform"}, {"min_ms", -5}}}})), "latency.min_ms: must be >= 0, got -5");
  EXPECT_EQ(error_of(with({{"latency", {{"mean_ms", 3'600'001}}}})), "latency.mean_ms: must be <= 3600000, got 3600001");
  EXPECT_EQ(error_of(with({{"latency", {{"kind", "lognormal"}, {"sigma", 5.5}}}})), "latency.sigma: must be in (0, 5], got 5.5");
  EXPECT_EQ(error_of(with({{"latency", {{"kind", "lognormal"}, {"sigma", 5}}}})), "");
}

TEST(ScenarioLimits, ScriptAndPlacement) {
  const json small = {{"peers", 10}, {"topology", {{"degree", 2}}}, {"content", {{"replicas", 1}}}};
  json doc = small;
  doc["workload"] = {{"script", json::array({{{"origin", 10}, {"name", "a"}}})}};
  EXPECT_EQ(error_of(with(doc)), "workload.script[0].origin: must be between 0 and 9, got 10");
  doc["workload"]["script"][0]["origin"] = 9;
  EXPECT_EQ(error_of(with(doc)), "");

  json placed = small;
  placed["content"] = {{"placement", json::array({{{"name", std::string(256, 'n')}, {"holders", {1}}}})}};
  EXPECT_EQ(error_of(with(placed)), "content.placement[0].name: must be 1 to 255 bytes, got 256");
  placed["content"]["placement"][0]["name"] = std::string(255, 'n');
  EXPECT_EQ(error_of(with(placed)), "");
  placed["content"]["placement"][0]["name"] = "";
  EXPECT_EQ(error_of(with(placed)), "content.placement[0].name: must be 1 to 255 bytes, got 0");
  placed["content"]["placement"] = json::array();
  for (int i = 0; i < 1'000'001; ++i) placed["content"]["placement"].push_back(nullptr);
  EXPECT_EQ(error_of(with(placed)), "content.placement: must have at most 1000000 entries");
  json scripted = small;
  scripted["workload"] = {{"script", json::array()}};
  for (int i = 0; i < 1'000'001; ++i) scripted["workload"]["script"].push_back(nullptr);
  EXPECT_EQ(error_of(with(scripted)), "workload.script: must have at most 1000000 entries");
}

TEST(ScenarioLimits, EmptyEdgeListFileName) {
  EXPECT_EQ(error_of(with({{"topology", {{"kind", "edge-list"}, {"file", ""}}}})), "topology.file: must not be empty");
}

}  // namespace
}  // namespace zonal::sim
