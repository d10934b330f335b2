// Sweep points compare strategies on the same workload: the flood and zone-flood runs of one
// scenario ask the same origins for the same names at the same moments of the query phase (the
// workload stream's seed does not depend on the strategy), so their differences are the
// strategies' alone.
#include <gtest/gtest.h>

#include <map>

#include "engine/engine.hpp"
#include "scenario/scenario.hpp"

namespace zonal::test {
namespace {

using nlohmann::json;

struct Asked {
  std::vector<sim::QueryRecord> records;
  std::map<QueryId, FileKey> key_of;  ///< the key each query id's copies carried
};

Asked run(const sim::ScenarioPlan& plan, std::size_t index) {
  Asked out;
  const sim::DeliveryTap tap = [&](PeerId, PeerId, const Message& msg, Arrival) {
    if (const auto* q = std::get_if<Query>(&msg)) out.key_of.emplace(q->query_id, q->key);
  };
  out.records = sim::run_simulation(plan.runs.at(index).scenario, plan.seed, {}, tap).queries;
  return out;
}

TEST(SweepWorkload, FloodAndZoneFloodAskTheSameOriginsForTheSameNames) {
  const json doc = {{"name", "same-workload"},
                    {"seed", 23},
                    {"peers", 500},
                    {"topology", {{"kind", "random-regular"}, {"degree", 6}}},
                    {"zones", {{"count", 4}}},
                    {"content", {{"files", 100}, {"replicas", 2}}},
                    {"workload", {{"queries", 300}, {"rate_per_s", 50}, {"missing_fraction", 0.2}}},
                    {"search", {{"ttl", 4}}},
                    {"sweep", {{"search.strategy", {"flood", "zone-flood"}}}}};
  const auto plan = sim::parse_scenario(doc, std::filesystem::temp_directory_path());
  ASSERT_EQ(plan.runs.size(), 2u);
  const Asked flood = run(plan, 0), zone = run(plan, 1);
  ASSERT_EQ(flood.records.size(), 300u);
  ASSERT_EQ(zone.records.size(), 300u);
  for (std::size_t i = 0; i < flood.records.size(); ++i) {
    SCOPED_TRACE("query " + std::to_string(i + 1));
    EXPECT_EQ(flood.records[i].origin, zone.records[i].origin);
    // The query phase starts after publication (none in flood runs): times relative to the first query.
    EXPECT_EQ(flood.records[i].started_us - flood.records[0].started_us, zone.records[i].started_us - zone.records[0].started_us);
    EXPECT_EQ(flood.records[i].exists, zone.records[i].exists);
  }
  // Query ids are (origin << 32) | the origin's counter, equal in both runs when the origins are;
  // the names (keys) the copies carried must be equal too. Zone-flood queries answered at the
  // origin itself send no copy, so most but not all ids appear in both.
  std::size_t both = 0;
  for (const auto& [id, key] : zone.key_of) {
    const auto it = flood.key_of.find(id);
    ASSERT_NE(it, flood.key_of.end()) << "query id " << id << " only in the zone-flood run";
    EXPECT_EQ(it->second, key) << "query id " << id;
    ++both;
  }
  EXPECT_EQ(flood.key_of.size(), 300u);
  EXPECT_GT(both, 250u);
}

}  // namespace
}  // namespace zonal::test
