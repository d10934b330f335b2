// Expanding ring (Lv et al. 2002): TTL sequence, one query id per ring, stop at the first ring
// with a hit, and (in the simulator) every ring's messages counted on the one search.
#include <gtest/gtest.h>

#include <vector>

#include "engine/engine.hpp"
#include "peer_outputs.hpp"
#include "zonal/peer.hpp"
#include "zonal/strategy.hpp"
#include "zonal/strategy_ring.hpp"

using namespace zonal;
using zonal::test::drain;
using zonal::test::events;

namespace {

SearchParams ring_params(std::uint8_t start, std::uint8_t step, std::uint8_t last) {
  SearchParams p;
  p.ttl_hops = last;
  p.ring_ttl_start = start;
  p.ring_ttl_step = step;
  p.ring_wait_us = 1000;
  return p;
}

std::vector<unsigned> ttls(const SearchParams& p) {
  std::vector<unsigned> out;
  for (std::uint32_t r = 0; r < ring_count(p); ++r) out.push_back(ring_ttl_hops(p, r));
  return out;
}

/// The query copies of one ring, as the origin sends them.
struct Ring {
  QueryId id = 0;
  unsigned ttl = 0;
  std::size_t copies = 0;
};

Ring ring_of(const std::vector<Transmit>& out) {
  Ring r;
  for (const auto& t : out) {
    const auto& q = std::get<Query>(t.msg);
    r.id = q.query_id;
    r.ttl = q.ttl_hops;
    EXPECT_EQ(q.strategy, Strategy::expanding_ring);
    ++r.copies;
  }
  return r;
}

}  // namespace

TEST(Ring, TtlSequence) {
  EXPECT_EQ(ttls(ring_params(1, 2, 7)), (std::vector<unsigned>{1, 3, 5, 7}));
  EXPECT_EQ(ttls(ring_params(1, 2, 6)), (std::vector<unsigned>{1, 3, 5, 6}));
  EXPECT_EQ(ttls(ring_params(2, 3, 10)), (std::vector<unsigned>{2, 5, 8, 10}));
  EXPECT_EQ(ttls(ring_params(5, 2, 3)), (std::vector<unsigned>{3}));  // start above the max: one ring
  EXPECT_EQ(search_id_count(Strategy::expanding_ring, ring_params(1, 2, 7)), 4u);
  EXPECT_EQ(search_id_count(Strategy::flood, ring_params(1, 2, 7)), 1u);
}

TEST(Ring, RingsUseGrowingTtlAndTheirOwnIdsUntilTheLast) {
  Peer p(1, PeerConfig{}, 3);
  p.set_overlay_neighbours({2, 3});
  const QueryId id = p.search(0, 77, Strategy::expanding_ring, ring_params(1, 2, 7));
  std::vector<Ring> rings{ring_of(drain(p))};
  TimeUs now = 0;
  while (auto t = p.poll_timeout()) {
    if (*t >= PeerConfig{}.query_timeout_us) break;  // only the deadline is left
    now = *t;
    p.handle_timeout(now);
    rings.push_back(ring_of(drain(p)));
  }
  ASSERT_EQ(rings.size(), 4u);
  for (std::size_t r = 0; r < rings.size(); ++r) {
    EXPECT_EQ(rings[r].id, id + r);
    EXPECT_EQ(rings[r].ttl, 2 * r + 1);
    EXPECT_EQ(rings[r].copies, 2u);
  }
  EXPECT_EQ(now, 3000);  // one ring_wait_us between rings
  // the next search skips the ids the rings used
  EXPECT_EQ(p.search(now, 78, Strategy::flood, SearchParams{}), id + 4);
}

TEST(Ring, StopsAfterTheFirstRingThatProducedAHit) {
  Peer p(1, PeerConfig{}, 3);
  p.set_overlay_neighbours({2, 3});
  const QueryId id = p.search(0, 77, Strategy::expanding_ring, ring_params(1, 2, 7));
  drain(p);
  p.handle_timeout(1000);
  EXPECT_EQ(ring_of(drain(p)).id, id + 1);
  p.handle_message(1500, 2, QueryHit{id + 1, 9, 9, 2});  // a hit of the second ring
  const auto ev = p.poll_event();
  ASSERT_TRUE(ev.has_value());
  EXPECT_EQ(std::get<HitEvent>(*ev).query_id, id);  // reported under the search's id
  p.handle_timeout(2000);
  EXPECT_TRUE(drain(p).empty());  // no third ring
}

TEST(Ring, ALaterRingIsFreshWhereAnEarlierOneWasSeen) {
  Peer relay(2, PeerConfig{}, 3);
  relay.set_overlay_neighbours({1, 3});
  const QueryId id = (QueryId{1} << 32) | 1;
  EXPECT_EQ(relay.handle_message(0, 1, Query{id, 77, 1, 1, 1, Strategy::expanding_ring, Scope::overlay}), Arrival::fresh);
  EXPECT_EQ(relay.handle_message(0, 1, Query{id, 77, 1, 1, 1, Strategy::expanding_ring, Scope::overlay}),
            Arrival::duplicate);
  EXPECT_EQ(relay.handle_message(1000, 1, Query{id + 1, 77, 1, 3, 1, Strategy::expanding_ring, Scope::overlay}),
            Arrival::fresh);
  EXPECT_EQ(drain(relay).size(), 1u);  // the TTL-3 ring goes on to 3
}

TEST(Ring, SimulatorCountsEveryRingOnTheOneSearch) {
  // Missing names: every ring runs. With constant latency, no loss and one query in flight at
  // a time, a search's messages and reach are those of TTL 1, 3, 5 and 7 floods added up.
  using namespace zonal::sim;
  Scenario sc;
  sc.name = "ring";
  sc.peers = 300;
  sc.topology.degree = 4;
  sc.latency = LatencySpec{LatencyKind::constant, 10.0};
  sc.content = ContentSpec{5, 1, {}};
  sc.workload = WorkloadSpec{20, 0.1, 0.0, 1.0, 0.0, {}};
  sc.search = SearchSpec{Strategy::expanding_ring, 7, 4096, 5000.0};
  sc.search.ring_wait_ms = 500;
  const RunResult ring = run_simulation(sc, 3);
  std::vector<std::uint64_t> messages(ring.queries.size(), 0), reached(ring.queries.size(), 0);
  for (std::uint8_t ttl : {1, 3, 5, 7}) {
    Scenario f = sc;
    f.search.strategy = Strategy::flood;
    f.search.ttl_hops = ttl;
    const RunResult flood = run_simulation(f, 3);
    ASSERT_EQ(flood.queries.size(), ring.queries.size());
    for (std::size_t i = 0; i < flood.queries.size(); ++i) {
      ASSERT_EQ(flood.queries[i].origin, ring.queries[i].origin);
      messages[i] += flood.queries[i].messages;
      reached[i] += flood.queries[i].reached;
    }
  }
  for (std::size_t i = 0; i < ring.queries.size(); ++i) {
    EXPECT_EQ(ring.queries[i].messages, messages[i]) << i;
    EXPECT_EQ(ring.queries[i].reached, reached[i]) << i;
    EXPECT_EQ(ring.queries[i].hits, 0u);
  }
}
