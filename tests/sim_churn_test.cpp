// Faults in the Peer engine: mass failures, partitions, churn with leaves and rejoins, expiry
// through missed heartbeats, skipped queries of offline origins, determinism and loss.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "engine/engine.hpp"
#include "output/summary.hpp"

using namespace zonal;
using namespace zonal::sim;

namespace {

constexpr TimeUs ms_us = 1000;

/// 600 peers in 4 zones, constant 10 ms latency, every name held somewhere, 400 zone-flood
/// queries over about 4 s.
Scenario base_scenario() {
  Scenario sc;
  sc.name = "churn";
  sc.peers = 600;
  sc.topology.degree = 6;
  sc.zones = ZonesSpec{4, 6, 4, ZonePlacement::random, 2, {}};
  sc.latency = LatencySpec{LatencyKind::constant, 10.0};
  sc.content = ContentSpec{200, 2, {}};
  sc.workload = WorkloadSpec{400, 100.0, 0.5, 0.0, 0.0, {}};
  sc.search = SearchSpec{Strategy::zone_flood, 7, 256, 1000.0};
  return sc;
}

/// Zone of each dense peer id at the end of the run (the tracker's view).
ZoneId zone_of(const RunResult& r, std::uint64_t label) { return r.peers_load.at(label).zone; }

double success(const std::vector<const QueryRecord*>& qs) {
  if (qs.empty()) return 0.0;
  return static_cast<double>(std::count_if(qs.begin(), qs.end(), [](const QueryRecord* q) { return q->hits > 0; })) /
         static_cast<double>(qs.size());
}

bool same_queries(const RunResult& a, const RunResult& b) {
  if (a.queries.size() != b.queries.size()) return false;
  for (std::size_t i = 0; i < a.queries.size(); ++i) {
    const QueryRecord& x = a.queries[i];
    const QueryRecord& y = b.queries[i];
    if (x.origin != y.origin || x.zone != y.zone || x.messages != y.messages || x.duplicates != y.duplicates ||
        x.reached != y.reached || x.hits != y.hits || x.hit_messages != y.hit_messages ||
        x.first_hit_us != y.first_hit_us || x.started_us != y.started_us)
      return false;
  }
  return true;
}

TEST(SimChurn, NoFaultsMeansNoFaultMetrics) {
  const RunResult r = run_simulation(base_scenario(), 3);
  EXPECT_FALSE(r.faults_active);
  EXPECT_EQ(r.queries.size(), 400u);
  const RunMetrics m = compute_metrics(r);
  EXPECT_TRUE(
      std::none_of(m.values.begin(), m.values.end(), [](const auto& kv) { return kv.first == "peers_crashed"; }));
}

TEST(SimChurn, MassFailureOfAZoneFailsZoneFloodQueriesForThatZoneOnly) {
  Scenario sc = base_scenario();
  sc.faults.failures.push_back(MassFailure{0.0, 0.0, ZoneId{1}});
  sc.faults.expiry_ms = 1'000'000;  // the tracker keeps the dead zone listed for the whole run
  const RunResult r = run_simulation(sc, 3);
  ASSERT_TRUE(r.faults_active);
  const std::uint32_t zone1 = static_cast<std::uint32_t>(
      std::count_if(r.peers_load.begin(), r.peers_load.end(), [](const PeerLoad& p) { return p.zone == 1; }));
  EXPECT_GT(zone1, 100u);
  EXPECT_EQ(r.faults.mass_failed, zone1);
  EXPECT_EQ(r.faults.crashed, zone1);
  std::vector<const QueryRecord*> for_dead, for_live;
  for (const QueryRecord& q : r.queries) {
    EXPECT_NE(zone_of(r, q.origin), 1u) << "a crashed origin started query " << q.ordinal;
    (q.zone == 1 ? for_dead : for_live).push_back(&q);
  }
  EXPECT_EQ(r.queries.size() + r.faults.queries_skipped, 400u);
  EXPECT_GT(r.faults.queries_skipped, 50u);
  ASSERT_GT(for_dead.size(), 30u);
  ASSERT_GT(for_live.size(), 150u);
  EXPECT_EQ(success(for_dead), 0.0);
  EXPECT_GT(success(for_live), 0.95);
  EXPECT_GT(r.faults.offline_dropped, 0u);

  // Without the failure the same zone's queries succeed: the zone itself was fine.
  const RunResult healthy = run_simulation(base_scenario(), 3);
  std::vector<const QueryRecord*> zone1_healthy;
  for (const QueryRecord& q : healthy.queries)
    if (q.zone == 1) zone1_healthy.push_back(&q);
  EXPECT_GT(success(zone1_healthy), 0.95);
}

TEST(SimChurn, PartitionBlocksCrossZoneEntriesDuringItsWindowOnly) {
  Scenario sc = base_scenario();
  sc.faults.partitions.push_back(PartitionSpec{1000.0, 2000.0, {0}});
  const RunResult r = run_simulation(sc, 5);
  ASSERT_TRUE(r.faults_active);
  EXPECT_GT(r.faults.partition_dropped, 0u);
  EXPECT_EQ(r.faults.queries_skipped, 0u);
  const TimeUs start = r.queries.front().started_us;  // the phase starts just before the first query
  std::vector<const QueryRecord*> crossing_inside, crossing_outside, same_side_inside;
  for (const QueryRecord& q : r.queries) {
    const TimeUs t = q.started_us - start;
    const bool crossing = (zone_of(r, q.origin) == 0) != (q.zone == 0);
    const bool inside = t >= 1000 * ms_us && t < 1800 * ms_us;  // whole query life inside the window
    const bool outside = t < 800 * ms_us || t >= 2000 * ms_us;  // whole query life outside it
    if (crossing && inside && q.first_hit_hops != 0) crossing_inside.push_back(&q);
    if (crossing && outside) crossing_outside.push_back(&q);
    if (!crossing && inside) same_side_inside.push_back(&q);
  }
  ASSERT_GT(crossing_inside.size(), 15u);
  ASSERT_GT(crossing_outside.size(), 40u);
  ASSERT_GT(same_side_inside.size(), 20u);
  EXPECT_EQ(success(crossing_inside), 0.0);
  EXPECT_GT(success(crossing_outside), 0.95);
  EXPECT_GT(success(same_side_inside), 0.95);
}

TEST(SimChurn, OfflineOriginsStartNoQuery) {
  Scenario sc = base_scenario();
  sc.faults.failures.push_back(MassFailure{0.0, 0.5, {}});
  const RunResult r = run_simulation(sc, 9);
  EXPECT_EQ(r.faults.mass_failed, 300u);  // round(0.5 * 600)
  EXPECT_EQ(r.queries.size() + r.faults.queries_skipped, 400u);
  EXPECT_GT(r.faults.queries_skipped, 150u);
  EXPECT_LT(r.faults.queries_skipped, 250u);
  for (std::size_t i = 0; i < r.queries.size(); ++i) EXPECT_EQ(r.queries[i].ordinal, i + 1);
}

TEST(SimChurn, TrackerExpiresCrashedPeersAndTheDirectoryFollows) {
  Scenario sc = base_scenario();
  sc.faults.failures.push_back(MassFailure{0.0, 0.3, {}});
  sc.faults.heartbeat_ms = 250;
  sc.faults.expiry_ms = 500;
  const RunResult r = run_simulation(sc, 11);
  const auto unknown =
      std::count_if(r.peers_load.begin(), r.peers_load.end(), [](const PeerLoad& p) { return p.zone == no_zone; });
  EXPECT_EQ(static_cast<std::uint64_t>(unknown), r.faults.mass_failed);  // all expired, nobody else
  // Before expiry searchers still pick dead entries; after the refresh only live ones.
  const TimeUs start = r.queries.front().started_us;
  std::vector<const QueryRecord*> early, late;
  for (const QueryRecord& q : r.queries) {
    if (q.started_us - start < 500 * ms_us) early.push_back(&q);
    if (q.started_us - start > 1500 * ms_us) late.push_back(&q);
  }
  ASSERT_GT(early.size(), 20u);
  ASSERT_GT(late.size(), 100u);
  EXPECT_GT(success(late), success(early) + 0.1);

  sc.faults.expiry_ms = 1'000'000;  // never within the run: crashed peers stay registered
  const RunResult kept = run_simulation(sc, 11);
  EXPECT_TRUE(std::none_of(kept.peers_load.begin(), kept.peers_load.end(),
                           [](const PeerLoad& p) { return p.zone == no_zone; }));
}

TEST(SimChurn, GracefulLeavesReachTheTracker) {
  Scenario sc = base_scenario();
  sc.faults.churn.model = ChurnModel::sessions;
  sc.faults.churn.session_mean_s = 10;
  sc.faults.churn.offline_mean_s = 1'000'000;  // nobody comes back within the run
  sc.faults.churn.leave_fraction = 1.0;
  sc.faults.expiry_ms = 1'000'000;  // so only Leave messages can remove peers
  const RunResult r = run_simulation(sc, 13);
  EXPECT_EQ(r.faults.crashed, 0u);
  EXPECT_EQ(r.faults.joined, 0u);
  EXPECT_GT(r.faults.left, 50u);
  const auto unknown =
      std::count_if(r.peers_load.begin(), r.peers_load.end(), [](const PeerLoad& p) { return p.zone == no_zone; });
  EXPECT_EQ(static_cast<std::uint64_t>(unknown), r.faults.left);
}

TEST(SimChurn, ChurnRunIsDeterministic) {
  Scenario sc = base_scenario();
  sc.faults.churn.model = ChurnModel::sessions;
  sc.faults.churn.lifetime = LifetimeKind::pareto;
  sc.faults.churn.shape = 1.5;
  sc.faults.churn.session_mean_s = 8;
  sc.faults.churn.offline_mean_s = 2;
  sc.faults.churn.leave_fraction = 0.5;
  sc.faults.heartbeat_ms = 500;
  sc.faults.expiry_ms = 1500;
  const RunResult a = run_simulation(sc, 21);
  const RunResult b = run_simulation(sc, 21);
  EXPECT_GT(a.faults.crashed, 20u);
  EXPECT_GT(a.faults.left, 20u);
  EXPECT_GT(a.faults.joined, 20u);
  EXPECT_GT(a.faults.queries_skipped, 0u);
  EXPECT_TRUE(same_queries(a, b));
  EXPECT_EQ(a.faults.crashed, b.faults.crashed);
  EXPECT_EQ(a.faults.offline_dropped, b.faults.offline_dropped);
  EXPECT_EQ(a.events, b.events);
  EXPECT_EQ(a.end_us, b.end_us);
  EXPECT_FALSE(same_queries(a, run_simulation(sc, 22)));
}

TEST(SimChurn, PoissonChurnAndLossTogether) {
  Scenario sc = base_scenario();
  sc.faults.loss = 0.05;
  sc.faults.churn.model = ChurnModel::poisson;
  sc.faults.churn.rate_per_s = 20;
  const RunResult r = run_simulation(sc, 17);
  EXPECT_GT(r.lost_messages, 0u);
  EXPECT_GT(r.faults.crashed, 40u);
  EXPECT_GT(r.faults.joined, 40u);
  Scenario lossy = base_scenario();
  lossy.faults.loss = 0.05;
  const RunResult l = run_simulation(lossy, 17);
  EXPECT_FALSE(l.faults_active);
  EXPECT_GT(l.lost_messages, 0u);
  EXPECT_EQ(l.queries.size(), 400u);
}

}  // namespace
