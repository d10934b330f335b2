// content.placement, workload.script and zones.links_seed (sim/scenario/scenario_explicit.cpp): parsing,
// field-named errors, and that a run follows the script exactly.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "engine/engine.hpp"
#include "scenario/scenario.hpp"
#include "scenario_text.hpp"

namespace zonal::sim {
namespace {

TEST(ScenarioExplicit, PlacementAndScriptParse) {
  const auto plan = parse_scenario(nlohmann::json::parse(R"({"name": "x", "peers": 16,
      "zones": {"links_seed": 99},
      "content": {"placement": [{"name": "a.txt", "holders": [0, 5]}, {"name": "b", "holders": [15]}]},
      "workload": {"script": [{"origin": 3, "name": "a.txt", "at_ms": 10}, {"origin": 4, "name": "zz"}]}})"),
                                   ZONAL_SOURCE_DIR);
  const Scenario& s = plan.runs.at(0).scenario;
  EXPECT_EQ(s.zones.links_seed, 99u);
  ASSERT_EQ(s.content.placement.size(), 2u);
  EXPECT_EQ(s.content.files, 2u);
  EXPECT_EQ(s.content.placement[0].holders, (std::vector<PeerId>{0, 5}));
  ASSERT_EQ(s.workload.script.size(), 2u);
  EXPECT_EQ(s.workload.queries, 2u);
  EXPECT_DOUBLE_EQ(s.workload.script[1].at_ms, 10.0);  // defaults to the previous entry's time
  EXPECT_EQ(s.workload.script[1].name, "zz");
}

TEST(ScenarioExplicit, ErrorsNameTheField) {
  EXPECT_EQ(test::error_of(R"({"name": "x", "peers": 12, "content": {"placement": [{"name": "a", "holders": [12]}]}})"),
            "content.placement[0].holders[0]: must be between 0 and 11, got 12");
  EXPECT_EQ(test::error_of(R"({"name": "x", "peers": 12, "content": {"placement": [{"name": "a", "holders": [1, 1]}]}})"),
            "content.placement[0].holders[1]: peer 1 listed twice");
  EXPECT_EQ(test::error_of(R"({"name": "x", "peers": 12, "content": {"placement": []}})"),
            "content.placement: must not be empty");
  EXPECT_EQ(test::error_of(R"({"name": "x", "peers": 12, "content": {"files": 3, "placement": [{"name": "a", "holders": [1]}]}})"),
            "content.placement: cannot be combined with files or replicas");
  EXPECT_EQ(test::error_of(R"({"name": "x", "peers": 12, "content": {"placement": [{"name": "a", "holders": [1]}, {"name": "a", "holders": [2]}]}})"),
            "content.placement[1].name: \"a\" placed twice");
  EXPECT_EQ(test::error_of(R"({"name": "x", "peers": 12, "workload": {"script": [{"origin": 1, "name": "a", "at_ms": 5}, {"origin": 2, "name": "b", "at_ms": 4}]}})"),
            "workload.script[1].at_ms: must be >= the previous entry's at_ms (5), got 4");
  EXPECT_EQ(test::error_of(R"({"name": "x", "peers": 12, "workload": {"script": [{"name": "a"}]}})"),
            "workload.script[0].origin: is required");
  EXPECT_EQ(test::error_of(R"({"name": "x", "peers": 12, "workload": {"queries": 2, "script": [{"origin": 0, "name": "a"}]}})"),
            "workload.script: cannot be combined with queries (the script sets the count)");
}

TEST(ScenarioExplicit, RunFollowsPlacementAndScript) {
  const auto plan = parse_scenario(nlohmann::json::parse(R"({"name": "x", "peers": 20, "topology": {"kind": "random-regular", "degree": 4},
      "latency": {"kind": "constant", "mean_ms": 10},
      "content": {"placement": [{"name": "a.txt", "holders": [3, 7]}]},
      "search": {"strategy": "flood", "ttl": 10},
      "workload": {"script": [{"origin": 1, "name": "a.txt", "at_ms": 0}, {"origin": 2, "name": "nope", "at_ms": 50}]}})"),
                                   ZONAL_SOURCE_DIR);
  const auto result = run_simulation(plan.runs.at(0).scenario, plan.seed);
  ASSERT_EQ(result.queries.size(), 2u);
  EXPECT_EQ(result.queries[0].origin, 1u);
  EXPECT_TRUE(result.queries[0].exists);
  EXPECT_EQ(result.queries[0].hits, 2u);  // both holders reached by a TTL-10 flood of 20 peers
  EXPECT_EQ(result.queries[1].origin, 2u);
  EXPECT_FALSE(result.queries[1].exists);
  EXPECT_EQ(result.queries[1].hits, 0u);
  EXPECT_EQ(result.queries[1].started_us - result.queries[0].started_us, 50'000);
}

}  // namespace
}  // namespace zonal::sim
