// The compact Peer (docs/performance.md, issue 13): borrowed links and configuration, link
// counts beyond 16 bits, owned links replaced in either order, and the one-pointer send queue.
#include <gtest/gtest.h>

#include <numeric>
#include <vector>

#include "peer_outputs.hpp"
#include "zonal/peer.hpp"
#include "zonal/send_queue.hpp"

using namespace zonal;
using zonal::test::drain;

namespace {

Query query(QueryId id, std::uint8_t ttl, Scope scope = Scope::overlay) {
  return Query{id, 1, 99, ttl, 1, Strategy::flood, scope};
}

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
