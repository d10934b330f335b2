// The sans-IO peer against hostile inputs: reserved query ids, oversized walk TTLs, inflated hit
// relay budgets, parked-walker floods and seen entries that must expire without new traffic.
#include <gtest/gtest.h>

#include <vector>

#include "peer_outputs.hpp"
#include "zonal/peer.hpp"

using namespace zonal;
using zonal::test::drain;
using zonal::test::events;

namespace {

Query flood_query(QueryId id, std::uint8_t ttl = 7) { return Query{id, 1, 99, ttl, 1, Strategy::flood, Scope::overlay}; }

/// Count transmits a chain of two peers bouncing `msg` produce until both go quiet (or `limit`).
std::size_t bounce(Peer& a, Peer& b, PeerId first_from, const Message& msg, std::size_t limit) {
  std::vector<std::pair<Peer*, Transmit>> pending{{&a, Transmit{first_from, msg}}};
  std::size_t sent = 0;
  while (!pending.empty() && sent < limit) {
    auto [at, t] = pending.back();
    pending.pop_back();
    at->handle_message(0, t.to, t.msg);
    for (auto& out : drain(*at)) {
      ++sent;
      Peer* next = out.to == a.id() ? &a : out.to == b.id() ? &b : nullptr;
      if (next != nullptr) pending.push_back({next, Transmit{at->id(), out.msg}});
    }
  }
  return sent;
}

}  // namespace

TEST(HostilePeer, QueryIdZeroIsDroppedNotFlooded) {
  Peer p(1, PeerConfig{}, 7);
  p.set_overlay_neighbours({2, 3, 4});
  for (int copy = 0; copy < 3; ++copy) {
    EXPECT_EQ(p.handle_message(0, 2, flood_query(0)), Arrival::dropped);
    EXPECT_TRUE(drain(p).empty());
  }
  EXPECT_EQ(p.handle_message(0, 2, flood_query((QueryId{0xFFFFFFFFu} << 32) | 5)), Arrival::dropped);
  EXPECT_TRUE(drain(p).empty());
  EXPECT_TRUE(query_id_reserved(0));
  EXPECT_FALSE(query_id_reserved(1));  // origin 0, first search
}

TEST(HostilePeer, WalkWithHugeTtlIsCutToTheConfiguredMaximum) {
  PeerConfig c;
  c.walk_ttl_hops_max = 20;
  Peer p(1, c, 7);
  p.set_overlay_neighbours({2, 3});
  const QueryId id = (QueryId{5} << 32) | 1;
  p.handle_message(0, 2, Walk{id, 77, 19, 65535, 0});
  const auto out = drain(p);
  ASSERT_EQ(out.size(), 1u);  // hop 19 of 20 still steps on ...
  EXPECT_EQ(std::get<Walk>(out[0].msg).ttl_hops, 20);
  p.handle_message(0, 3, Walk{id, 77, 20, 65535, 0});
  EXPECT_TRUE(drain(p).empty());  // ... hop 20 is the last
  EXPECT_EQ(p.handle_message(0, 2, Walk{0, 77, 1, 10, 0}), Arrival::dropped);
}

TEST(HostilePeer, SearchWalkTtlIsCappedToo) {
  PeerConfig c;
  c.walk_ttl_hops_max = 30;
  Peer p(1, c, 7);
  p.set_overlay_neighbours({2});
  SearchParams params;
  params.walkers = 1;
  params.walk_ttl_hops = 60000;
  p.search(0, 77, Strategy::random_walk, params);
  const auto out = drain(p);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(std::get<Walk>(out[0].msg).ttl_hops, 30);
}

TEST(HostilePeer, ForgedHitPingPongIsBoundedByTheRelayCap) {
  // Each peer believes the other is the query's previous hop (a forged `from`); a hit with the
  // largest relay budget bounces between them, but only as far as the cap allows.
  PeerConfig c;
  c.walk_ttl_hops_max = 100;
  Peer a(1, c, 7), b(2, c, 8);
  const QueryId id = (QueryId{9} << 32) | 1;
  a.handle_message(0, 2, flood_query(id, 1));
  b.handle_message(0, 1, flood_query(id, 1));
  drain(a);
  drain(b);
  const std::size_t sent = bounce(a, b, 2, QueryHit{id, 7, 7, 1, 0xFFFF}, 100000);
  EXPECT_LE(sent, 254u);  // max(254, walk_ttl_hops_max - 1) relays, not 65535
  EXPECT_GE(sent, 200u);
}

TEST(HostilePeer, SeenEntriesExpireByTimeWithoutNewTraffic) {
  PeerConfig c;
  c.query_timeout_us = 1'000'000;
  Peer p(1, c, 7);
  p.set_overlay_neighbours({2, 3});
  const QueryId id = (QueryId{9} << 32) | 1;
  EXPECT_EQ(p.handle_message(0, 2, flood_query(id)), Arrival::fresh);
  drain(p);
  p.forget_expired(500'000);
  EXPECT_EQ(p.handle_message(600'000, 3, flood_query(id)), Arrival::duplicate);
  p.forget_expired(1'100'000);
  // The reverse path is gone: a late hit is dropped instead of relayed.
  EXPECT_EQ(p.handle_message(1'200'000, 3, QueryHit{id, 7, 7, 1, 5}), Arrival::dropped);
  EXPECT_TRUE(drain(p).empty());
}

TEST(HostilePeer, ParkedWalkersAreCapped) {
  PeerConfig c;
  c.parked_walks_max = 8;
  Peer p(1, c, 7);
  p.set_overlay_neighbours({2});
  for (std::uint32_t origin = 10; origin < 100; ++origin) {
    p.handle_message(0, 2, Walk{(QueryId{origin} << 32) | 1, 77, 4, 100, 4});  // every one parks and asks
    drain(p);
  }
  std::size_t resumed = 0;
  for (std::uint32_t origin = 10; origin < 100; ++origin) {
    p.handle_message(0, origin, WalkCheckReply{(QueryId{origin} << 32) | 1, false});
    resumed += drain(p).size();
  }
  EXPECT_EQ(resumed, 8u);  // only the newest 8 were kept
}

TEST(HostilePeer, HitsMatchingNoOpenSearchOnThisPathAreDropped) {
  PeerConfig c;
  c.query_timeout_us = 1'000'000;
  Peer p(1, c, 7);
  p.set_overlay_neighbours({2, 3});
  // A query this peer never saw: it is not on the hit's path, so the hit goes nowhere.
  EXPECT_EQ(p.handle_message(0, 2, QueryHit{(QueryId{9} << 32) | 1, 7, 7, 1, 5}), Arrival::dropped);
  EXPECT_TRUE(drain(p).empty());
  // A query it relayed from 2: the hit goes back to 2 (and only there).
  const QueryId relayed = (QueryId{9} << 32) | 2;
  p.handle_message(0, 2, flood_query(relayed));
  drain(p);
  EXPECT_EQ(p.handle_message(10, 3, QueryHit{relayed, 7, 7, 1, 5}), Arrival::accepted);
  const auto back = drain(p);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].to, 2u);
  // Its own search, once finished: a late hit is neither reported nor relayed.
  const QueryId own = p.search(0, 77, Strategy::flood, SearchParams{});
  drain(p);
  EXPECT_EQ(p.handle_message(100, 2, QueryHit{own, 77, 5, 5, 5}), Arrival::accepted);
  p.handle_timeout(c.query_timeout_us + 1);
  const auto before = events(p);
  ASSERT_FALSE(before.empty());
  EXPECT_TRUE(std::holds_alternative<HitEvent>(before.front()));
  EXPECT_TRUE(std::holds_alternative<QueryDoneEvent>(before.back()));
  EXPECT_EQ(p.handle_message(c.query_timeout_us + 2, 2, QueryHit{own, 77, 6, 6, 5}), Arrival::dropped);
  EXPECT_TRUE(drain(p).empty());
  EXPECT_TRUE(events(p).empty());
}
