// Peer state machine: dedup, TTL, reverse-path hits, zone search, publication, timeouts.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "zonal/hash.hpp"
#include "peer_outputs.hpp"
#include "zonal/peer.hpp"

using namespace zonal;
using zonal::test::drain;
using zonal::test::events;

namespace {

Query query(QueryId id, FileKey key, std::uint8_t ttl, std::uint8_t hops = 1) {
  return Query{id, key, 99, ttl, hops, Strategy::flood, Scope::overlay};
}

}  // namespace

TEST(Peer, FloodForwardsToAllButSenderWithTtlDecremented) {
  Peer p(1, PeerConfig{}, 7);
  p.set_overlay_neighbours({2, 3, 4});
  EXPECT_EQ(p.handle_message(0, 2, query(500, 1, 7)), Arrival::fresh);
  const auto out = drain(p);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].to, 3u);
  EXPECT_EQ(out[1].to, 4u);
  const auto& q = std::get<Query>(out[0].msg);
  EXPECT_EQ(q.ttl_hops, 6);
  EXPECT_EQ(q.hops, 2);
}

TEST(Peer, BatchedTransmitsEqualSingleTransmitsInOrder) {
  // Same inputs to two peers; one drained by poll_transmit, the other by poll_transmit_batch.
  auto feed = [](Peer& p) {
    p.set_overlay_neighbours({2, 3, 4, 5});
    p.handle_message(0, 3, query(500, 1, 7));            // broadcast to 2, 4, 5
    p.handle_message(0, 2, QueryHit{500, 8, 8, 2});      // unicast back to 3
    p.handle_message(0, 5, query(501, 1, 7));            // broadcast to 2, 3, 4
  };
  Peer single(1, PeerConfig{}, 7), batched(1, PeerConfig{}, 7);
  feed(single);
  feed(batched);
  const auto expected = drain(single);
  std::vector<Transmit> got;
  std::size_t batches = 0;
  while (const auto b = batched.poll_transmit_batch()) {
    ++batches;
    for (PeerId to : b->to)
      if (to != b->except) got.push_back(Transmit{to, *b->msg});
  }
  EXPECT_EQ(batches, 3u);
  ASSERT_EQ(got.size(), expected.size());
  ASSERT_EQ(got.size(), 7u);
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].to, expected[i].to);
    EXPECT_EQ(got[i].msg, expected[i].msg);
  }
  EXPECT_FALSE(batched.poll_transmit_batch());
}

TEST(Peer, DuplicateIsDroppedAndNotForwarded) {
  Peer p(1, PeerConfig{}, 7);
  p.set_overlay_neighbours({2, 3});
  p.handle_message(0, 2, query(500, 1, 7));
  drain(p);
  EXPECT_EQ(p.handle_message(0, 3, query(500, 1, 7)), Arrival::duplicate);
  EXPECT_TRUE(drain(p).empty());
}

TEST(Peer, TtlOneIsAnsweredButNotForwarded) {
  Peer p(1, PeerConfig{}, 7);
  p.set_overlay_neighbours({2, 3});
  p.share(0, 77);
  p.handle_message(0, 2, query(500, 77, 1, 4));
  const auto out = drain(p);
  ASSERT_EQ(out.size(), 1u);
  const auto& hit = std::get<QueryHit>(out[0].msg);
  EXPECT_EQ(out[0].to, 2u);
  EXPECT_EQ(hit.holder, 1u);
  EXPECT_EQ(hit.hops, 4);
}

TEST(Peer, TtlAboveMaximumIsCapped) {
  Peer p(1, PeerConfig{}, 7);
  p.set_overlay_neighbours({2, 3});
  p.handle_message(0, 2, query(500, 1, 200));
  const auto out = drain(p);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(std::get<Query>(out[0].msg).ttl_hops, ttl_hops_max - 1);
}

TEST(Peer, DuplicateMemoryIsBounded) {
  PeerConfig c;
  c.seen_capacity = 4;
  Peer p(1, c, 7);
  for (QueryId id = 1; id <= 10; ++id) p.handle_message(0, 2, query(id, 1, 3));
  EXPECT_EQ(p.handle_message(0, 2, query(10, 1, 3)), Arrival::duplicate);
  EXPECT_EQ(p.handle_message(0, 2, query(1, 1, 3)), Arrival::fresh);  // forgotten: oldest evicted
}

TEST(Peer, HitTravelsBackAlongReversePathToOrigin) {
  Peer origin(1, PeerConfig{}, 1), relay(2, PeerConfig{}, 2);
  origin.set_overlay_neighbours({2});
  relay.set_overlay_neighbours({1, 3});
  const QueryId id = origin.search(1000, 77, Strategy::flood, SearchParams{3});
  auto sent = drain(origin);
  ASSERT_EQ(sent.size(), 1u);
  relay.handle_message(1100, 1, sent[0].msg);
  auto forwarded = drain(relay);
  ASSERT_EQ(forwarded.size(), 1u);
  EXPECT_EQ(forwarded[0].to, 3u);
  // Peer 3 answers to the relay; the relay routes it back to the origin.
  relay.handle_message(1200, 3, QueryHit{id, 3, 3, 2});
  auto back = drain(relay);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].to, 1u);
  origin.handle_message(1300, 2, back[0].msg);
  const auto evs = events(origin);
  ASSERT_EQ(evs.size(), 1u);
  const auto& hit = std::get<HitEvent>(evs[0]);
  EXPECT_EQ(hit.holder, 3u);
  EXPECT_EQ(hit.hops, 2);
  EXPECT_EQ(hit.elapsed_us, 300);
}

TEST(Peer, HitWithUnknownQueryIsDropped) {
  Peer p(1, PeerConfig{}, 1);
  EXPECT_EQ(p.handle_message(0, 2, QueryHit{12345, 3, 3, 1}), Arrival::dropped);
  EXPECT_TRUE(drain(p).empty());
}

TEST(Peer, QueryTimesOutWithDoneEvent) {
  PeerConfig c;
  c.query_timeout_us = 500;
  Peer p(1, c, 1);
  p.set_overlay_neighbours({2});
  const QueryId id = p.search(100, 5, Strategy::flood, SearchParams{});
  ASSERT_TRUE(p.poll_timeout().has_value());
  EXPECT_EQ(*p.poll_timeout(), 600);
  p.handle_timeout(599);
  EXPECT_TRUE(events(p).empty());
  p.handle_timeout(600);
  const auto evs = events(p);
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(std::get<QueryDoneEvent>(evs[0]).query_id, id);
  EXPECT_FALSE(p.poll_timeout().has_value());
}

TEST(Peer, RelayOnlyUntilItSearchesAndAgainOnceTheSearchIsOver) {
  // Drivers skip poll_event()/poll_timeout() while relay_only(): it must be false exactly while
  // either could return something.
  PeerConfig c;
  c.query_timeout_us = 500;
  Peer p(1, c, 1);
  p.set_overlay_neighbours({2, 3});
  EXPECT_TRUE(p.relay_only());
  EXPECT_EQ(p.handle_message(0, 2, query(500, 1, 7)), Arrival::fresh);  // relaying a flood
  drain(p);
  EXPECT_TRUE(p.relay_only());
  EXPECT_FALSE(p.poll_timeout().has_value());
  p.search(100, 5, Strategy::flood, SearchParams{});
  EXPECT_FALSE(p.relay_only());
  EXPECT_TRUE(p.poll_timeout().has_value());
  drain(p);
  p.handle_timeout(600);
  EXPECT_FALSE(p.relay_only());  // the done event is pending
  EXPECT_EQ(events(p).size(), 1u);
  EXPECT_TRUE(p.relay_only());
  EXPECT_FALSE(p.poll_timeout().has_value());
}

namespace {
std::shared_ptr<const ZoneDirectory> two_zones() {
  return std::make_shared<const ZoneDirectory>(
      std::vector<std::vector<PeerId>>{{0, 1, 2, 3, 4, 5}, {6, 7, 8, 9, 10, 11}}, 1);
}
FileKey key_in_zone(ZoneId zone) {
  for (int i = 0;; ++i) {
    std::string name = "f";  // built in two steps: GCC 12 warns falsely (-Wrestrict) on "f" + std::string
    name += std::to_string(i);
    if (home_zone(file_key(name), 2) == zone) return file_key(name);
  }
}
}  // namespace

TEST(Peer, ShareThenDirectoryPublishesToHomeZoneMembers) {
  PeerConfig c;
  c.publish_replicas = 3;
  Peer p(0, c, 1);
  const FileKey key = key_in_zone(1);
  p.share(0, key);
  EXPECT_TRUE(drain(p).empty());  // no directory yet: nothing to publish to
  p.handle_zone_directory(0, two_zones());
  const auto out = drain(p);
  ASSERT_EQ(out.size(), 3u);
  for (const auto& t : out) {
    EXPECT_GE(t.to, 6u);
    EXPECT_EQ(std::get<Publish>(t.msg).holder, 0u);
  }
}

TEST(Peer, ZoneSearchContactsExactlyOneMemberOfTheHomeZone) {
  Peer p(0, PeerConfig{}, 1);
  p.handle_zone_directory(0, two_zones());
  p.search(0, key_in_zone(1), Strategy::zone_flood, SearchParams{7});
  const auto out = drain(p);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_GE(out[0].to, 6u);
  EXPECT_EQ(std::get<Query>(out[0].msg).scope, Scope::zone_entry);
}

TEST(Peer, ZoneEntryWithRecordAnswersAndDoesNotFlood) {
  Peer entry(6, PeerConfig{}, 1);
  entry.set_zone_neighbours({7, 8});
  const FileKey key = key_in_zone(1);
  entry.handle_message(0, 3, Publish{key, 3});
  entry.handle_message(0, 0, Query{42, key, 0, 7, 1, Strategy::zone_flood, Scope::zone_entry});
  const auto out = drain(entry);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].to, 0u);
  EXPECT_EQ(std::get<QueryHit>(out[0].msg).holder, 3u);
}

TEST(Peer, ZoneEntryWithoutRecordFloodsOnlyZoneLinksWithFullTtl) {
  Peer entry(6, PeerConfig{}, 1);
  entry.set_overlay_neighbours({1, 2, 3});
  entry.set_zone_neighbours({7, 8});
  entry.handle_message(0, 0, Query{42, 5, 0, 7, 1, Strategy::zone_flood, Scope::zone_entry});
  const auto out = drain(entry);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].to, 7u);
  EXPECT_EQ(out[1].to, 8u);
  const auto& q = std::get<Query>(out[0].msg);
  EXPECT_EQ(q.scope, Scope::zone);
  EXPECT_EQ(q.ttl_hops, 7);
  EXPECT_EQ(q.hops, 2);
}

TEST(Peer, ZoneSearchWithoutDirectoryFails) {
  Peer p(0, PeerConfig{}, 1);
  p.search(0, 5, Strategy::zone_flood, SearchParams{});
  EXPECT_TRUE(drain(p).empty());
  const auto evs = events(p);
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<SearchFailedEvent>(evs[0]));
}

TEST(Peer, RendezvousPlacementSendsSearchToARecordKeeper) {
  PeerConfig c;
  c.zone_placement = ZonePlacement::rendezvous;
  c.publish_replicas = 2;
  Peer holder(0, c, 1), searcher(1, c, 2);
  const FileKey key = key_in_zone(1);
  holder.handle_zone_directory(0, two_zones());
  searcher.handle_zone_directory(0, two_zones());
  holder.share(0, key);
  const auto published = drain(holder);
  ASSERT_EQ(published.size(), 2u);
  searcher.search(0, key, Strategy::zone_flood, SearchParams{});
  const auto out = drain(searcher);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].to == published[0].to || out[0].to == published[1].to);
}

namespace {
/// Entry members contacted by `searches` zone searches for one key in zone 1, and the keepers
/// its publisher chose (rendezvous placement, `replicas` keepers, entry choice `entry`).
struct EntryTrace {
  std::vector<PeerId> keepers;
  std::vector<PeerId> entries;
};
EntryTrace trace_entries(ZoneEntry entry, std::uint32_t replicas, int searches) {
  PeerConfig c;
  c.zone_placement = ZonePlacement::rendezvous;
  c.zone_entry = entry;
  c.publish_replicas = replicas;
  Peer holder(0, c, 1), searcher(1, c, 2);
  const FileKey key = key_in_zone(1);
  holder.handle_zone_directory(0, two_zones());
  searcher.handle_zone_directory(0, two_zones());
  holder.share(0, key);
  EntryTrace t;
  for (const auto& p : drain(holder)) t.keepers.push_back(p.to);
  for (int i = 0; i < searches; ++i) {
    searcher.search(0, key, Strategy::zone_flood, SearchParams{});
    const auto out = drain(searcher);
    if (out.size() == 1) t.entries.push_back(out[0].to);
  }
  return t;
}
}  // namespace

TEST(Peer, TopEntryAlwaysContactsTheHighestScoringKeeper) {
  const EntryTrace t = trace_entries(ZoneEntry::top, 3, 30);
  ASSERT_EQ(t.keepers.size(), 3u);
  ASSERT_EQ(t.entries.size(), 30u);
  for (PeerId e : t.entries) EXPECT_EQ(e, t.keepers[0]);  // the publisher sends to the best first
}

TEST(Peer, AnyKeeperEntrySpreadsSearchesOverAllKeepersAndOnlyThem) {
  const EntryTrace t = trace_entries(ZoneEntry::any_keeper, 3, 90);
  ASSERT_EQ(t.keepers.size(), 3u);
  ASSERT_EQ(t.entries.size(), 90u);
  std::map<PeerId, int> count;
  for (PeerId e : t.entries) ++count[e];
  ASSERT_EQ(count.size(), 3u);  // every keeper is contacted, and nobody else
  for (PeerId k : t.keepers) EXPECT_GE(count[k], 15) << k;  // roughly a third each (30 expected)
}

TEST(Peer, AnyKeeperEntryWithOneReplicaIsTheTopEntry) {
  const EntryTrace top = trace_entries(ZoneEntry::top, 1, 5), any = trace_entries(ZoneEntry::any_keeper, 1, 5);
  EXPECT_EQ(any.entries, top.entries);
  ASSERT_EQ(any.keepers.size(), 1u);
  for (PeerId e : any.entries) EXPECT_EQ(e, any.keepers[0]);
}

TEST(Peer, RendezvousSearcherInsideTheHomeZoneAsksTheKeeperInsteadOfFlooding) {
  PeerConfig c;  // the defaults: rendezvous placement, top entry
  ASSERT_EQ(c.zone_placement, ZonePlacement::rendezvous);
  const FileKey key = key_in_zone(1);
  Peer holder(0, c, 1);
  holder.handle_zone_directory(0, two_zones());
  holder.share(0, key);
  const auto published = drain(holder);
  ASSERT_EQ(published.size(), c.publish_replicas);
  const PeerId keeper = published[0].to;
  const PeerId searcher_id = keeper == 6 ? 7 : 6;  // a home-zone member that keeps no record
  for (const PeerConfig& config : {c, [c] { PeerConfig r = c; r.zone_placement = ZonePlacement::random; return r; }()}) {
    Peer searcher(searcher_id, config, 2);
    searcher.handle_zone_directory(0, two_zones());
    searcher.handle_message(0, 100, ZoneAssignment{1, 2, 1});
    searcher.set_zone_neighbours({8, 9, 10});
    events(searcher);
    searcher.search(0, key, Strategy::zone_flood, SearchParams{7});
    const auto out = drain(searcher);
    if (config.zone_placement == ZonePlacement::rendezvous) {
      ASSERT_EQ(out.size(), 1u);  // one message, to the keeper, as from outside the zone
      EXPECT_EQ(out[0].to, keeper);
      EXPECT_EQ(std::get<Query>(out[0].msg).scope, Scope::zone_entry);
    } else {
      ASSERT_EQ(out.size(), 3u);  // random placement: the searcher is the entry and floods its zone links
      EXPECT_EQ(std::get<Query>(out[0].msg).scope, Scope::zone);
    }
  }
}

TEST(Peer, AssignmentChangesZoneAndReportsIt) {
  Peer p(0, PeerConfig{}, 1);
  p.handle_message(0, 100, ZoneAssignment{3, 4, 9});
  EXPECT_EQ(p.zone(), 3u);
  const auto evs = events(p);
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(std::get<ZoneChangedEvent>(evs[0]).zone, 3u);
}

TEST(SeenTable, KeepsAtMostCapacityAndAtLeastHalfOfTheNewest) {
  SeenTable t;
  for (QueryId id = 1; id <= 1000; ++id) {
    t.insert(id * 7919, static_cast<PeerId>(id), 0, 100, 0);
    EXPECT_LE(t.size(), 100u);
  }
  for (QueryId id = 1; id <= 900; ++id) EXPECT_EQ(t.find(id * 7919), nullptr) << id;
  for (QueryId id = 951; id <= 1000; ++id) {  // the newest capacity/2 are always remembered
    const PeerId* prev_hop = t.find(id * 7919);
    ASSERT_NE(prev_hop, nullptr) << id;
    EXPECT_EQ(*prev_hop, id);
  }
}

TEST(SeenTable, StaleIdsArePurgedInsteadOfGrowing) {
  SeenTable t;
  for (QueryId id = 1; id <= 3; ++id) t.insert(id, 5, 0, 100, 1'000'000);
  for (QueryId id = 4; id <= 10; ++id) t.insert(id, 5, 2'000'000, 100, 1'000'000);  // 2 s later, 1 s expiry
  EXPECT_EQ(t.find(1), nullptr);
  EXPECT_EQ(t.find(3), nullptr);
  for (QueryId id = 4; id <= 10; ++id) EXPECT_NE(t.find(id), nullptr) << id;
  EXPECT_EQ(t.size(), 7u);
}

namespace {

/// The seen table's documented forgetting rule, written as plainly as possible: two generations
/// of (id, hop) lists; the layout (inline ids, heap tables) must not change what is remembered.
struct ReferenceSeen {
  struct Gen {
    std::vector<std::pair<QueryId, PeerId>> ids;
    std::uint32_t oldest_ms = 0;
    std::uint32_t newest_ms = 0;
  };
  Gen current;
  Gen previous;

  void insert(QueryId id, PeerId hop, TimeUs now, std::uint32_t capacity, TimeUs expiry_us) {
    const auto now_ms = static_cast<std::uint32_t>(now / 1000);
    const auto expiry_ms = static_cast<std::uint32_t>(expiry_us / 1000);
    if (expiry_ms > 0 && !previous.ids.empty() && now_ms - previous.newest_ms >= expiry_ms) previous = Gen{};
    const bool aged = expiry_ms > 0 && !current.ids.empty() && now_ms - current.oldest_ms >= expiry_ms;
    if (current.ids.size() >= (capacity + 1) / 2 || aged) previous = std::exchange(current, Gen{});
    if (current.ids.empty()) current.oldest_ms = now_ms;
    current.newest_ms = now_ms;
    current.ids.emplace_back(id, hop);
  }
  void expire(TimeUs now, TimeUs expiry_us) {
    const auto now_ms = static_cast<std::uint32_t>(now / 1000);
    const auto expiry_ms = static_cast<std::uint32_t>(expiry_us / 1000);
    if (!previous.ids.empty() && now_ms - previous.newest_ms >= expiry_ms) previous = Gen{};
    if (current.ids.empty()) return;
    if (now_ms - current.newest_ms >= expiry_ms) {
      current = Gen{};
    } else if (now_ms - current.oldest_ms >= expiry_ms) {
      previous = std::exchange(current, Gen{});
    }
  }
  std::optional<PeerId> find(QueryId id) const {
    for (const Gen* g : {&current, &previous})
      for (const auto& [k, hop] : g->ids)
        if (k == id) return hop;
    return std::nullopt;
  }
  std::size_t size() const { return current.ids.size() + previous.ids.size(); }
};

}  // namespace

// Generations move between their inline ids (up to three) and heap tables as they grow, rotate
// and expire; every lookup must agree with the plain rule.
TEST(SeenTable, AgreesWithThePlainRuleAcrossInlineAndHeapGenerations) {
  for (const std::uint32_t capacity : {1u, 2u, 5u, 6u, 7u, 8u, 9u, 40u}) {
    SeenTable t;
    ReferenceSeen ref;
    Rng rng(capacity);
    TimeUs now = 0;
    QueryId next_id = 1;
    for (int step = 0; step < 4000; ++step) {
      now += rng.below(400) * 1000;  // up to 0.4 s between inputs: ids age out of a 2 s expiry
      const std::uint32_t action = rng.below(10);
      if (action == 0) {
        t.expire(now, 2'000'000);
        ref.expire(now, 2'000'000);
      } else {
        const QueryId id = action == 1 && next_id > 8 ? next_id - 1 - rng.below(8) : next_id++;
        if (!ref.find(id)) {  // callers insert only ids they do not remember
          const auto hop = static_cast<PeerId>(rng.below(1000));
          t.insert(id, hop, now, capacity, action == 2 ? 0 : 2'000'000);
          ref.insert(id, hop, now, capacity, action == 2 ? 0 : 2'000'000);
        }
      }
      if (step % 97 == 0) t = SeenTable(std::move(t));  // moves keep inline ids and tables alike
      ASSERT_EQ(t.size(), ref.size()) << "capacity " << capacity << " step " << step;
      for (QueryId id = next_id > 24 ? next_id - 24 : 1; id < next_id + 2; ++id) {
        const PeerId* hop = t.find(id);
        const auto expected = ref.find(id);
        ASSERT_EQ(hop != nullptr, expected.has_value()) << "capacity " << capacity << " step " << step << " id " << id;
        if (hop != nullptr) {
          EXPECT_EQ(*hop, *expected);
        }
      }
    }
  }
}
