// Engine level: batched delivery (constant latency: a broadcast is one queue entry, looked up once)
// gives byte-identical results to one-by-one delivery. The same run under `uniform` latency with
// min = max takes the engine's per-copy path (one event per copy, each pushed on its own) with the
// same delays, so queries.csv and peers.csv must not differ by a byte (docs/performance.md).
#include <gtest/gtest.h>

#include <sstream>

#include "engine/engine.hpp"
#include "output/output.hpp"
#include "scenario/scenario.hpp"

namespace zonal::test {
namespace {

using nlohmann::json;

std::vector<std::vector<sim::RunResult>> run_all(const json& latency, const std::filesystem::path& dir) {
  const json doc = {{"name", "batch-vs-one-by-one"},
                    {"seed", 17},
                    {"peers", 2000},
                    {"topology", {{"kind", "random-regular"}, {"degree", 8}}},
                    {"zones", {{"count", 8}, {"placement", "random"}}},  // random entries: zone floods really flood
                    {"latency", latency},
                    {"content", {{"files", 200}, {"replicas", 3}}},
                    {"workload", {{"queries", 150}, {"rate_per_s", 20}, {"missing_fraction", 0.1}}},
                    {"search", {{"ttl", 6}, {"ring_start", 2}, {"ring_step", 2}, {"ring_wait_ms", 300}}},
                    {"sweep", {{"search.strategy", {"flood", "zone-flood", "expanding-ring", "random-walk"}}}}};
  const auto plan = sim::parse_scenario(doc, dir);
  std::vector<std::vector<sim::RunResult>> out;
  for (const auto& run : plan.runs) out.push_back({sim::run_simulation(run.scenario, plan.seed)});
  return out;
}

TEST(EngineBatch, BatchedDeliveryIsByteIdenticalToOneByOne) {
  const auto dir = std::filesystem::temp_directory_path();
  const auto batched = run_all({{"kind", "constant"}, {"mean_ms", 20}}, dir);
  const auto one_by_one = run_all({{"kind", "uniform"}, {"min_ms", 20}, {"max_ms", 20}}, dir);
  std::ostringstream qa, qb, pa, pb;
  sim::write_queries_csv(qa, batched);
  sim::write_queries_csv(qb, one_by_one);
  sim::write_peers_csv(pa, batched);
  sim::write_peers_csv(pb, one_by_one);
  ASSERT_GT(qa.str().size(), 1000u);
  EXPECT_EQ(qa.str(), qb.str()) << "queries.csv differs";
  EXPECT_EQ(pa.str(), pb.str()) << "peers.csv differs";
  for (std::size_t r = 0; r < batched.size(); ++r) {
    const auto& a = batched[r][0];
    const auto& b = one_by_one[r][0];
    EXPECT_EQ(a.registration_messages, b.registration_messages);
    EXPECT_EQ(a.publish_messages, b.publish_messages);
    EXPECT_EQ(a.end_us, b.end_us);
    std::uint64_t messages = 0;
    for (const auto& q : a.queries) messages += q.messages;
    EXPECT_GT(messages, 10'000u) << "the runs must flood for the comparison to mean something";
  }
}

}  // namespace
}  // namespace zonal::test
