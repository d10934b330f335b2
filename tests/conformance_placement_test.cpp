// Conformance, both zone placements: one small topology run in the simulator (constant latency)
// and on 16 real zonal-node processes on loopback must give the same hits and the same message,
// duplicate and reach counts per query, for both strategies. (tests/conformance_test.cpp is the
// larger per-peer comparison on a random overlay where TTL and arrival order matter; this one
// covers `random` placement, whose draws both bodies must make in the same order.)
//
// Why the counts cannot depend on real arrival order (and so must match exactly):
//  * Overlay: hub 0 linked to every other peer, the others in five triangles {1,2,3} ...
//    {13,14,15}. A simple path visits at most one triangle, the hub and another triangle: at
//    most 6 links. With TTL 10 every peer that receives a copy receives its first copy with
//    TTL >= 4, so every reached peer forwards to all its neighbours but the sender, whatever
//    copy came first: messages = origin degree + sum over the other reached peers of
//    (degree - 1), reached = all peers, duplicates = messages - reached.
//  * Zones: 2 zones of 8 (min_size 8); zone links are computed from the same directory and
//    links_seed by the same core code. Paths inside a zone have at most 7 links < TTL 10.
//  * Placement `rendezvous` (no random draws) or `random`: for `random` each node's core gets
//    the simulator's per-peer seed (core.seed = mix64(mix64(seed ^ mix64(6)) ^ id), the
//    simulator's "peers" stream), and each peer makes its draws in the same order (shares in
//    file order, then its own queries in script order), so both bodies pick the same record
//    keepers and entry members. publish_replicas 2; every file is shared after the directory is
//    final and before the first query; queries run one after another.
//  * Hits: each holder (and, for zone-flood, each record keeper) answers its first copy once.
//    Intentional difference: real nodes always have the zone directory, so under `flood`
//    record keepers answer too (responder != holder). The simulator's flood runs have no
//    directory. So flood is compared on hits answered by holders themselves (holder_hits).
//  * Not compared here: hit messages and hops. A hit travels its first copy's path back, and on
//    this overlay that path's length depends on arrival order (conformance_test.cpp compares
//    them on an overlay and with settings where arrival order is hop order).
#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "cluster.hpp"
#include "time_scale.hpp"
#include "engine/engine.hpp"
#include "scenario/scenario.hpp"
#include "zonal/hash.hpp"
#include "zonal/strategy.hpp"

namespace zonal::test {
namespace {

using nlohmann::json;
constexpr std::uint32_t peers = 16;
constexpr std::uint64_t links_seed = 77;
constexpr std::uint64_t sim_seed = 5;

/// The simulator's core seed for peer `p` (engine.cpp: stream "peers" = 6, then mix64(base ^ p)).
std::uint64_t sim_core_seed(std::uint32_t p) { return mix64(mix64(sim_seed ^ mix64(6)) ^ p); }

std::vector<std::pair<int, int>> overlay_edges() {
  std::vector<std::pair<int, int>> edges;
  for (int p = 1; p < 16; ++p) edges.emplace_back(0, p);  // first: ids appear in order 0..15
  for (int t = 1; t < 16; t += 3) {
    edges.emplace_back(t, t + 1);
    edges.emplace_back(t + 1, t + 2);
    edges.emplace_back(t, t + 2);
  }
  return edges;
}

std::vector<std::uint32_t> neighbours_of(int p) {
  std::vector<std::uint32_t> out;
  for (auto [a, b] : overlay_edges()) {
    if (a == p) out.push_back(static_cast<std::uint32_t>(b));
    if (b == p) out.push_back(static_cast<std::uint32_t>(a));
  }
  return out;
}

const json placement = json::parse(R"([{"name": "common.bin", "holders": [3, 9, 14]},
                                       {"name": "solo.bin", "holders": [6]},
                                       {"name": "pair.bin", "holders": [1, 2]}])");
const json script = json::parse(R"([{"origin": 0, "name": "common.bin", "at_ms": 0},
                                    {"origin": 5, "name": "solo.bin", "at_ms": 100},
                                    {"origin": 10, "name": "pair.bin", "at_ms": 200},
                                    {"origin": 15, "name": "missing.bin", "at_ms": 300},
                                    {"origin": 7, "name": "common.bin", "at_ms": 400},
                                    {"origin": 2, "name": "solo.bin", "at_ms": 500}])");

struct Counts {
  std::uint32_t messages = 0, duplicates = 0, reached = 0, hits = 0, holder_hits = 0;
  bool operator==(const Counts&) const = default;
};

struct Expected {
  std::map<std::string, std::vector<Counts>> queries;  ///< per strategy, each scripted query in order
  std::vector<std::uint32_t> records;                  ///< index records per peer (zone-flood run)
};

/// Simulator side: per strategy, the counts of each scripted query in order.
Expected simulate(const std::filesystem::path& dir, const std::string& placement_kind) {
  {
    std::ofstream edges(dir / "overlay.txt");
    edges << "# conformance overlay\n";
    for (auto [a, b] : overlay_edges()) edges << a << '\t' << b << '\n';
  }
  const json doc = {{"name", "conformance"},
                    {"seed", sim_seed},
                    {"topology", {{"kind", "edge-list"}, {"file", "overlay.txt"}}},
                    {"zones", {{"count", 2}, {"min_size", 8}, {"degree", 3}, {"placement", placement_kind}, {"publish_replicas", 2},
                               {"links_seed", links_seed}}},
                    {"latency", {{"kind", "constant"}, {"mean_ms", 5}}},
                    {"content", {{"placement", placement}}},
                    {"workload", {{"script", script}}},
                    {"search", {{"ttl", 10}, {"seen_capacity", 4096}, {"timeout_ms", 2000}}},
                    {"sweep", {{"search.strategy", {"flood", "zone-flood"}}}}};
  const auto plan = sim::parse_scenario(doc, dir);
  Expected out;
  for (const auto& run : plan.runs) {
    const auto result = sim::run_simulation(run.scenario, plan.seed);
    auto& list = out.queries[strategy_name(run.scenario.search.strategy)];
    for (const auto& q : result.queries)
      list.push_back(Counts{q.messages, q.duplicates, q.reached, q.hits, q.hits});
    if (run.scenario.search.strategy == Strategy::zone_flood)
      for (const auto& p : result.peers_load) out.records.push_back(p.records);
  }
  return out;
}

/// Each node's index record count, in id order.
std::vector<std::uint32_t> real_records(Cluster& c) {
  std::vector<std::uint32_t> out;
  for (std::size_t i = 0; i < c.size(); ++i) out.push_back(c.rest(i, "GET", "/api/status").body["records"]);
  return out;
}

/// Per query id, the sums of every node's /api/queries counters.
std::map<std::uint64_t, Counts> real_counts(Cluster& c) {
  std::map<std::uint64_t, Counts> real;
  for (std::size_t i = 0; i < c.size(); ++i) {
    const auto reply = c.rest(i, "GET", "/api/queries");  // keep the reply alive through the loop
    for (const auto& q : reply.body["queries"]) {
      Counts& k = real[q["query_id"].get<std::uint64_t>()];
      k.messages += q["sent"].get<std::uint32_t>();
      k.duplicates += q["duplicates"].get<std::uint32_t>();
      k.reached += q["fresh"].get<std::uint32_t>();
      k.hits += q["hits"].get<std::uint32_t>();
      k.holder_hits += q["holder_hits"].get<std::uint32_t>();
    }
  }
  return real;
}

class Conformance : public ::testing::TestWithParam<std::string> {};

TEST_P(Conformance, SimulatorAndRealClusterCountTheSame) {
  const std::string placement_kind = GetParam();
  Cluster c("conformance-" + placement_kind);
  const Expected expected = simulate(c.dir(), placement_kind);
  c.start_tracker({"--zones-count", "2", "--zones-min-size", "8", "--zones-degree", "3", "--links-seed", std::to_string(links_seed),
                   "--heartbeat-ms", "100"});
  for (int p = 0; p < static_cast<int>(peers); ++p) {  // one by one, in id order, like the simulator's joins
    c.start_node({"--node-id", std::to_string(p), "--overlay-neighbours", json(neighbours_of(p)).dump(), "--zones-placement",
                  placement_kind, "--zones-publish-replicas", "2", "--search-timeout-ms", "500", "--search-seen-capacity", "4096",
                  "--core-seed", std::to_string(sim_core_seed(static_cast<std::uint32_t>(p)))});
    ASSERT_EQ(c.node(static_cast<std::size_t>(p)).id, static_cast<std::uint32_t>(p));
  }
  c.wait_settled(2);
  for (const auto& f : placement)
    for (const auto& h : f["holders"]) c.share_random(h.get<std::size_t>(), f["name"], 4096, 1);
  // Publication is over when every node keeps the simulator's number of index records.
  ASSERT_TRUE(wait_until([&] { return real_records(c) == expected.records; }, std::chrono::seconds(20)))
      << "records per node: " << json(real_records(c)).dump() << " simulator: " << json(expected.records).dump();

  std::map<std::string, std::vector<std::uint64_t>> query_ids;
  for (const std::string strategy : {"flood", "zone-flood"}) {
    for (const auto& q : script) {
      const auto r = c.rest(q["origin"].get<std::size_t>(), "GET",
                            "/api/search?wait=all&ttl=10&strategy=" + strategy + "&name=" + q["name"].get<std::string>());
      ASSERT_EQ(r.status, 200) << r.body.dump();
      query_ids[strategy].push_back(r.body["query_id"]);
    }
  }
  // Searches return at their timeout; copies still in flight may land later: wait until the
  // sums match (they only grow), then compare, so a mismatch shows the final difference.
  const auto real_of = [&](const std::map<std::uint64_t, Counts>& real, const std::string& strategy, std::size_t n) {
    const auto it = real.find(query_ids[strategy][n]);
    Counts r = it == real.end() ? Counts{} : it->second;
    if (strategy == "flood") r.hits = r.holder_hits;  // see the header: keepers answer too
    r.holder_hits = 0;
    return r;
  };
  const auto want_of = [&](const std::string& strategy, std::size_t n) {
    Counts s = expected.queries.at(strategy).at(n);
    s.holder_hits = 0;
    return s;
  };
  const auto all_match = [&] {
    const auto real = real_counts(c);
    for (const std::string strategy : {"flood", "zone-flood"})
      for (std::size_t n = 0; n < script.size(); ++n)
        if (!(real_of(real, strategy, n) == want_of(strategy, n))) return false;
    return true;
  };
  wait_until(all_match, std::chrono::seconds(10), std::chrono::milliseconds(100));
  const auto real = real_counts(c);
  for (const std::string strategy : {"flood", "zone-flood"}) {
    ASSERT_EQ(expected.queries.at(strategy).size(), script.size());
    for (std::size_t n = 0; n < script.size(); ++n) {
      const Counts s = want_of(strategy, n);
      const Counts r = real_of(real, strategy, n);
      SCOPED_TRACE(strategy + " query " + std::to_string(n) + " (" + script[n].dump() + ")");
      EXPECT_EQ(r.messages, s.messages);
      EXPECT_EQ(r.duplicates, s.duplicates);
      EXPECT_EQ(r.reached, s.reached);
      EXPECT_EQ(r.hits, s.hits);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Placement, Conformance, ::testing::Values("rendezvous", "random"));

}  // namespace
}  // namespace zonal::test
