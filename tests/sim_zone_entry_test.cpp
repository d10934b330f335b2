// Zone entry placement in the simulator and the summary metrics that show it: messages per query
// for existing and missing names, searches answered by the one node they contacted, the busiest
// peer's share of the load (sim/output/summary.cpp, zones.placement and zones.entry).
#include <gtest/gtest.h>

#include "engine/engine.hpp"
#include "output/summary.hpp"

using namespace zonal;
using namespace zonal::sim;

namespace {

QueryRecord record(bool exists, std::uint32_t messages, std::uint32_t reached, std::uint32_t hits) {
  QueryRecord q;
  q.exists = exists;
  q.messages = messages;
  q.reached = reached;
  q.hits = hits;
  if (hits > 0) q.first_hit_hops = 1;
  return q;
}

PeerLoad load(std::uint32_t received) {
  PeerLoad p;
  p.received = received;
  return p;
}

/// 800 peers in 4 zones, constant 10 ms latency, 300 files, 600 zone-flood queries (a share
/// `missing` for missing names) with the given placement, entry choice and Zipf skew.
Scenario zone_scenario(ZonePlacement placement, ZoneEntry entry, double zipf_alpha, double missing) {
  Scenario sc;
  sc.name = "zone-entry";
  sc.peers = 800;
  sc.topology.degree = 6;
  sc.zones = ZonesSpec{4, 6, 4, placement, 3, {}, entry};
  sc.latency = LatencySpec{LatencyKind::constant, 10.0};
  sc.content = ContentSpec{300, 2, {}};
  sc.workload = WorkloadSpec{600, 100.0, zipf_alpha, missing, 0.0, {}};
  sc.search = SearchSpec{Strategy::zone_flood, 7, 256, 2000.0};
  return sc;
}

RunMetrics run(ZonePlacement placement, ZoneEntry entry, double zipf_alpha = 0.8, double missing = 0.2) {
  return compute_metrics(run_simulation(zone_scenario(placement, entry, zipf_alpha, missing), 11));
}

}  // namespace

TEST(ZoneMetrics, SplitMessagesByExistenceAndCountOneNodeAnswers) {
  RunResult r;
  r.queries = {record(true, 1, 1, 1),      // answered by the one node contacted
               record(true, 0, 0, 1),      // answered from the origin's own index
               record(true, 40, 30, 2),    // answered after a zone flood
               record(false, 50, 30, 0),   // missing name: flooded, no hit
               record(false, 1, 1, 0)};    // one node contacted, no answer: not a one-node answer
  r.peers_load = {load(10), load(30), load(60)};
  const RunMetrics m = compute_metrics(r);
  EXPECT_DOUBLE_EQ(m.get("messages_per_query"), 92.0 / 5);
  EXPECT_DOUBLE_EQ(m.get("messages_per_query_existing"), 41.0 / 3);
  EXPECT_DOUBLE_EQ(m.get("messages_per_query_missing"), 51.0 / 2);
  EXPECT_DOUBLE_EQ(m.get("contacted_one_node_rate"), 1.0 / 5);
  EXPECT_DOUBLE_EQ(m.get("answered_locally_rate"), 1.0 / 5);
  EXPECT_DOUBLE_EQ(m.get("busiest_peer_share"), 0.6);
  EXPECT_DOUBLE_EQ(m.get("busiest_peer_messages"), 60.0);
}

TEST(ZoneMetrics, EmptyRunHasZeroMetricsNotNaN) {
  const RunMetrics m = compute_metrics(RunResult{});
  for (const char* name : {"messages_per_query_existing", "messages_per_query_missing", "contacted_one_node_rate",
                           "answered_locally_rate", "busiest_peer_share"})
    EXPECT_EQ(m.get(name), 0.0) << name;
}

TEST(ZoneEntry, RendezvousAnswersMostExistingNamesWithOneMessageRandomFloods) {
  const RunMetrics rdv = run(ZonePlacement::rendezvous, ZoneEntry::top);
  const RunMetrics rnd = run(ZonePlacement::random, ZoneEntry::top);
  // 3 keepers of 200 members: a random entry is a keeper 1.5% of the time; the rendezvous one always.
  EXPECT_GT(rdv.get("contacted_one_node_rate"), 0.7);
  EXPECT_LT(rnd.get("contacted_one_node_rate"), 0.05);
  EXPECT_LT(rdv.get("messages_per_query_existing"), 2.0);
  EXPECT_GT(rnd.get("messages_per_query_existing"), 100.0);
  // A missing name floods the home zone whatever the entry: both pay about the same.
  EXPECT_GT(rdv.get("messages_per_query_missing"), 100.0);
  EXPECT_NEAR(rdv.get("messages_per_query_missing"), rnd.get("messages_per_query_missing"),
              0.1 * rnd.get("messages_per_query_missing"));
  EXPECT_DOUBLE_EQ(rdv.get("success_rate_existing"), 1.0);
}

TEST(ZoneEntry, AnyKeeperSpreadsAPopularNameWithoutExtraMessages) {
  // Strong skew, no missing names (whose zone floods load every member): the most popular name
  // draws a large share of the searches, all to its top keeper or spread over its 3 keepers.
  const RunMetrics top = run(ZonePlacement::rendezvous, ZoneEntry::top, 1.4, 0.0);
  const RunMetrics any = run(ZonePlacement::rendezvous, ZoneEntry::any_keeper, 1.4, 0.0);
  EXPECT_GT(top.get("busiest_peer_share"), 0.1);
  EXPECT_LT(any.get("busiest_peer_messages"), 0.6 * top.get("busiest_peer_messages"));
  EXPECT_LT(any.get("busiest_peer_share"), top.get("busiest_peer_share"));
  EXPECT_NEAR(any.get("messages_per_query_existing"), top.get("messages_per_query_existing"), 0.05);
  EXPECT_DOUBLE_EQ(any.get("success_rate_existing"), 1.0);
}
