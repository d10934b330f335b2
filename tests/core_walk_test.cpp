// Random walks (Lv et al. 2002) on the sans-IO peer: k walkers, steps, revisits, checks with
// the origin and every way a walker stops.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <vector>

#include "engine/engine.hpp"
#include "peer_outputs.hpp"
#include "zonal/peer.hpp"

using namespace zonal;
using zonal::test::drain;
using zonal::test::events;

namespace {

constexpr PeerId origin_id = 1;
constexpr QueryId walk_id = (QueryId{origin_id} << 32) | 1;  // the origin's first query

Walk walk(std::uint16_t hops, std::uint16_t ttl = 1024, std::uint8_t check_every = 0) {
  return Walk{walk_id, 77, hops, ttl, check_every};
}

SearchParams walk_params(std::uint16_t walkers, std::uint8_t check_every = 4) {
  SearchParams p;
  p.walkers = walkers;
  p.walk_check_every = check_every;
  return p;
}

/// The origin with neighbours 2..6, after starting one random-walk search.
struct Origin {
  Peer peer{origin_id, PeerConfig{}, 5};
  QueryId id = 0;
  explicit Origin(std::uint16_t walkers) {
    peer.set_overlay_neighbours({2, 3, 4, 5, 6});
    id = peer.search(0, 77, Strategy::random_walk, walk_params(walkers));
  }
};

}  // namespace

TEST(Walk, MessageStaysSmall) {
  EXPECT_EQ(sizeof(Walk), 24u);
  EXPECT_LE(sizeof(Message), 32u);
  EXPECT_EQ(query_origin(walk_id), origin_id);
}

TEST(Walk, OriginSendsKWalkersToDistinctNeighbours) {
  Origin o(3);
  EXPECT_EQ(o.id, walk_id);
  const auto out = drain(o.peer);
  ASSERT_EQ(out.size(), 3u);
  std::set<PeerId> to;
  for (const auto& t : out) {
    const auto& w = std::get<Walk>(t.msg);
    EXPECT_EQ(w.query_id, o.id);
    EXPECT_EQ(w.key, 77u);
    EXPECT_EQ(w.hops, 1);
    EXPECT_EQ(w.ttl_hops, 1024);
    EXPECT_EQ(w.check_every, 4);
    to.insert(t.to);
  }
  EXPECT_EQ(to.size(), 3u);  // distinct
}

TEST(Walk, MoreWalkersThanNeighboursCoverEveryNeighbourFirst) {
  Origin o(8);
  const auto out = drain(o.peer);
  ASSERT_EQ(out.size(), 8u);
  std::set<PeerId> first;
  for (std::size_t i = 0; i < 5; ++i) first.insert(out[i].to);
  EXPECT_EQ(first, (std::set<PeerId>{2, 3, 4, 5, 6}));
}

TEST(Walk, StepGoesToOneRandomNeighbourOtherThanTheSender) {
  std::set<PeerId> chosen;
  for (std::uint64_t seed = 0; seed < 40; ++seed) {
    Peer p(2, PeerConfig{}, seed);
    p.set_overlay_neighbours({1, 3, 4});
    EXPECT_EQ(p.handle_message(0, 1, walk(1)), Arrival::fresh);
    const auto out = drain(p);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_NE(out[0].to, 1u);
    EXPECT_EQ(std::get<Walk>(out[0].msg).hops, 2);
    chosen.insert(out[0].to);
  }
  EXPECT_EQ(chosen, (std::set<PeerId>{3, 4}));  // both others get picked
}

TEST(Walk, OnlyNeighbourIsTheSenderSoTheWalkerGoesBack) {
  Peer p(2, PeerConfig{}, 1);
  p.set_overlay_neighbours({1});
  p.handle_message(0, 1, walk(1));
  const auto out = drain(p);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].to, 1u);
}

TEST(Walk, RevisitIsReportedButStillForwarded) {
  Peer p(2, PeerConfig{}, 1);
  p.set_overlay_neighbours({3, 4});
  EXPECT_EQ(p.handle_message(0, 3, walk(1)), Arrival::fresh);
  EXPECT_EQ(drain(p).size(), 1u);
  EXPECT_EQ(p.handle_message(10, 4, walk(5)), Arrival::revisit);
  const auto out = drain(p);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].to, 3u);  // not back to the sender 4
  EXPECT_EQ(std::get<Walk>(out[0].msg).hops, 6);
}

TEST(Walk, StopsAtItsTtl) {
  Peer p(2, PeerConfig{}, 1);
  p.set_overlay_neighbours({3, 4});
  p.handle_message(0, 3, walk(9, 9));
  EXPECT_TRUE(drain(p).empty());
  p.handle_message(0, 3, walk(8, 9));
  EXPECT_EQ(drain(p).size(), 1u);
}

TEST(Walk, HolderAnswersAlongTheReversePathAndTheWalkerStops) {
  Peer p(2, PeerConfig{}, 1);
  p.set_overlay_neighbours({3, 4});
  p.share(0, 77);
  p.handle_message(0, 3, walk(6));
  const auto out = drain(p);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].to, 3u);
  const auto& hit = std::get<QueryHit>(out[0].msg);
  EXPECT_EQ(hit.query_id, walk_id);
  EXPECT_EQ(hit.holder, 2u);
  EXPECT_EQ(hit.hops, 6);
}

TEST(Walk, RelayedHitFollowsTheFirstVisitAndSpendsItsBudget) {
  Peer p(2, PeerConfig{}, 1);
  p.set_overlay_neighbours({3, 4});
  p.handle_message(0, 3, walk(1));  // first visit from 3
  p.handle_message(0, 4, walk(7));  // revisit from 4 keeps 3 as the reverse path
  drain(p);
  p.handle_message(0, 4, QueryHit{walk_id, 9, 9, 8, 5});
  auto out = drain(p);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].to, 3u);
  EXPECT_EQ(std::get<QueryHit>(out[0].msg).relays_left, 4);
  EXPECT_EQ(p.handle_message(0, 4, QueryHit{walk_id, 9, 9, 8, 0}), Arrival::dropped);  // budget spent: a loop
  EXPECT_TRUE(drain(p).empty());
}

TEST(Walk, ChecksWithTheOriginEveryCheckEveryHopsAndWaits) {
  Peer p(2, PeerConfig{}, 1);
  p.set_overlay_neighbours({3, 4});
  p.handle_message(0, 3, walk(3, 1024, 4));
  EXPECT_EQ(std::get<Walk>(drain(p).at(0).msg).hops, 4);  // no check at hop 3
  p.handle_message(0, 3, walk(4, 1024, 4));
  auto out = drain(p);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].to, origin_id);
  EXPECT_EQ(std::get<WalkCheck>(out[0].msg), (WalkCheck{walk_id, 4}));
  EXPECT_EQ(p.handle_message(5, origin_id, WalkCheckReply{walk_id, false}), Arrival::accepted);
  out = drain(p);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].to, 4u);  // the parked walker remembers its sender 3
  EXPECT_EQ(std::get<Walk>(out[0].msg).hops, 5);
  EXPECT_EQ(p.handle_message(6, origin_id, WalkCheckReply{walk_id, false}), Arrival::dropped);  // none parked
}

TEST(Walk, StopReplyEndsTheParkedWalker) {
  Peer p(2, PeerConfig{}, 1);
  p.set_overlay_neighbours({3, 4});
  p.handle_message(0, 3, walk(8, 1024, 4));
  EXPECT_TRUE(std::holds_alternative<WalkCheck>(drain(p).at(0).msg));
  EXPECT_EQ(p.handle_message(5, origin_id, WalkCheckReply{walk_id, true}), Arrival::accepted);
  EXPECT_TRUE(drain(p).empty());
}

TEST(Walk, OriginSaysContinueUntilAHitArrives) {
  Origin o(2);
  drain(o.peer);
  o.peer.handle_message(100, 3, WalkCheck{o.id, 4});
  auto out = drain(o.peer);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].to, 3u);
  EXPECT_EQ(std::get<WalkCheckReply>(out[0].msg), (WalkCheckReply{o.id, false}));
  o.peer.handle_message(200, 4, QueryHit{o.id, 9, 9, 6});
  EXPECT_EQ(events(o.peer).size(), 1u);
  o.peer.handle_message(300, 3, WalkCheck{o.id, 8});
  out = drain(o.peer);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(std::get<WalkCheckReply>(out[0].msg).stop);
}

TEST(Walk, OriginSaysStopOnceTheQueryTimedOut) {
  Origin o(2);
  drain(o.peer);
  const TimeUs deadline = *o.peer.poll_timeout();
  EXPECT_EQ(deadline, PeerConfig{}.query_timeout_us);
  o.peer.handle_timeout(deadline);
  events(o.peer);
  o.peer.handle_message(deadline + 1, 3, WalkCheck{o.id, 4});
  const auto out = drain(o.peer);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(std::get<WalkCheckReply>(out[0].msg).stop);
}

TEST(Walk, WalkerBackAtTheOriginDecidesWithoutAMessage) {
  Origin o(1);
  drain(o.peer);
  EXPECT_EQ(o.peer.handle_message(10, 3, Walk{o.id, 77, 4, 1024, 4}), Arrival::revisit);
  auto out = drain(o.peer);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<Walk>(out[0].msg));  // goes on: no hit yet
  o.peer.handle_message(20, 4, QueryHit{o.id, 9, 9, 6});
  o.peer.handle_message(30, 3, Walk{o.id, 77, 8, 1024, 4});
  EXPECT_TRUE(drain(o.peer).empty());  // stops: the origin has a hit
}

namespace {

zonal::sim::Scenario walk_scenario(std::uint8_t check_every) {
  using namespace zonal::sim;
  Scenario sc;
  sc.name = "walk";
  sc.peers = 200;
  sc.topology.degree = 4;
  sc.latency = LatencySpec{LatencyKind::constant, 10.0};
  sc.content = ContentSpec{5, 1, {}};
  sc.workload = WorkloadSpec{30, 2.0, 0.0, 1.0, 0.0, {}};  // only missing names: every walker runs to its TTL
  sc.search = SearchSpec{Strategy::random_walk, 7, 4096, 20000.0};
  sc.search.walkers = 3;
  sc.search.walk_ttl_hops = 50;
  sc.search.check_every = check_every;
  return sc;
}

}  // namespace

TEST(WalkSimulation, EveryStepIsAMessageAndRevisitsAreDuplicates) {
  const auto run = zonal::sim::run_simulation(walk_scenario(0), 5);
  ASSERT_EQ(run.queries.size(), 30u);
  std::uint64_t duplicates = 0;
  for (const auto& q : run.queries) {
    EXPECT_EQ(q.messages, 3u * 50u);                  // 3 walkers x 50 steps, no checks
    EXPECT_EQ(q.reached + q.duplicates, q.messages);  // every step arrived: first visit or revisit
    EXPECT_LE(q.reached, 199u);
    EXPECT_EQ(q.hits, 0u);
    duplicates += q.duplicates;
  }
  EXPECT_GT(duplicates, 0u);  // 150 steps on 200 peers revisit some, and they were not dropped
}

TEST(WalkSimulation, ChecksAreCountedAsMessages) {
  const auto plain = zonal::sim::run_simulation(walk_scenario(0), 5);
  const auto checked = zonal::sim::run_simulation(walk_scenario(5), 5);
  ASSERT_EQ(plain.queries.size(), checked.queries.size());
  for (std::size_t i = 0; i < checked.queries.size(); ++i) {
    const auto& q = checked.queries[i];
    EXPECT_EQ(q.origin, plain.queries[i].origin);
    EXPECT_EQ(q.reached + q.duplicates, 150u);  // walkers go on after every "continue"
    const std::uint32_t check_traffic = q.messages - 150;
    EXPECT_EQ(check_traffic % 2, 0u);            // a check and its answer
    EXPECT_LE(check_traffic, 2u * 3u * 9u);      // at hops 5, 10, ..., 45 (none at the TTL)
    EXPECT_GT(check_traffic, 0u);                // (a check made at the origin itself costs nothing)
  }
}
