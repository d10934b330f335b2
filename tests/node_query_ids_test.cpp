// The node's one query id allocator (node/peer/runtime/query_ids.hpp) and the core's search under ids
// chosen by the caller (Peer::search_with_ids).
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "query_ids.hpp"
#include "zonal/peer.hpp"
#include "zonal/strategy.hpp"

namespace zonal::node {
namespace {

TEST(QueryIds, BlocksAreConsecutiveCarryThePeerAndNeverOverlap) {
  QueryIdAllocator ids(7);
  const QueryId a = ids.take(3);
  const QueryId b = ids.take(1);
  const QueryId c = ids.take(2);
  EXPECT_EQ(a, (QueryId{7} << 32) | 1);
  EXPECT_EQ(b, a + 3);
  EXPECT_EQ(c, b + 1);
  EXPECT_EQ(ids.last_counter(), 6u);
  EXPECT_EQ(query_origin(c), 7u);
}

TEST(QueryIds, StartsAfterTheGivenCounterAndWrapsWithoutZero) {
  QueryIdAllocator restarted(3, 1000);
  EXPECT_EQ(restarted.take(), (QueryId{3} << 32) | 1001);
  QueryIdAllocator near_end(3, 0xFFFFFFFDu);
  EXPECT_EQ(near_end.take(1), (QueryId{3} << 32) | 0xFFFFFFFEu);
  // A block of 4 does not fit below 2^32 - 1: it starts over at 1, never at 0.
  EXPECT_EQ(near_end.take(4), (QueryId{3} << 32) | 1);
  EXPECT_EQ(near_end.take(0), (QueryId{3} << 32) | 5);  // 0 counts as 1
}

TEST(QueryIds, ConcurrentTakersGetDistinctIds) {
  QueryIdAllocator ids(1);
  std::vector<std::vector<QueryId>> got(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5000; ++i) got[t].push_back(ids.take(2));
    });
  for (auto& t : threads) t.join();
  std::set<QueryId> all;
  for (const auto& v : got)
    for (QueryId id : v) {
      EXPECT_TRUE(all.insert(id).second);
      EXPECT_TRUE(all.insert(id + 1).second);  // the block's second id is nobody else's
    }
}

TEST(QueryIds, CoreSearchRunsUnderTheCallersIdsOrFallsBackToItsCounter) {
  PeerConfig config;
  Peer peer(4, config, 1);
  SearchParams params;
  const QueryId mine = (QueryId{4} << 32) | 500;
  EXPECT_EQ(peer.search_with_ids(0, 99, Strategy::flood, params, mine), mine);
  // Ids of another peer, or counter 0, are not usable: the peer's own counter is used.
  const QueryId foreign = (QueryId{5} << 32) | 9;
  const QueryId own = peer.search_with_ids(0, 99, Strategy::flood, params, foreign);
  EXPECT_EQ(query_origin(own), 4u);
  EXPECT_NE(own, foreign);
  EXPECT_NE(peer.search_with_ids(0, 99, Strategy::flood, params, QueryId{4} << 32), QueryId{4} << 32);
}

}  // namespace
}  // namespace zonal::node
