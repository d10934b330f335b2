// The Chord engine: search.strategy = chord runs on the simulator with every peer a ChordNode.
// Stable rings route in about (1/2) log2 N hops, both lookup modes find every file, a ring built
// by joins through the tracker becomes exact, every message is attributed, runs are
// deterministic, and a strategy sweep runs Chord and flooding on the same workload.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "engine/chord/chord_simulation.hpp"
#include "study/runner.hpp"
#include "scenario/scenario.hpp"
#include "output/summary.hpp"
#include "zonal/chord_stable.hpp"

namespace zonal::sim {
namespace {

namespace fs = std::filesystem;

/// A chord scenario of `peers` peers; `chord` is the text of the chord section's members.
ScenarioPlan plan_of(std::uint32_t peers, const std::string& chord, const std::string& extra = "") {
  const std::string text = R"({"name": "chord-test", "seed": 5, "peers": )" + std::to_string(peers) +
                           R"(, "content": {"files": 400, "replicas": 2},
      "workload": {"queries": 600, "rate_per_s": 200}, "search": {"strategy": "chord"},
      "chord": {)" + chord + "}" + extra + "}";
  return parse_scenario(nlohmann::json::parse(text), ZONAL_SOURCE_DIR);
}

constexpr const char* quiet = R"("stabilize_ms": 0, "fix_fingers_ms": 0, "check_predecessor_ms": 0)";

double metric(const RunResult& r, const std::string& name) { return compute_metrics(r).get(name); }

TEST(SimChord, StableRingLookupsSucceedInAboutHalfLog2NHops) {
  const auto plan = plan_of(1024, quiet);
  const RunResult r = run_simulation(plan.runs[0].scenario, 5);
  ASSERT_EQ(r.queries.size(), 600u);
  for (const QueryRecord& q : r.queries) {
    ASSERT_GT(q.hits, 0u) << "query " << q.ordinal;
    EXPECT_EQ(q.hits, 2u);  // both holders indexed at the key's successor
    // Iterative: a request and a reply per hop, then the fetch and its reply.
    EXPECT_GE(q.messages, 2u * static_cast<std::uint32_t>(q.first_hit_hops)) << "query " << q.ordinal;
    EXPECT_LE(q.messages, 2u * static_cast<std::uint32_t>(q.first_hit_hops) + 2u) << "query " << q.ordinal;
    EXPECT_EQ(q.duplicates, 0u);
    EXPECT_LE(q.reached, q.first_hit_hops + 1u);
  }
  const double mean = metric(r, "first_hit_hops_mean");
  // Successor-list entries route too, so r = 8 lands a little below (1/2) log2 N = 5.
  EXPECT_NEAR(mean, 0.5 * std::log2(1024.0), 1.0) << mean;
  EXPECT_LE(metric(r, "first_hit_hops_p99"), 2 * 10);
  EXPECT_LE(metric(r, "first_hit_hops_p01"), metric(r, "first_hit_hops_p50"));
  EXPECT_EQ(r.maintenance_messages, 0u);  // no maintenance configured
  EXPECT_EQ(r.ring_violations, 0u);
  EXPECT_EQ(r.registration_messages, 0u);  // stable rings are installed without traffic
  EXPECT_EQ(r.edges, 0u);                  // the overlay is not used
}

TEST(SimChord, IterativeAndRecursiveBothFindEveryFile) {
  for (const std::string mode : {"iterative", "recursive"}) {
    const auto plan = plan_of(300, std::string(quiet) + R"(, "mode": ")" + mode + "\"");
    const RunResult r = run_simulation(plan.runs[0].scenario, 5);
    EXPECT_EQ(metric(r, "success_rate"), 1.0) << mode;
    std::uint32_t exact = 0;
    for (const QueryRecord& q : r.queries) {
      const auto hops = static_cast<std::uint32_t>(q.first_hit_hops);
      // Iterative: request + reply per hop. Recursive: forward + ack per hop and one result
      // (none at 0 hops). Then the fetch and its reply, unless the origin turns out to be the
      // key's successor itself (its own records answer).
      const std::uint32_t lookup = mode == "iterative" ? 2 * hops : (hops == 0 ? 0 : 2 * hops + 1);
      EXPECT_GE(q.messages, lookup) << mode << " query " << q.ordinal;
      EXPECT_LE(q.messages, lookup + 2) << mode << " query " << q.ordinal;
      exact += q.messages == lookup + 2;
    }
    EXPECT_GT(exact, r.queries.size() * 9 / 10) << mode;
  }
}

TEST(SimChord, PublicationIndexesEveryHolderAndIsCounted) {
  const auto plan = plan_of(200, quiet);
  const RunResult r = run_simulation(plan.runs[0].scenario, 5);
  std::uint64_t records = 0, files = 0;
  for (const PeerLoad& p : r.peers_load) records += p.records, files += p.files;
  EXPECT_EQ(files, 400u * 2);
  EXPECT_EQ(records, 400u * 2);  // no replication: one record per (file, holder), at the successor
  // A store is 2 messages per hop plus the ChordStore (none when the holder is the successor).
  EXPECT_GE(r.publish_messages, 400u * 2 * 1);
  EXPECT_LE(r.publish_messages, 400u * 2 * 21);

  const auto replicated = plan_of(200, std::string(quiet) + R"(, "replication": true, "successors": 3)");
  const RunResult rr = run_simulation(replicated.runs[0].scenario, 5);
  std::uint64_t kept = 0;
  for (const PeerLoad& p : rr.peers_load) kept += p.records;
  EXPECT_EQ(kept, 400u * 2 * 4);  // the successor and its 3 successors
  EXPECT_GT(rr.publish_messages, r.publish_messages);
}

TEST(SimChord, MaintenanceTrafficOfTheQueryPhaseIsCountedApart) {
  const auto plan = plan_of(200, R"("stabilize_ms": 500, "fix_fingers_ms": 500, "check_predecessor_ms": 500)");
  const RunResult r = run_simulation(plan.runs[0].scenario, 5);
  EXPECT_EQ(metric(r, "success_rate"), 1.0);
  EXPECT_GT(r.maintenance_messages, 0u);
  std::uint64_t search = 0;
  for (const QueryRecord& q : r.queries) search += q.messages;
  std::uint64_t sent = 0;
  for (const PeerLoad& p : r.peers_load) sent += p.sent;
  // peers.csv counts every message of the query phase: searches plus maintenance (stores are over).
  EXPECT_EQ(sent, search + r.maintenance_messages);
}

TEST(SimChord, JoinRingBecomesExactAndMatchesTheStableRing) {
  const auto plan = plan_of(
      150, R"("ring": "join", "successors": 4, "stabilize_ms": 1000, "fix_fingers_ms": 1000,
               "check_predecessor_ms": 1000)");
  const Scenario& sc = plan.runs[0].scenario;
  ChordSimulation sim(sc, 5, 150, {}, {});
  const RunResult r = sim.run();
  EXPECT_EQ(r.ring_violations, 0u);
  EXPECT_GT(r.ring_settle_us, 0);
  EXPECT_TRUE(sim.ring_violations().empty());
  EXPECT_GE(r.registration_messages, 2u * 150);  // Register and ZoneAssignment per node
  EXPECT_GT(r.ring_messages, 0u);                // joins and stabilization before the queries
  EXPECT_EQ(metric(r, "success_rate"), 1.0);
  std::vector<ChordRef> refs;
  for (PeerId p = 0; p < 150; ++p) refs.push_back(sim.node(p).self());
  const auto ring = chord_sorted_ring(refs);
  for (std::size_t i = 0; i < ring.size(); ++i) {
    const ChordNode& node = sim.node(ring[i].peer);
    EXPECT_TRUE(sim.live_member(ring[i].peer));
    EXPECT_EQ(node.successor(), ring[(i + 1) % ring.size()]) << "peer " << ring[i].peer;
    EXPECT_EQ(node.predecessor(), ring[(i + ring.size() - 1) % ring.size()]) << "peer " << ring[i].peer;
  }
}

TEST(SimChord, ExplicitIdsPlaceTheNodesOnTheRing) {
  // Ids in reverse peer order, in a 6-bit space: peer p gets 60 - 2p, so the ring runs backwards.
  std::string ids;
  for (int p = 0; p < 30; ++p) ids += (p ? ", " : "") + std::to_string(60 - 2 * p);
  const auto plan = plan_of(30, std::string(quiet) + R"(, "id_bits": 6, "ids": [)" + ids + "]");
  ChordSimulation sim(plan.runs[0].scenario, 5, 30, {}, {});
  const RunResult r = sim.run();
  EXPECT_EQ(r.ring_violations, 0u);
  EXPECT_EQ(metric(r, "success_rate"), 1.0);
  for (PeerId p = 0; p < 30; ++p) {
    EXPECT_EQ(sim.node(p).self().id(), 60u - 2 * p) << "peer " << p;
    EXPECT_EQ(sim.node(p).successor().peer, p == 0 ? 29u : p - 1) << "peer " << p;
  }
}

TEST(SimChord, RingCheckerReportsAnUnsettledJoinRing) {
  // Settling is cut short after 1 ms: right after the last join predecessors are still stale.
  const auto plan = plan_of(100, R"("ring": "join", "stabilize_ms": 5000, "settle_ms": 1)");
  ChordSimulation sim(plan.runs[0].scenario, 5, 100, {}, {});
  const RunResult r = sim.run();
  EXPECT_GT(r.ring_violations, 0u);
}

TEST(SimChord, SweepRunsChordAndFloodOnTheSameWorkload) {
  const auto plan = parse_scenario(nlohmann::json::parse(R"({"name": "mixed", "seed": 9, "peers": 300,
      "topology": {"kind": "random-regular", "degree": 6}, "content": {"files": 200, "replicas": 3},
      "workload": {"queries": 300, "zipf_alpha": 0.5, "missing_fraction": 0.1},
      "chord": {"stabilize_ms": 0, "fix_fingers_ms": 0, "check_predecessor_ms": 0},
      "sweep": {"search.strategy": ["flood", "chord"]}})"),
                                   ZONAL_SOURCE_DIR);
  const auto results = run_plan(plan);
  ASSERT_EQ(results.size(), 2u);
  const RunResult& flood = results[0][0];
  const RunResult& chord = results[1][0];
  EXPECT_EQ(flood.strategy, Strategy::flood);
  EXPECT_EQ(chord.strategy, Strategy::chord);
  ASSERT_EQ(flood.queries.size(), chord.queries.size());
  for (std::size_t i = 0; i < flood.queries.size(); ++i) {
    EXPECT_EQ(flood.queries[i].origin, chord.queries[i].origin) << i;
    EXPECT_EQ(flood.queries[i].exists, chord.queries[i].exists) << i;
    // The query phases start at different times (Peer registration takes a second), the
    // arrival gaps are the same stream.
    EXPECT_EQ(flood.queries[i].started_us - flood.queries[0].started_us,
              chord.queries[i].started_us - chord.queries[0].started_us)
        << i;
    // Chord finds every existing file and reports no hit for missing ones.
    EXPECT_EQ(chord.queries[i].hits > 0, chord.queries[i].exists) << i;
  }
  EXPECT_GT(metric(flood, "messages_per_query"), metric(chord, "messages_per_query"));
  const auto summary = summary_json(plan.name, plan.seed, results);
  EXPECT_FALSE(summary["runs"][0]["metrics"].contains("maintenance_messages"));  // flood results unchanged
  EXPECT_TRUE(summary["runs"][1]["metrics"].contains("maintenance_messages"));
}

/// Check the id rule of docs/protocol.md on `sim`'s nodes: ids are distinct, and peer p (in
/// PeerId order, the join order) holds the first draw of its address that no lower peer holds.
void expect_ids_drawn_in_join_order(const ChordSimulation& sim, unsigned bits, std::size_t& redrawn) {
  std::set<ChordId> taken;
  redrawn = 0;
  for (PeerId p = 0; p < sim.peer_count(); ++p) {
    const ChordId id = sim.node(p).self().id();
    unsigned draw = 0;
    while (draw < chord_id_draws_max && chord_id_draw(std::to_string(p), bits, draw) != id) ++draw;
    ASSERT_LT(draw, chord_id_draws_max) << "peer " << p << ": id " << id << " is no draw of its address";
    for (unsigned k = 0; k < draw; ++k)
      EXPECT_TRUE(taken.contains(chord_id_draw(std::to_string(p), bits, k))) << "peer " << p << " skipped a free draw " << k;
    EXPECT_TRUE(taken.insert(id).second) << "peer " << p << " shares id " << id;
    redrawn += draw > 0;
  }
}

/// Run `sim` and check that its ids follow the id rule with more than `redrawn_min` redraws and
/// that every lookup of its exact ring succeeded.
void expect_exact_ring_after_redraws(ChordSimulation& sim, unsigned bits, std::size_t redrawn_min) {
  const RunResult r = sim.run();
  std::size_t redrawn = 0;
  expect_ids_drawn_in_join_order(sim, bits, redrawn);
  EXPECT_GT(redrawn, redrawn_min);
  EXPECT_EQ(r.ring_violations, 0u);
  EXPECT_TRUE(sim.ring_violations().empty());
  EXPECT_EQ(metric(r, "success_rate"), 1.0);
}

TEST(SimChord, CollidingIdsAreDrawnAgainAndTheStableRingIsExact) {
  // 2^12 ids for 2000 peers: hundreds of first draws collide; every peer still gets its own id.
  const auto plan = plan_of(2000, std::string(quiet) + R"(, "id_bits": 12)");
  ChordSimulation sim(plan.runs[0].scenario, 5, 2000, {}, {});
  expect_exact_ring_after_redraws(sim, 12, 100);
  // Same seed (or any seed: ids depend on the addresses only), same ids.
  ChordSimulation again(plan.runs[0].scenario, 6, 2000, {}, {});
  for (PeerId p = 0; p < 2000; ++p) ASSERT_EQ(again.node(p).self(), sim.node(p).self()) << p;
}

TEST(SimChord, CollidingIdsAreDrawnAgainAndTheJoinRingBecomesExact) {
  // 2^8 ids for 150 peers joining one after another through the tracker.
  const auto plan = plan_of(150, R"("ring": "join", "id_bits": 8, "successors": 4, "stabilize_ms": 1000,
                                     "fix_fingers_ms": 1000, "check_predecessor_ms": 1000)");
  ChordSimulation sim(plan.runs[0].scenario, 5, 150, {}, {});
  expect_exact_ring_after_redraws(sim, 8, 10);
}

TEST(SimChord, NoFreeIdLeftFailsTheRunWithAMessage) {
  // 2^7 ids for 128 peers: the last peers must hit the few free ids by hashing; with these
  // (frozen) hashes one of them misses in chord_id_draws_max draws.
  const auto plan = plan_of(128, std::string(quiet) + R"(, "id_bits": 7)");
  try {
    run_simulation(plan.runs[0].scenario, 5);
    FAIL() << "expected a run without a free id";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("found no free Chord id in 32 draws"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("chord.id_bits"), std::string::npos) << e.what();
  }
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(SimChord, TwoRunsGiveIdenticalBytes) {
  const fs::path dir = fs::temp_directory_path() / ("zonal-sim-chord-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path scenario = dir / "chord.json";
  std::ofstream(scenario) << R"({"name": "chord-det", "seed": 3, "peers": 120, "content": {"files": 100},
      "latency": {"kind": "lognormal", "mean_ms": 40, "sigma": 0.6}, "faults": {"loss": 0.01},
      "workload": {"queries": 200}, "search": {"strategy": "chord"},
      "chord": {"ring": "join", "mode": "recursive", "successors": 4, "stabilize_ms": 800,
                "fix_fingers_ms": 800, "check_predecessor_ms": 800}})";
  for (const char* out : {"a", "b"}) {
    const std::string cmd = std::string(ZONAL_SIM_EXE) + " " + scenario.string() + " --out " + (dir / out).string() +
                            " --quiet > /dev/null 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
  }
  for (const char* f : {"summary.json", "queries.csv", "peers.csv"}) {
    const std::string a = slurp(dir / "a" / f);
    EXPECT_FALSE(a.empty()) << f;
    EXPECT_EQ(a, slurp(dir / "b" / f)) << f << " differs between identical runs";
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace zonal::sim

namespace zonal::sim {
namespace {

/// A 300-peer chord run with maintenance every second, 40 s of queries and `faults`.
ScenarioPlan faulty_plan(const std::string& faults, const std::string& chord_extra = "") {
  return parse_scenario(nlohmann::json::parse(R"({"name": "chord-faults", "seed": 11, "peers": 300,
      "content": {"files": 300, "replicas": 2}, "workload": {"queries": 2000, "rate_per_s": 50},
      "search": {"strategy": "chord", "timeout_ms": 5000}, "faults": )" + faults + R"(,
      "chord": {"successors": 8, "stabilize_ms": 1000, "fix_fingers_ms": 1000,
                "check_predecessor_ms": 1000)" + chord_extra + "}}"),
                        ZONAL_SOURCE_DIR);
}

TEST(SimChordFaults, MassFailureCrashesItsShareAndTheRingRepairsItself) {
  const auto plan = faulty_plan(R"({"failures": [{"at_ms": 5000, "fraction": 0.2}]})", R"(, "replication": true)");
  ChordSimulation sim(plan.runs[0].scenario, 11, 300, {}, {});
  const RunResult r = sim.run();
  ASSERT_TRUE(r.faults_active);
  EXPECT_EQ(r.faults.mass_failed, 60u);
  EXPECT_EQ(r.faults.crashed, 60u);
  std::uint32_t live = 0;
  for (PeerId p = 0; p < 300; ++p) live += sim.live_member(p);
  EXPECT_EQ(live, 240u);
  // 35 s of stabilization after the failure: successors, predecessors and lists are exact again.
  EXPECT_TRUE(sim.ring_violations().empty());
  EXPECT_GT(r.maintenance_messages, 0u);
  EXPECT_GT(r.faults.offline_dropped, 0u);      // messages to the crashed nodes
  EXPECT_GT(r.faults.queries_skipped, 300u);    // about 20% of the queries after the failure
  // Replicas on the successors keep most files findable; misses and failed lookups count as failures.
  EXPECT_GT(compute_metrics(r).get("success_rate_existing"), 0.8);
  EXPECT_LT(compute_metrics(r).get("success_rate_existing"), 1.0);

  const auto bare = faulty_plan(R"({"failures": [{"at_ms": 5000, "fraction": 0.2}]})");
  const RunResult b = run_simulation(bare.runs[0].scenario, 11);
  EXPECT_LT(compute_metrics(b).get("success_rate_existing"), compute_metrics(r).get("success_rate_existing"));
}

TEST(SimChordFaults, LookupsAfterStabilizationLoseOnlyTheRecordsOfFailedNodes) {
  // 30% fail at the start of the query phase; lookups start 20 s (20 stabilization rounds)
  // later (workload.start_ms). Every failed query found the key's live successor, which
  // simply has no record (no replication): routing never failed.
  const std::string failure = R"({"failures": [{"at_ms": 0, "fraction": 0.3}]})";
  const auto plan = parse_scenario(nlohmann::json::parse(R"({"name": "chord-late", "seed": 11, "peers": 300,
      "content": {"files": 600, "replicas": 1}, "workload": {"queries": 1000, "rate_per_s": 50, "start_ms": 20000},
      "search": {"strategy": "chord", "timeout_ms": 5000}, "faults": )" + failure + R"(,
      "chord": {"stabilize_ms": 1000, "fix_fingers_ms": 1000, "check_predecessor_ms": 1000}})"),
                                   ZONAL_SOURCE_DIR);
  const RunResult r = run_simulation(plan.runs[0].scenario, 11);
  ASSERT_FALSE(r.queries.empty());
  for (const QueryRecord& q : r.queries) EXPECT_GE(q.started_us, 20'000'000) << q.ordinal;  // after start_ms
  const RunMetrics m = compute_metrics(r);
  EXPECT_EQ(r.chord_outcomes.lookup_failed, 0u);
  EXPECT_EQ(r.chord_outcomes.wrong_successor, 0u);
  EXPECT_EQ(r.chord_outcomes.interrupted, 0u);
  EXPECT_NEAR(m.get("chord_record_missing_rate"), 0.3, 0.06);
  // The outcomes partition the queries.
  EXPECT_NEAR(m.get("success_rate") + m.get("chord_lookup_failed_rate") + m.get("chord_interrupted_rate") +
                  m.get("chord_wrong_successor_rate") + m.get("chord_record_missing_rate"),
              1.0, 1e-9);
  std::uint64_t failed = 0;
  for (const QueryRecord& q : r.queries) failed += q.hits == 0;
  EXPECT_EQ(failed, r.chord_outcomes.record_missing);
}

TEST(SimChordFaults, QueriesStartedDuringRepairAreClassifiedAndSumUp) {
  // The failure hits while queries run: failed queries are counted under exactly one cause.
  const auto plan = faulty_plan(R"({"failures": [{"at_ms": 5000, "fraction": 0.3}]})");
  const RunResult r = run_simulation(plan.runs[0].scenario, 11);
  std::uint64_t failed = 0;
  for (const QueryRecord& q : r.queries) failed += q.hits == 0;
  const ChordOutcomes& o = r.chord_outcomes;
  EXPECT_EQ(o.lookup_failed + o.interrupted + o.wrong_successor + o.record_missing, failed);
  EXPECT_GT(o.record_missing, 0u);
  // Fault-free chord runs carry no chord_* outcome metrics (their summaries stay as they were).
  const auto quiet_plan = plan_of(64, quiet);
  const RunMetrics clean = compute_metrics(run_simulation(quiet_plan.runs[0].scenario, 5));
  for (const auto& [name, value] : clean.values) EXPECT_NE(name.rfind("chord_", 0), 0u) << name;
}

TEST(SimChordFaults, HeavyChurnWithSlowStabilizationKeepsRoutingConsistent) {
  // The chord-churn setting at a smaller scale: 300 nodes, 30 s timers, a failure and a join
  // every 2.5 s on average, lookups after 300 s of churn. Crashed records are lost (no
  // replication), but lookups must still end at the key's live successor: restarted nodes
  // rejoin although the ring lists their old selves, and nodes cut off from the ring rejoin
  // instead of answering for keys that are not theirs.
  const auto plan = parse_scenario(nlohmann::json::parse(R"({"name": "chord-heavy-churn", "seed": 3, "peers": 300,
      "content": {"files_per_peer": 10, "replicas": 1},
      "workload": {"queries": 1500, "rate_per_s": 1, "zipf_alpha": 0, "start_ms": 300000},
      "search": {"strategy": "chord", "timeout_ms": 60000},
      "faults": {"churn": {"model": "poisson", "rate_per_s": 0.4}}})"),
                                   ZONAL_SOURCE_DIR);
  const RunResult r = run_simulation(plan.runs[0].scenario, 3);
  EXPECT_GT(r.faults.joined, 500u);
  const RunMetrics m = compute_metrics(r);
  EXPECT_GT(m.get("chord_record_missing_rate"), 0.3);  // records of crashed nodes are gone
  EXPECT_LT(m.get("chord_lookup_failed_rate") + m.get("chord_wrong_successor_rate"), 0.03)
      << m.get("chord_lookup_failed_rate") << " " << m.get("chord_wrong_successor_rate");
}

TEST(SimChordFaults, ChurnCrashesLeavesAndRejoinsThroughTheTracker) {
  const auto plan = faulty_plan(R"({"churn": {"model": "poisson", "rate_per_s": 1, "leave_fraction": 0.5}})",
                                R"(, "replication": true)");
  ChordSimulation sim(plan.runs[0].scenario, 11, 300, {}, {});
  const RunResult r = sim.run();
  EXPECT_GT(r.faults.crashed, 5u);
  EXPECT_GT(r.faults.left, 5u);
  EXPECT_GT(r.faults.joined, 5u);
  // Rejoins register (Register + ZoneAssignment), leaves tell the tracker.
  EXPECT_GE(r.registration_messages, 2 * r.faults.joined + r.faults.left);
  std::uint32_t live = 0;
  for (PeerId p = 0; p < 300; ++p) live += sim.live_member(p);
  EXPECT_GE(live + r.faults.crashed + r.faults.left, 300u);  // rejoined nodes are members again
  EXPECT_GT(compute_metrics(r).get("success_rate_existing"), 0.9);
  for (const QueryRecord& q : r.queries) {
    if (q.hits > 0) {
      EXPECT_LE(q.first_hit_us, 5'000'000) << q.ordinal;  // later answers are failures
    }
  }
  const RunResult again = run_simulation(plan.runs[0].scenario, 11);  // deterministic under churn
  ASSERT_EQ(again.queries.size(), r.queries.size());
  for (std::size_t i = 0; i < r.queries.size(); ++i) {
    EXPECT_EQ(again.queries[i].hits, r.queries[i].hits) << i;
    EXPECT_EQ(again.queries[i].messages, r.queries[i].messages) << i;
  }
  EXPECT_EQ(again.maintenance_messages, r.maintenance_messages);
}

TEST(SimChordFaults, GracefulLeavesHandTheirRecordsOn) {
  // Only leaves, no replication: a leaver hands its records to its successor, so files stay findable.
  const std::string sessions = R"("model": "sessions", "session_mean_s": 60, "offline_mean_s": 1000)";
  const auto plan = faulty_plan(R"({"churn": {)" + sessions + R"(, "leave_fraction": 1}})");
  const RunResult r = run_simulation(plan.runs[0].scenario, 11);
  EXPECT_GT(r.faults.left, 50u);
  EXPECT_EQ(r.faults.crashed, 0u);
  EXPECT_GT(compute_metrics(r).get("success_rate_existing"), 0.95);
  // The same departures as crashes lose the records of every departed node.
  const auto crashes = faulty_plan(R"({"churn": {)" + sessions + R"(, "leave_fraction": 0}})");
  const RunResult c = run_simulation(crashes.runs[0].scenario, 11);
  EXPECT_GT(c.faults.crashed, 50u);
  EXPECT_LT(compute_metrics(c).get("success_rate_existing"), 0.85);
}

TEST(SimChordFaults, ChordAndFloodSeeTheSameChurn) {
  const auto plan = parse_scenario(nlohmann::json::parse(R"({"name": "same-churn", "seed": 4, "peers": 300,
      "topology": {"kind": "random-regular", "degree": 6}, "content": {"files": 200, "replicas": 2},
      "workload": {"queries": 500, "rate_per_s": 50}, "search": {"timeout_ms": 3000},
      "faults": {"churn": {"model": "poisson", "rate_per_s": 2, "leave_fraction": 0.3},
                 "failures": [{"at_ms": 4000, "fraction": 0.1}]},
      "chord": {"stabilize_ms": 1000, "fix_fingers_ms": 1000, "check_predecessor_ms": 1000},
      "sweep": {"search.strategy": ["flood", "chord"]}})"),
                                   ZONAL_SOURCE_DIR);
  const auto results = run_plan(plan);
  const RunResult& flood = results[0][0];
  const RunResult& chord = results[1][0];
  EXPECT_GT(chord.faults.crashed, 10u);
  EXPECT_EQ(flood.faults.crashed, chord.faults.crashed);
  EXPECT_EQ(flood.faults.mass_failed, chord.faults.mass_failed);
  EXPECT_EQ(flood.faults.left, chord.faults.left);
  EXPECT_EQ(flood.faults.joined, chord.faults.joined);
  EXPECT_EQ(flood.faults.queries_skipped, chord.faults.queries_skipped);
  ASSERT_EQ(flood.queries.size(), chord.queries.size());
  for (std::size_t i = 0; i < flood.queries.size(); ++i) EXPECT_EQ(flood.queries[i].origin, chord.queries[i].origin) << i;
}

}  // namespace
}  // namespace zonal::sim
