// The simulator's flooding checked against an independent breadth-first computation:
// with constant latency and no loss, a TTL-T flood from s sends deg(s) + sum over peers v
// with 1 <= d(s,v) < T of (deg(v) - 1) messages, and reaches every v with 1 <= d(s,v) <= T.
#include <gtest/gtest.h>

#include <deque>
#include <vector>

#include "engine/engine.hpp"
#include "model/topology.hpp"

using namespace zonal;
using namespace zonal::sim;

namespace {

std::vector<int> bfs(const Topology& g, PeerId s) {
  std::vector<int> d(g.peer_count(), -1);
  std::deque<PeerId> q{s};
  d[s] = 0;
  while (!q.empty()) {
    const PeerId u = q.front();
    q.pop_front();
    for (PeerId v : g.neighbours(u))
      if (d[v] < 0) d[v] = d[u] + 1, q.push_back(v);
  }
  return d;
}

Scenario flood_scenario(std::uint8_t ttl) {
  Scenario sc;
  sc.name = "bfs";
  sc.latency = LatencySpec{LatencyKind::constant, 10.0};
  sc.content = ContentSpec{1, 1, {}};  // one file on one peer: the hit distance is checkable
  sc.workload = WorkloadSpec{60, 20.0, 0.0, 0.0, 0.0, {}};
  sc.search = SearchSpec{Strategy::flood, ttl, 4096, 5000.0};
  return sc;
}

PeerId dense_id(const Topology& g, std::uint64_t label) {
  if (g.labels.empty()) return static_cast<PeerId>(label);
  for (PeerId p = 0; p < g.peer_count(); ++p)
    if (g.labels[p] == label) return p;
  return no_peer;
}

void check_against_bfs(const Topology& g, std::uint8_t ttl) {
  const Scenario sc = flood_scenario(ttl);
  const RunResult run = run_on_topology(sc, 7, g);
  PeerId holder = no_peer;
  for (PeerId p = 0; p < run.peers_load.size(); ++p)
    if (run.peers_load[p].files == 1) holder = p;
  ASSERT_NE(holder, no_peer);
  ASSERT_EQ(run.queries.size(), 60u);
  for (const QueryRecord& q : run.queries) {
    const PeerId s = dense_id(g, q.origin);
    const auto d = bfs(g, s);
    std::uint64_t messages = g.neighbours(s).size(), reached = 0;
    for (PeerId v = 0; v < g.peer_count(); ++v) {
      if (d[v] >= 1 && d[v] < ttl) messages += g.neighbours(v).size() - 1;
      if (d[v] >= 1 && d[v] <= ttl) ++reached;
    }
    EXPECT_EQ(q.messages, messages) << "query " << q.ordinal << " from " << q.origin;
    EXPECT_EQ(q.reached, reached) << "query " << q.ordinal;
    EXPECT_EQ(q.duplicates, messages - reached) << "query " << q.ordinal;
    if (s != holder && d[holder] >= 1 && d[holder] <= ttl) {
      EXPECT_EQ(q.first_hit_hops, d[holder]) << "query " << q.ordinal;
      EXPECT_EQ(q.first_hit_us, 2 * d[holder] * 10'000) << "hit returns along the reverse path";
      EXPECT_EQ(q.hit_messages, static_cast<std::uint32_t>(d[holder]));
    } else if (s != holder) {
      EXPECT_EQ(q.hits, 0u);
    }
  }
}

}  // namespace

TEST(FloodVsBfs, SmallRandomRegularGraph) { check_against_bfs(make_random_regular(200, 4, 3), 4); }

TEST(FloodVsBfs, SmallPowerLawGraph) { check_against_bfs(make_barabasi_albert(300, 2, 5), 3); }

TEST(FloodVsBfs, SmallWorldGraph) { check_against_bfs(make_watts_strogatz(250, 4, 0.2, 9), 5); }

TEST(FloodVsBfs, RealGnutellaSnapshot) {
  const Topology g = load_edge_list(ZONAL_SOURCE_DIR "/scenarios/topologies/p2p-Gnutella08.txt");
  check_against_bfs(g, 3);
}

TEST(FloodVsBfs, TtlOneReachesOnlyNeighbours) { check_against_bfs(make_erdos_renyi(150, 6.0, 11), 1); }
