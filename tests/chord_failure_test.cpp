// Crashes and departures: successor lists and fingers repair after 20% of the nodes fail,
// lookups route around dead nodes with timeouts and retries, replication keeps records alive,
// and a graceful leave hands everything over.
#include <gtest/gtest.h>

#include <numeric>

#include "chord_test_network.hpp"
#include "zonal/hash.hpp"

using namespace zonal;
using zonal::test::ChordTestNetwork;
using zonal::test::all_peers;
using zonal::test::describe_all;

namespace {

// Crash a deterministic `fraction` of the nodes (never those in `keep`); returns the crashed ones.
std::vector<PeerId> crash_fraction(ChordTestNetwork& net, double fraction, std::uint64_t seed,
                                   const std::vector<PeerId>& keep = {}) {
  std::vector<PeerId> order = all_peers(net.size());
  Rng rng(seed);
  for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.below(static_cast<std::uint32_t>(i))]);
  std::vector<PeerId> crashed;
  const auto target = static_cast<std::size_t>(fraction * static_cast<double>(net.size()));
  for (PeerId p : order) {
    if (crashed.size() == target) break;
    if (std::find(keep.begin(), keep.end(), p) != keep.end()) continue;
    net.crash(p);
    crashed.push_back(p);
  }
  return crashed;
}

PeerId random_live(const ChordTestNetwork& net, Rng& rng) {
  for (;;) {
    const PeerId p = rng.below(static_cast<std::uint32_t>(net.size()));
    if (net.alive(p)) return p;
  }
}

}  // namespace

TEST(ChordFailure, SuccessorListsAndFingersRepairAfterTwentyPercentFail) {
  ChordTestNetwork net(test::fast_config(6), 10'000, 5'000, 3);
  net.add_nodes(200);
  net.install_stable(all_peers(200));
  net.run_for(5'000'000);
  ASSERT_TRUE(net.violations().empty());
  crash_fraction(net, 0.2, 77);
  EXPECT_FALSE(net.violations().empty());  // the views still name dead nodes
  net.run_for(90'000'000);
  const auto violations = net.violations();
  EXPECT_TRUE(violations.empty()) << describe_all(violations);
  const auto ring = net.live_ring();
  ASSERT_EQ(ring.size(), 160u);
  for (const ChordRef& r : ring) {
    const auto& t = net.node(r.peer).table();
    const auto exact = chord_exact_fingers(ring, chord_ring_index(ring, r), t.space());
    EXPECT_EQ(std::vector<ChordRef>(t.fingers().begin(), t.fingers().end()), exact) << "peer " << r.peer;
  }
}

TEST(ChordFailure, LookupsRouteAroundDeadNodesWithTimeoutsAndRetries) {
  for (const auto mode : {ChordLookupMode::iterative, ChordLookupMode::recursive}) {
    // No maintenance at all: every dead finger or successor must be detoured around by the lookup.
    const std::uint8_t r = 4;
    ChordTestNetwork net(test::quiet_config(r));
    net.add_nodes(500);
    net.install_stable(all_peers(500));
    const auto before = net.live_ring();
    crash_fraction(net, 0.2, 5);
    const auto live = net.live_ring();
    // The ring is not broken: no run of r consecutive dead nodes (that would hide the live node
    // after it from every routing table until stabilization repairs the successor lists).
    std::size_t run = 0, longest_run = 0;
    for (std::size_t i = 0; i < 2 * before.size(); ++i) {
      run = net.alive(before[i % before.size()].peer) ? 0 : run + 1;
      longest_run = std::max(longest_run, run);
    }
    ASSERT_LT(longest_run, r);
    const ChordSpace space(64);
    Rng rng(8);
    for (ChordLookupId id = 1; id <= 400; ++id) {
      const PeerId origin = random_live(net, rng);
      const ChordId key = rng.next();
      net.command(origin, [&](ChordNode& n, TimeUs now) { n.lookup(now, key, mode, id); });
    }
    net.run_for(120'000'000);
    const auto done = net.lookups_done();
    ASSERT_EQ(done.size(), 400u);
    std::size_t detoured = 0;
    for (const auto& d : done) {
      ASSERT_EQ(d.status, ChordStatus::ok) << "lookup " << d.lookup_id;
      // The key's predecessor names its successor as it knows it: the live successor, or a
      // dead node between the key and it (a lookup does not contact the successor; find does).
      const ChordRef truth = chord_ring_successor(live, d.key);
      EXPECT_LE(space.distance(d.key, d.successor.id()), space.distance(d.key, truth.id())) << d.lookup_id;
      EXPECT_NE(chord_ring_index(before, d.successor), before.size());
      detoured += d.messages > (mode == ChordLookupMode::iterative ? 2u * d.hops : 2u * d.hops + 1);
    }
    EXPECT_GT(detoured, 100u);  // many lookups met a dead node and still succeeded
  }
}

TEST(ChordFailure, FindReachesTheLiveSuccessorAndReplicasKeepRecords) {
  for (const bool replication : {false, true}) {
    ChordConfig config = test::quiet_config(3);
    config.replication = replication;
    ChordTestNetwork net(config);
    net.add_nodes(300);
    net.install_stable(all_peers(300));
    for (FileKey f = 1; f <= 200; ++f)
      net.command(static_cast<PeerId>(f), [&](ChordNode& n, TimeUs now) { n.store(now, f, static_cast<PeerId>(f), 0); });
    net.run_for(10'000'000);
    const auto ring = net.live_ring();
    std::vector<PeerId> homes;
    for (FileKey f = 1; f <= 20; ++f) homes.push_back(chord_ring_successor(ring, chord_key_of_file(f, 64)).peer);
    for (PeerId h : homes) net.crash(h);  // the successors of files 1..20 crash
    net.clear_events();
    Rng rng(4);
    for (const auto mode : {ChordLookupMode::iterative, ChordLookupMode::recursive}) {
      for (FileKey f = 1; f <= 20; ++f) {
        const PeerId origin = random_live(net, rng);
        net.command(origin, [&](ChordNode& n, TimeUs now) { n.find(now, f, mode, static_cast<ChordLookupId>(f)); });
      }
    }
    net.run_for(60'000'000);
    const auto live = net.live_ring();
    const auto done = net.lookups_done();
    ASSERT_EQ(done.size(), 40u);
    std::size_t found = 0;
    for (const auto& d : done) {
      ASSERT_EQ(d.status, ChordStatus::ok);
      EXPECT_EQ(d.successor, chord_ring_successor(live, d.key));  // the fetch timed out, then moved on
      found += d.holders > 0;
    }
    EXPECT_EQ(found, replication ? 40u : 0u);  // without replication the crashed records are lost
  }
}

TEST(ChordFailure, GracefulLeaveHandsRecordsOverAndTellsNeighbours) {
  ChordConfig config = test::fast_config(3);
  config.id_bits = 20;
  ChordTestNetwork net(config);
  net.add_nodes(30);
  net.install_stable(all_peers(30));
  for (FileKey f = 1; f <= 200; ++f)
    net.command(static_cast<PeerId>(f % 30), [&](ChordNode& n, TimeUs now) { n.store(now, f, 500, 0); });
  net.run_for(3'000'000);
  // The node holding the most records leaves.
  PeerId leaver = 0;
  for (PeerId p = 1; p < 30; ++p)
    if (net.node(p).records().size() > net.node(leaver).records().size()) leaver = p;
  const std::size_t handed = net.node(leaver).records().size();
  ASSERT_GT(handed, 0u);
  const auto before = net.live_ring();
  const ChordRef successor = before[(chord_ring_index(before, net.ref(leaver)) + 1) % 30];
  const ChordRef predecessor = before[(chord_ring_index(before, net.ref(leaver)) + 29) % 30];
  const std::size_t successor_had = net.node(successor.peer).records().size();
  net.command(leaver, [](ChordNode& n, TimeUs now) { n.leave(now); });
  EXPECT_EQ(net.node(leaver).state(), ChordState::left);
  net.run_for(100'000);  // the notices have arrived; stabilization has not run yet
  EXPECT_EQ(net.node(successor.peer).records().size(), successor_had + handed);
  EXPECT_EQ(net.node(successor.peer).predecessor(), predecessor);
  EXPECT_EQ(net.node(predecessor.peer).successor(), successor);
  // Only the two neighbours were told; farther successor lists still name the leaver until
  // their owners stabilize.
  net.run_for(20'000'000);
  EXPECT_TRUE(net.violations().empty()) << describe_all(net.violations());
  EXPECT_EQ(net.node(leaver).handle_message(net.now(), successor.peer, ChordPing{1}), Arrival::dropped);
  std::size_t total = 0;
  for (PeerId p = 0; p < 30; ++p) total += net.node(p).records().size();
  EXPECT_EQ(total, 200u);
}

TEST(ChordFailure, DeadPredecessorIsClearedAndReplaced) {
  ChordTestNetwork net(test::fast_config(3));
  net.add_nodes(10);
  net.install_stable(all_peers(10));
  const auto ring = net.live_ring();
  const ChordRef victim = ring[4], next = ring[5];
  net.crash(victim.peer);
  net.run_for(30'000'000);
  EXPECT_EQ(net.node(next.peer).predecessor(), ring[3]);
  EXPECT_TRUE(net.violations().empty()) << describe_all(net.violations());
  bool cleared = false;
  for (const auto& [p, ev] : net.events())
    if (const auto* c = std::get_if<ChordPredecessorChanged>(&ev); c != nullptr && p == next.peer)
      cleared = cleared || !c->predecessor.valid() || c->predecessor == ring[3];
  EXPECT_TRUE(cleared);
}

TEST(ChordFailure, RingAndFingersRecoverOnceChurnStops) {
  // 100 stable nodes; for 100 s, every 100 ms: 3% a join, 2% a crash, 2% a leave, 33% a lookup.
  ChordTestNetwork net(test::fast_config(6), 20'000, 20'000, 2);
  net.add_nodes(250);
  net.install_stable(all_peers(100));
  Rng rng(71);
  PeerId next_new = 100;
  ChordLookupId id = 1;
  std::size_t departed = 0;
  for (int step = 0; step < 1000; ++step) {
    net.run_for(100'000);
    const auto live = net.live_ring();
    const PeerId some = live[rng.below(static_cast<std::uint32_t>(live.size()))].peer;
    const unsigned dice = rng.below(100);
    if (dice < 3 && next_new < net.size()) {
      net.command(next_new++, [&](ChordNode& n, TimeUs now) { n.join(now, net.ref(some)); });
    } else if (dice < 5) {
      net.crash(some), ++departed;
    } else if (dice < 7) {
      net.command(some, [](ChordNode& n, TimeUs now) { n.leave(now); }), ++departed;
    } else if (dice < 40) {
      const ChordId key = rng.next();
      const auto mode = rng.below(2) == 0 ? ChordLookupMode::iterative : ChordLookupMode::recursive;
      net.command(some, [&](ChordNode& n, TimeUs now) { n.lookup(now, key, mode, id++); });
    }
  }
  std::size_t ok = 0;
  for (const auto& d : net.lookups_done()) ok += d.status == ChordStatus::ok;
  EXPECT_GT(departed, 20u);
  EXPECT_GE(ok * 100, net.lookups_done().size() * 95) << "lookups during churn mostly succeed";
  net.run_for(120'000'000);
  const auto violations = net.violations();
  EXPECT_TRUE(violations.empty()) << describe_all(violations);
  const auto ring = net.live_ring();
  for (const ChordRef& r : ring) {
    const auto& t = net.node(r.peer).table();
    EXPECT_EQ(std::vector<ChordRef>(t.fingers().begin(), t.fingers().end()),
              chord_exact_fingers(ring, chord_ring_index(ring, r), t.space()))
        << "peer " << r.peer;
  }
}
