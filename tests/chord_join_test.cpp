// Joins through any member converge to a correct ring (checked by check_ring) with exact
// fingers; records move to joining nodes; the checker itself reports what is wrong.
#include <gtest/gtest.h>

#include "chord_test_network.hpp"
#include "zonal/hash.hpp"

using namespace zonal;
using zonal::test::ChordTestNetwork;
using zonal::test::all_peers;
using zonal::test::describe_all;

namespace {

// Node 0 creates the ring; the others join one per `gap_us` through a random earlier node.
void grow_ring(ChordTestNetwork& net, std::size_t n, TimeUs gap_us, std::uint64_t seed) {
  net.add_nodes(n);
  net.command(0, [](ChordNode& node, TimeUs now) { node.create(now); });
  Rng rng(seed);
  for (PeerId p = 1; p < n; ++p) {
    net.run_for(gap_us);
    const ChordRef bootstrap = net.ref(rng.below(p));
    net.command(p, [&](ChordNode& node, TimeUs now) { node.join(now, bootstrap); });
  }
}

std::size_t count_joined(const ChordTestNetwork& net) {
  std::size_t joined = 0;
  for (const auto& [p, ev] : net.events()) joined += std::holds_alternative<ChordJoined>(ev);
  return joined;
}

}  // namespace

TEST(ChordJoin, SequentialJoinsConvergeToACorrectRingWithExactFingers) {
  ChordTestNetwork net(test::fast_config(4), 10'000, 5'000);
  grow_ring(net, 64, 500'000, 1);
  net.run_for(120'000'000);  // stabilization and finger repair every ~1 s
  EXPECT_EQ(count_joined(net), 64u);
  const auto violations = net.violations();
  EXPECT_TRUE(violations.empty()) << describe_all(violations);
  const auto ring = net.live_ring();
  ASSERT_EQ(ring.size(), 64u);
  for (PeerId p = 0; p < 64; ++p) {
    const auto& t = net.node(p).table();
    const auto exact = chord_exact_fingers(ring, chord_ring_index(ring, net.ref(p)), t.space());
    EXPECT_EQ(std::vector<ChordRef>(t.fingers().begin(), t.fingers().end()), exact) << "peer " << p;
  }
}

TEST(ChordJoin, ConcurrentJoinsThroughOneBootstrapConverge) {
  ChordTestNetwork net(test::fast_config(3), 10'000, 8'000, 9);
  net.add_nodes(40);
  net.command(0, [](ChordNode& node, TimeUs now) { node.create(now); });
  for (PeerId p = 1; p < 40; ++p)
    net.command(p, [&](ChordNode& node, TimeUs now) { node.join(now, net.ref(0)); });  // all at once
  net.run_for(200'000'000);
  EXPECT_EQ(count_joined(net), 40u);
  const auto violations = net.violations();
  EXPECT_TRUE(violations.empty()) << describe_all(violations);
}

TEST(ChordJoin, JoiningNodeReceivesTheRecordsOfItsRange) {
  ChordConfig config = test::fast_config(3);
  config.id_bits = 16;
  ChordTestNetwork net(config);
  grow_ring(net, 20, 2'000'000, 4);
  net.run_for(30'000'000);
  ASSERT_TRUE(net.violations().empty());
  // Index 300 files from random members, then let a 21st node join.
  for (FileKey f = 1; f <= 300; ++f)
    net.command(static_cast<PeerId>(f % 20), [&](ChordNode& n, TimeUs now) { n.store(now, f, 1000 + static_cast<PeerId>(f), 0); });
  net.run_for(5'000'000);
  net.add_nodes(1);
  net.command(20, [&](ChordNode& n, TimeUs now) { n.join(now, net.ref(7)); });
  net.run_for(30'000'000);
  ASSERT_TRUE(net.violations().empty()) << describe_all(net.violations());
  const auto ring = net.live_ring();
  std::size_t at_newcomer = 0;
  for (FileKey f = 1; f <= 300; ++f) {
    const ChordRef home = chord_ring_successor(ring, chord_key_of_file(f, config.id_bits));
    const auto held = net.node(home.peer).records().of(chord_key_of_file(f, config.id_bits), f);
    ASSERT_EQ(held.size(), 1u) << "file " << f << " not at its successor " << home.peer;
    at_newcomer += home.peer == 20;
  }
  EXPECT_GT(at_newcomer, 0u);  // the newcomer took over part of its successor's range
  EXPECT_EQ(net.node(20).records().size(), at_newcomer);
  std::size_t total = 0;
  for (PeerId p = 0; p <= 20; ++p) total += net.node(p).records().size();
  EXPECT_EQ(total, 300u);  // without replication every record lives exactly once
}

TEST(ChordJoin, JoinThroughADeadBootstrapFails) {
  ChordTestNetwork net(test::fast_config());
  net.add_nodes(3);
  net.command(0, [](ChordNode& node, TimeUs now) { node.create(now); });
  net.crash(1);
  net.command(2, [&](ChordNode& node, TimeUs now) { node.join(now, net.ref(1)); });
  net.run_for(5'000'000);
  ASSERT_FALSE(net.events().empty());
  EXPECT_TRUE(std::holds_alternative<ChordJoinFailed>(net.events().back().second));
  EXPECT_EQ(net.node(2).state(), ChordState::idle);
  net.command(2, [&](ChordNode& node, TimeUs now) { node.join(now, net.ref(0)); });  // retry elsewhere
  net.run_for(10'000'000);
  EXPECT_EQ(net.node(2).state(), ChordState::member);
}

TEST(ChordJoin, RestartedNodeRejoinsWhileTheRingStillNamesItsOldSelf) {
  // A node crashes and comes back at once with the same address (same id, no state): the ring
  // still lists its old self, so the join lookup for its own id is answered with that stale
  // entry. The join must skip it and adopt the next node, not report an id collision.
  auto net = test::stable_network(32, test::fast_config(4));
  const auto ring = net->live_ring();
  const std::size_t at = 10;
  const ChordRef victim = ring[at];
  const ChordRef next = ring[at + 1];
  net->crash(victim.peer);
  net->restart(victim.peer);
  net->clear_events();
  const ChordRef bootstrap = ring[at - 1];  // its successor list starts with the old self
  net->command(victim.peer, [&](ChordNode& node, TimeUs now) { node.join(now, bootstrap); });
  net->run_for(2'000'000);
  bool joined = false;
  for (const auto& [p, ev] : net->events()) {
    if (p != victim.peer) continue;
    EXPECT_FALSE(std::holds_alternative<ChordJoinFailed>(ev)) << std::get<ChordJoinFailed>(ev).reason;
    if (const auto* j = std::get_if<ChordJoined>(&ev)) {
      joined = true;
      EXPECT_EQ(j->successor, next);
    }
  }
  EXPECT_TRUE(joined);
  EXPECT_EQ(net->node(victim.peer).state(), ChordState::member);
  net->run_for(60'000'000);
  const auto violations = net->violations();
  EXPECT_TRUE(violations.empty()) << describe_all(violations);
}

TEST(ChordJoin, JoinerWhoseOnlySuccessorDiesDropsOutAndRejoins) {
  // A fresh joiner knows one node, its successor. If that one crashes before the joiner learnt
  // anything else, the joiner must not take itself for a one-node ring (it would answer every
  // lookup with itself): it goes idle and reports "ring lost", and can join again.
  auto net = test::stable_network(16, test::fast_config(4));
  net->add_nodes(1);
  const PeerId joiner = 16;
  net->command(joiner, [&](ChordNode& node, TimeUs now) { node.join(now, net->ref(0)); });
  ChordRef successor;
  for (int step = 0; step < 1000 && !successor.valid(); ++step) {
    net->run_for(1'000);
    for (const auto& [p, ev] : net->events())
      if (const auto* j = std::get_if<ChordJoined>(&ev); j != nullptr && p == joiner) successor = j->successor;
  }
  ASSERT_TRUE(successor.valid());
  net->crash(successor.peer);  // before the joiner's first stabilize reaches it
  net->clear_events();
  net->run_for(3'000'000);
  bool lost = false;
  for (const auto& [p, ev] : net->events())
    if (const auto* f = std::get_if<ChordJoinFailed>(&ev); f != nullptr && p == joiner) lost = f->reason == std::string("ring lost");
  EXPECT_TRUE(lost);
  EXPECT_EQ(net->node(joiner).state(), ChordState::idle);  // an idle node answers no lookup
  EXPECT_TRUE(net->node(joiner).table().successors().empty());
  net->command(joiner, [&](ChordNode& node, TimeUs now) { node.join(now, net->ref(0)); });
  net->run_for(60'000'000);
  EXPECT_EQ(net->node(joiner).state(), ChordState::member);
  const auto violations = net->violations();
  EXPECT_TRUE(violations.empty()) << describe_all(violations);
}

TEST(ChordJoin, NodeLeftWithOnlyItsPredecessorRejoinsInsteadOfLoopingBack) {
  // r = 1 and no finger repair: a joiner knows its successor and, once its predecessor has
  // stabilized, its predecessor. When the successor crashes it must not adopt the predecessor
  // as successor (stabilization would then walk backwards round the ring): it rejoins.
  ChordConfig config = test::fast_config(1);
  config.fix_fingers_interval_us = 0;
  auto net = test::stable_network(16, config);
  net->add_nodes(1);
  const PeerId joiner = 16;
  net->command(joiner, [&](ChordNode& node, TimeUs now) { node.join(now, net->ref(0)); });
  net->run_for(10'000'000);  // the predecessor's stabilize reaches the joiner
  ChordNode& j = net->node(joiner);
  ASSERT_EQ(j.state(), ChordState::member);
  ASSERT_TRUE(j.predecessor().valid());
  ASSERT_TRUE(j.table().fingers().empty());
  const ChordRef successor = j.successor();
  net->crash(successor.peer);
  net->clear_events();
  net->run_for(5'000'000);
  bool lost = false;
  for (const auto& [p, ev] : net->events())
    if (const auto* f = std::get_if<ChordJoinFailed>(&ev); f != nullptr && p == joiner) lost = f->reason == std::string("ring lost");
  EXPECT_TRUE(lost);
  EXPECT_NE(net->node(joiner).state(), ChordState::member);
  net->command(joiner, [&](ChordNode& node, TimeUs now) { node.join(now, net->ref(0)); });
  net->run_for(60'000'000);
  EXPECT_EQ(net->node(joiner).state(), ChordState::member);
  const auto violations = net->violations();
  EXPECT_TRUE(violations.empty()) << describe_all(violations);
}

TEST(ChordRingCheck, ReportsWrongSuccessorsPredecessorsAndLists) {
  const ChordRef a = ChordRef::make(10, 0), b = ChordRef::make(20, 1), c = ChordRef::make(30, 2),
                 d = ChordRef::make(40, 3);
  const ChordRef list_a[] = {b, c}, list_b[] = {c, d}, list_c[] = {d, a}, list_d[] = {a, b};
  std::vector<ChordNodeView> views = {{a, d, list_a, true}, {b, a, list_b, true}, {c, b, list_c, true},
                                      {d, c, list_d, true}};
  EXPECT_TRUE(check_ring(views, 2).empty());
  // c crashes: b's successor and list, d's predecessor, and the lists through c are now wrong.
  views[2].live = false;
  const auto v = check_ring(views, 2);
  auto has = [&](ChordViolationKind kind, PeerId peer) {
    return std::any_of(v.begin(), v.end(), [&](const ChordViolation& x) { return x.kind == kind && x.peer == peer; });
  };
  EXPECT_TRUE(has(ChordViolationKind::successor, 1));
  EXPECT_TRUE(has(ChordViolationKind::predecessor, 3));
  EXPECT_TRUE(has(ChordViolationKind::successor_list, 0));
  EXPECT_FALSE(has(ChordViolationKind::successor, 0));
  EXPECT_FALSE(has(ChordViolationKind::successor, 2));  // dead nodes are not judged
  // Two live nodes sharing an id make the ring ambiguous.
  std::vector<ChordNodeView> twins = {{a, a, {}, true}, {ChordRef::make(10, 9), a, {}, true}};
  const auto twin_violations = check_ring(twins, 2);
  EXPECT_TRUE(std::any_of(twin_violations.begin(), twin_violations.end(),
                          [](const ChordViolation& x) { return x.kind == ChordViolationKind::duplicate_id; }));
  EXPECT_NE(describe(v.front()).find("peer"), std::string::npos);
}

/// An exact ring of 16 members plus node 16, not a member, set to member 5's id.
std::unique_ptr<test::ChordTestNetwork> ring_with_twin_of_member_5() {
  auto net = test::stable_network(16, test::fast_config(4));
  net->add_nodes(1);
  EXPECT_TRUE(net->node(16).set_id(net->ref(5).id()));
  return net;
}

TEST(ChordJoin, AJoinerWhoseIdIsTakenDrawsAgainAndTheMemberStays) {
  // Node 16 starts on member 5's id: its join ends at member 5 and fails with id_taken (the member
  // keeps its place); with its next draw it joins and the ring becomes exact.
  auto net = ring_with_twin_of_member_5();
  const PeerId joiner = 16;
  const ChordRef member = net->ref(5);
  net->clear_events();
  net->command(joiner, [&](ChordNode& node, TimeUs now) { node.join(now, net->ref(0)); });
  net->run_for(2'000'000);
  const ChordJoinFailed* failed = nullptr;
  for (const auto& [p, ev] : net->events())
    if (p == joiner && std::holds_alternative<ChordJoinFailed>(ev)) failed = &std::get<ChordJoinFailed>(ev);
  ASSERT_NE(failed, nullptr);
  EXPECT_TRUE(failed->id_taken) << failed->reason;
  EXPECT_EQ(net->node(joiner).state(), ChordState::idle);
  EXPECT_TRUE(net->violations().empty()) << describe_all(net->violations());  // member 5 untouched

  const ChordId next = chord_id_draw("16", net->node(joiner).config().id_bits, 1);
  ASSERT_NE(next, member.id());
  ASSERT_TRUE(net->node(joiner).set_id(next));
  net->command(joiner, [&](ChordNode& node, TimeUs now) { node.join(now, net->ref(0)); });
  net->run_for(30'000'000);
  EXPECT_EQ(net->node(joiner).state(), ChordState::member);
  EXPECT_EQ(net->ref(joiner).id(), next);
  EXPECT_FALSE(net->node(joiner).set_id(member.id()));  // a member keeps its id
  EXPECT_TRUE(net->violations().empty()) << describe_all(net->violations());
  EXPECT_EQ(net->live_ring().size(), 17u);
}

TEST(ChordJoin, AHostileDuplicateCannotDisplaceTheMemberHoldingItsId) {
  // A hostile node claims member 5's id and acts as a member of the exact ring (it skips the
  // join that would have refused it). Ties go to the incumbent: stabilize and notify compare
  // ids strictly, so nobody adopts the duplicate and the honest ring stays exact.
  auto net = ring_with_twin_of_member_5();
  const PeerId hostile = 16;
  std::vector<ChordRef> refs = net->live_ring();
  refs.push_back(net->ref(hostile));
  const auto ring = chord_sorted_ring(refs);
  net->command(hostile, [&](ChordNode& node, TimeUs now) { ASSERT_TRUE(node.install_stable_state(now, ring)); });
  net->run_for(30'000'000);
  std::vector<ChordNodeView> honest = net->views();
  honest.pop_back();  // the hostile node's own view is its business
  const auto violations = check_ring(honest, 4);
  EXPECT_TRUE(violations.empty()) << describe_all(violations);
  for (PeerId p = 0; p < 16; ++p) {
    EXPECT_NE(net->node(p).successor().peer, hostile) << p;
    EXPECT_NE(net->node(p).predecessor().peer, hostile) << p;
  }
}
