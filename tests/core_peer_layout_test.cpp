// The compact Peer (docs/performance.md, issue 13): 96 bytes; borrowed links and configuration,
// link counts beyond 16 bits, owned links replaced in either order, the one-word send queue that
// also keeps the configuration's or cold state's address, files and records in the cold state,
// and the random stream kept as a draw count.
#include <gtest/gtest.h>

#include <numeric>
#include <utility>
#include <vector>

#include "peer_outputs.hpp"
#include "zonal/hash.hpp"
#include "zonal/peer.hpp"
#include "zonal/rng.hpp"
#include "zonal/send_queue.hpp"

using namespace zonal;
using zonal::test::drain;

namespace {

Query query(QueryId id, std::uint8_t ttl, Scope scope = Scope::overlay) {
  return Query{id, 1, 99, ttl, 1, Strategy::flood, scope};
}

Walk walk(QueryId id) { return Walk{id, 1, 1, 100, 0}; }

std::vector<PeerId> destinations(Peer& p) {
  std::vector<PeerId> out;
  for (const Transmit& t : drain(p)) out.push_back(t.to);
  return out;
}

}  // namespace

TEST(PeerLayout, BorrowedLinksAreUsedInPlaceAndSplitIntoOverlayAndZone) {
  const std::vector<PeerId> adjacency = {2, 3, 4, 7, 8};  // overlay 2, 3, 4; zone 7, 8
  const PeerConfig config;
  Peer p(1, &config, 5);
  p.borrow_links(adjacency, 3);
  EXPECT_EQ(p.overlay_neighbours().data(), adjacency.data());
  EXPECT_EQ(p.overlay_neighbours().size(), 3u);
  EXPECT_EQ(p.zone_neighbours().data(), adjacency.data() + 3);
  EXPECT_EQ(p.zone_neighbours().size(), 2u);
  EXPECT_EQ(&p.config(), &config);
  p.handle_message(0, 3, query(500, 7));
  EXPECT_EQ(destinations(p), (std::vector<PeerId>{2, 4}));
  p.handle_message(0, 7, query(501, 7, Scope::zone));
  EXPECT_EQ(destinations(p), (std::vector<PeerId>{8}));
}

TEST(PeerLayout, OwnedZoneLinksKeepTheBorrowedOverlay) {
  const std::vector<PeerId> adjacency = {2, 3};
  const PeerConfig config;
  Peer p(1, &config, 5);
  p.borrow_links(adjacency, 2);
  p.set_zone_neighbours({9, 10});
  EXPECT_EQ(std::vector<PeerId>(p.overlay_neighbours().begin(), p.overlay_neighbours().end()), adjacency);
  EXPECT_NE(p.overlay_neighbours().data(), adjacency.data());  // copied: the peer owns them now
  p.set_overlay_neighbours({4});
  EXPECT_EQ(std::vector<PeerId>(p.overlay_neighbours().begin(), p.overlay_neighbours().end()), std::vector<PeerId>{4});
  EXPECT_EQ(std::vector<PeerId>(p.zone_neighbours().begin(), p.zone_neighbours().end()),
            (std::vector<PeerId>{9, 10}));
  p.set_zone_neighbours({});
  p.set_overlay_neighbours({});
  EXPECT_TRUE(p.overlay_neighbours().empty());
  EXPECT_TRUE(p.zone_neighbours().empty());
  p.handle_message(0, 3, query(500, 7));
  EXPECT_TRUE(drain(p).empty());
}

TEST(PeerLayout, HubsWithMoreLinksThan16BitsFloodThemAll) {
  std::vector<PeerId> many(70'000);
  std::iota(many.begin(), many.end(), PeerId{10});
  const PeerConfig config;
  Peer borrowed(1, &config, 5);
  borrowed.borrow_links(many, 69'000);
  EXPECT_EQ(borrowed.overlay_neighbours().size(), 69'000u);
  EXPECT_EQ(borrowed.zone_neighbours().size(), 1'000u);
  borrowed.handle_message(0, 10, query(500, 7));
  EXPECT_EQ(destinations(borrowed).size(), 68'999u);  // all overlay links but the sender

  Peer owned(1, PeerConfig{}, 5);
  owned.set_zone_neighbours({3, 4});
  owned.set_overlay_neighbours(many);
  EXPECT_EQ(owned.overlay_neighbours().size(), 70'000u);
  EXPECT_EQ(owned.zone_neighbours().size(), 2u);
  owned.set_overlay_neighbours({5});  // back under 16 bits
  EXPECT_EQ(owned.overlay_neighbours().size(), 1u);
  EXPECT_EQ(owned.zone_neighbours().size(), 2u);
  EXPECT_EQ(owned.zone_neighbours()[1], 4u);
}

TEST(PeerLayout, BorrowedConfigWithOutOfRangeValuesIsFixedInAnOwnedCopy) {
  PeerConfig config;
  config.seen_capacity = 0;  // would remember nothing: normalised to 1
  Peer p(1, &config, 5);
  EXPECT_NE(&p.config(), &config);
  EXPECT_EQ(p.config().seen_capacity, 1u);
  p.set_overlay_neighbours({2, 3});
  EXPECT_EQ(p.handle_message(0, 2, query(500, 7)), Arrival::fresh);
  EXPECT_EQ(p.handle_message(0, 3, query(500, 7)), Arrival::duplicate);
}

TEST(PeerLayout, SearchesKeepTheirIdsAcrossIdlePeriods) {
  const PeerConfig config;
  const std::vector<PeerId> adjacency = {2};
  Peer p(4, &config, 5);
  p.borrow_links(adjacency, 1);  // nothing owned: only the search needs cold state
  const QueryId first = p.search(0, 1, Strategy::flood, SearchParams{});
  drain(p);
  p.handle_timeout(config.query_timeout_us);
  while (p.poll_event()) {
  }  // done: the origin state is freed, the id counter must survive
  const QueryId second = p.search(config.query_timeout_us, 1, Strategy::flood, SearchParams{});
  EXPECT_EQ(first, (QueryId{4} << 32) | 1);
  EXPECT_EQ(second, first + 1);
}

TEST(PeerLayout, IsNinetySixBytesInTwoCacheLines) {
  if constexpr (sizeof(void*) == 8) {
    EXPECT_EQ(sizeof(Peer), 96u);
    EXPECT_EQ(64 % alignof(Peer), 0u);
    EXPECT_EQ(alignof(Peer) % 32, 0u);  // any peer of an array starts at 0 or 32 within its line
  }
}

TEST(PeerLayout, BorrowedConfigIsKeptWhileSendsArePendingAndAfterColdStateComesAndGoes) {
  const std::vector<PeerId> adjacency = {2, 3, 4};
  PeerConfig config;
  config.seen_capacity = 7;
  Peer p(1, &config);
  p.borrow_links(adjacency, 3);
  EXPECT_EQ(&p.config(), &config);
  p.handle_message(0, 3, query(500, 7));  // a broadcast is pending: its block keeps the address
  EXPECT_EQ(&p.config(), &config);
  EXPECT_EQ(p.handle_message(0, 4, query(500, 7)), Arrival::duplicate);
  EXPECT_EQ(destinations(p), (std::vector<PeerId>{2, 4}));
  EXPECT_EQ(&p.config(), &config);
  p.share(0, 42);  // a file: cold state
  EXPECT_EQ(&p.config(), &config);
  EXPECT_TRUE(p.index().has_local(42));
  p.handle_message(0, 3, query(501, 7));
  EXPECT_EQ(&p.config(), &config);
  EXPECT_EQ(destinations(p), (std::vector<PeerId>{2, 4}));
  EXPECT_EQ(&p.config(), &config);
  Peer other(9, &config);
  EXPECT_TRUE(other.index().local().empty());
  EXPECT_EQ(other.index().record_count(), 0u);
  other.handle_message(0, 3, Publish{77, 5});  // a record: cold state too
  EXPECT_EQ(other.index().record_holder(77), std::optional<PeerId>{5});
  EXPECT_EQ(&other.config(), &config);
}

TEST(PeerLayout, MovedPeersKeepTheirStateAndConfiguration) {
  const PeerConfig config;
  const std::vector<PeerId> adjacency = {2, 3};
  std::vector<Peer> peers;
  for (PeerId id = 0; id < 50; ++id) {  // reallocations move the peers
    peers.emplace_back(id, &config);
    peers.back().borrow_links(adjacency, 2);
    if (id % 3 == 0) peers.back().share(0, id + 1000);
  }
  for (PeerId id = 0; id < 50; ++id) {
    EXPECT_EQ(peers[id].id(), id);
    EXPECT_EQ(&peers[id].config(), &config);
    EXPECT_EQ(peers[id].index().has_local(id + 1000), id % 3 == 0);
  }
  Peer taken = std::move(peers[3]);
  EXPECT_TRUE(taken.index().has_local(1003));
  peers[6] = std::move(taken);
  EXPECT_EQ(peers[6].id(), 3u);
  EXPECT_TRUE(peers[6].index().has_local(1003));
}

TEST(PeerLayout, SeedlessPeersDrawTheStreamOfTheSeedTheirConfigurationDerives) {
  PeerConfig config;
  config.rng_seed_base = 0x1234'5678'9abc'def0ull;
  const std::vector<PeerId> adjacency = {10, 11, 12, 13, 14, 15, 16, 17};
  Peer seedless(2, &config);
  seedless.borrow_links(adjacency, adjacency.size());
  Peer seeded(2, config, mix64(config.rng_seed_base ^ 2));
  seeded.set_overlay_neighbours(adjacency);
  Peer other_seed(2, config, mix64(config.rng_seed_base ^ 3));
  other_seed.set_overlay_neighbours(adjacency);
  std::vector<PeerId> a;
  std::vector<PeerId> b;
  std::vector<PeerId> c;
  for (QueryId id = 1; id <= 200; ++id) {  // each walker step draws from the peer's stream
    seedless.handle_message(0, 99, walk(id));
    seeded.handle_message(0, 99, walk(id));
    other_seed.handle_message(0, 99, walk(id));
    for (PeerId to : destinations(seedless)) a.push_back(to);
    for (PeerId to : destinations(seeded)) b.push_back(to);
    for (PeerId to : destinations(other_seed)) c.push_back(to);
  }
  ASSERT_EQ(a.size(), 200u);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST(Rng, AfterDrawsContinuesTheSequence) {
  Rng rng(77);
  for (std::uint64_t draws = 0; draws < 100; ++draws) {
    Rng skipped = Rng::after(77, draws);
    EXPECT_EQ(skipped.next(), rng.next());
  }
}

TEST(SendQueue, KeepsItsOwnersWordWhetherEmptyOrNot) {
  SendQueue q;
  EXPECT_EQ(q.word(), 0u);
  q.set_word(0x1000);
  EXPECT_EQ(q.word(), 0x1000u);
  q.push_unicast(7, Leave{});
  EXPECT_EQ(q.word(), 0x1000u);
  q.set_word(0x2000);
  const std::vector<PeerId> links(50, 3);
  q.push_broadcast(links, no_peer, Leave{});  // grows the block: the word moves with it
  EXPECT_EQ(q.word(), 0x2000u);
  SendQueue moved(std::move(q));
  EXPECT_EQ(moved.word(), 0x2000u);
  EXPECT_EQ(q.word(), 0u);
  std::size_t sent = 0;
  while (moved.pop()) ++sent;
  EXPECT_EQ(sent, 51u);
  EXPECT_TRUE(moved.empty());
  EXPECT_EQ(moved.word(), 0x2000u);
}

TEST(SendQueue, GrowsKeepsOrderAndIsEmptyOnceDrained) {
  SendQueue q;
  EXPECT_TRUE(q.empty());
  EXPECT_FALSE(q.pop());
  const std::vector<PeerId> links = {1, 2, 3};
  for (PeerId i = 0; i < 20; ++i) {
    if (i % 2 == 0) q.push_unicast(100 + i, Publish{i, i});
    else q.push_broadcast(links, 2, Publish{i, i});
  }
  EXPECT_FALSE(q.empty());
  std::vector<std::pair<PeerId, FileKey>> got;
  const auto first = q.pop();  // one copy by pop(), the rest of that item and the others by batches
  ASSERT_TRUE(first);
  got.emplace_back(first->to, std::get<Publish>(first->msg).key);
  while (const auto b = q.pop_batch())
    for (PeerId to : b->to)
      if (to != b->except) got.emplace_back(to, std::get<Publish>(*b->msg).key);
  std::vector<std::pair<PeerId, FileKey>> expected;
  for (PeerId i = 0; i < 20; ++i) {
    if (i % 2 == 0) expected.emplace_back(100 + i, i);
    else expected.insert(expected.end(), {{1, i}, {3, i}});
  }
  EXPECT_EQ(got, expected);
  EXPECT_TRUE(q.empty());
  q.push_unicast(7, Leave{});  // usable again after draining
  SendQueue moved(std::move(q));
  EXPECT_FALSE(moved.empty());
  EXPECT_EQ(moved.pop()->to, 7u);
  EXPECT_FALSE(moved.pop());
}
