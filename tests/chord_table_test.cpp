// ChordTable: finger-table maintenance with distinct fingers, successor-list edits, and the
// routing decision (closest preceding node, then the successors covering the key, and the
// candidates after a failed one).
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "zonal/chord_stable.hpp"
#include "zonal/chord_table.hpp"
#include "zonal/rng.hpp"

using namespace zonal;

namespace {

ChordRef node(ChordId id) { return ChordRef::make(id, static_cast<PeerId>(id + 1000)); }

// A random ring of `n` distinct ids in a `bits`-bit space.
std::vector<ChordRef> random_ring(std::size_t n, unsigned bits, std::uint64_t seed) {
  Rng rng(seed);
  const ChordSpace space(bits);
  std::vector<ChordRef> refs;
  while (refs.size() < n) {
    const ChordId id = rng.next() & space.mask();
    if (std::none_of(refs.begin(), refs.end(), [id](const ChordRef& r) { return r.id() == id; }))
      refs.push_back(ChordRef::make(id, static_cast<PeerId>(refs.size())));
  }
  return chord_sorted_ring(refs);
}

std::vector<ChordRef> as_vector(std::span<const ChordRef> s) { return {s.begin(), s.end()}; }

}  // namespace

TEST(ChordTable, ExactFingersOfASmallRing) {
  const std::vector<ChordRef> ring = {node(0), node(3), node(9), node(40), node(130)};
  // Starts 1, 2, 4, 8, 16, 32, 64, 128 -> 3, 3, 9, 9, 40, 40, 130, 130.
  const auto fingers = chord_exact_fingers(ring, 0, ChordSpace(8));
  EXPECT_EQ(fingers, (std::vector<ChordRef>{node(3), node(9), node(40), node(130)}));
  // Node 130: starts 131 ... 2 (wrapping) -> 0 for k <= 7, 3 for k = 8 (start 2).
  EXPECT_EQ(chord_exact_fingers(ring, 4, ChordSpace(8)), (std::vector<ChordRef>{node(0), node(3)}));
}

// chord_exact_fingers searches near where evenly spread ids would be; rings whose ids are far
// from even (clustered, at the ends of the space, 64-bit) must get the same fingers as one
// chord_ring_successor (a plain binary search) per finger, deduplicated.
TEST(ChordTable, ExactFingersOfUnevenRingsMatchOneSuccessorPerFinger) {
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    const unsigned bits = seed % 2 == 0 ? 64 : 20;
    const ChordSpace space(bits);
    Rng rng(seed);
    std::vector<ChordRef> refs;
    for (PeerId p = 0; p < 300; ++p) {
      ChordId id = rng.next() & space.mask();
      if (p % 3 == 0) id = (space.mask() >> 6) + p;           // a cluster low in the space
      if (p % 7 == 0) id = space.mask() - p;                   // and one at its very end
      if (seed % 3 == 0 && p % 2 == 0) id = rng.next() % 1000;  // most ids near zero
      refs.push_back(ChordRef::make(id, p));
    }
    std::sort(refs.begin(), refs.end(), [](const ChordRef& a, const ChordRef& b) { return a.id() < b.id(); });
    refs.erase(std::unique(refs.begin(), refs.end(), [](const ChordRef& a, const ChordRef& b) { return a.id() == b.id(); }),
               refs.end());
    const auto ring = chord_sorted_ring(refs);
    for (std::size_t me = 0; me < ring.size(); me += 7) {
      std::vector<ChordRef> expected;
      for (unsigned k = 1; k <= bits; ++k) {
        const ChordRef f = chord_ring_successor(ring, space.finger_start(ring[me].id(), k));
        if (f.peer != ring[me].peer && (expected.empty() || expected.back() != f)) expected.push_back(f);
        if (f.peer == ring[me].peer) break;
      }
      EXPECT_EQ(chord_exact_fingers(ring, me, space), expected) << "seed " << seed << " node " << me;
    }
  }
}

TEST(ChordTable, FingersSetInAnyOrderConvergeToTheExactDistinctFingers) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const unsigned bits = 16 + static_cast<unsigned>(seed % 3) * 20;  // 16, 36, 56
    const ChordSpace space(bits);
    const auto ring = random_ring(50, bits, seed);
    const std::size_t me = seed % ring.size();
    ChordTable t(ring[me], space, 4);
    std::vector<unsigned> order(bits);
    for (unsigned k = 0; k < bits; ++k) order[k] = k + 1;
    Rng rng(seed);
    for (unsigned i = bits; i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
    for (unsigned k : order) t.set_finger(k, chord_ring_successor(ring, space.finger_start(ring[me].id(), k)));
    EXPECT_EQ(as_vector(t.fingers()), chord_exact_fingers(ring, me, space)) << "seed " << seed;
    for (unsigned k = 1; k <= bits; ++k)
      EXPECT_EQ(t.finger(k), chord_ring_successor(ring, space.finger_start(ring[me].id(), k))) << k;
    EXPECT_LE(t.fingers().size(), 8u);  // about log2(50) distinct fingers, not m
  }
}

TEST(ChordTable, NewAnswerDropsFingersThatAreGoneAndRedundant) {
  ChordTable t(node(0), ChordSpace(8), 4);
  for (ChordId id : {3, 9, 40, 130}) t.set_finger(t.finger_after(node(id)) - 1, node(id));
  ASSERT_EQ(as_vector(t.fingers()), (std::vector<ChordRef>{node(3), node(9), node(40), node(130)}));
  // Node 9 died: a lookup for start 8 (finger 4) answers 40, so 9 goes.
  t.set_finger(4, node(40));
  EXPECT_EQ(as_vector(t.fingers()), (std::vector<ChordRef>{node(3), node(40), node(130)}));
  EXPECT_EQ(t.finger(4), node(40));
  // A node joined at 20: finger 5 (start 16) is 20 now; 40 still serves finger 6 (start 32).
  t.set_finger(5, node(20));
  EXPECT_EQ(as_vector(t.fingers()), (std::vector<ChordRef>{node(3), node(20), node(40), node(130)}));
  // An answer before the start is stale and ignored.
  t.set_finger(7, node(50));
  EXPECT_EQ(t.finger(7), node(130));
  // Nobody at or after 128 but us: fingers from 128 on are ourselves.
  t.set_finger(8, node(0));
  EXPECT_EQ(as_vector(t.fingers()), (std::vector<ChordRef>{node(3), node(20), node(40)}));
  EXPECT_EQ(t.finger(8), node(0));
  EXPECT_EQ(t.finger_after(node(40)), 7u);  // 2^6 = 64 > 40
  EXPECT_EQ(t.finger_after(node(0)), 9u);
}

TEST(ChordTable, SuccessorListKeepsRingOrderAndStopsAtSelf) {
  ChordTable t(node(100), ChordSpace(8), 3);
  EXPECT_EQ(t.successor(), node(100));  // alone
  const ChordRef list[] = {node(120), node(110), node(130), ChordRef{}, node(130), node(200), node(5)};
  t.set_successors(list);  // 110 is out of order, invalid and duplicate entries skipped, capped at 3
  EXPECT_EQ(as_vector(t.successors()), (std::vector<ChordRef>{node(120), node(130), node(200)}));
  const ChordRef wraps[] = {node(120), node(100), node(130)};
  t.set_successors(wraps);  // the list went round the ring: stop at ourselves
  EXPECT_EQ(as_vector(t.successors()), (std::vector<ChordRef>{node(120)}));
  t.append_successor(node(150));
  t.append_successor(node(140));  // not beyond the last
  EXPECT_EQ(as_vector(t.successors()), (std::vector<ChordRef>{node(120), node(150)}));
  t.adopt_successor(node(110));
  EXPECT_EQ(as_vector(t.successors()), (std::vector<ChordRef>{node(110), node(120), node(150)}));
  EXPECT_TRUE(t.remove(node(110).peer));
  EXPECT_EQ(t.successor(), node(120));
  EXPECT_FALSE(t.remove(node(77).peer));
  t.set_predecessor(node(90));
  EXPECT_TRUE(t.knows(node(90).peer));
  EXPECT_TRUE(t.remove(node(90).peer));
  EXPECT_FALSE(t.predecessor().valid());
}

TEST(ChordTable, RouteOrdersClosestPrecedingThenCoveringSuccessors) {
  ChordTable t(node(0), ChordSpace(8), 3);
  const ChordRef succ[] = {node(3), node(9), node(12)};
  t.set_successors(succ);
  for (ChordId id : {9, 40, 130}) t.set_finger(t.finger_after(node(id)) - 1, node(id));
  // Key 100: preceding known nodes 40, 12, 9, 3 (closest first); the list does not reach it.
  EXPECT_EQ(t.route(100).node, node(40));
  EXPECT_EQ(t.route(100).step, ChordStep::next);
  EXPECT_EQ(t.route_after(100, node(40).peer).node, node(12));
  EXPECT_EQ(t.route_after(100, node(9).peer).node, node(3));
  EXPECT_EQ(t.route_after(100, node(3).peer).step, ChordStep::none);
  const PeerId dead[] = {node(40).peer, node(12).peer};
  EXPECT_EQ(t.route_skipping(100, dead).node, node(9));
  // Key 2 lies in (0, 3]: the paper's "done" with successor 3; after a dead 3 comes 9.
  EXPECT_EQ(t.route(2).step, ChordStep::done);
  EXPECT_EQ(t.route(2).node, node(3));
  EXPECT_EQ(t.route_after(2, node(3).peer).node, node(9));
  EXPECT_EQ(t.route_after(2, node(12).peer).step, ChordStep::none);
  // Key 10: 9 and 3 precede it, then the covering successor 12.
  EXPECT_EQ(t.route(10).node, node(9));
  EXPECT_EQ(t.route_after(10, node(3).peer).step, ChordStep::done);
  EXPECT_EQ(t.route_after(10, node(3).peer).node, node(12));
  // A candidate this table no longer knows (it dropped it as dead): start from the best again.
  EXPECT_EQ(t.route_after(10, 4242).node, node(9));
  // Our own id: every known node precedes it; the farthest first.
  EXPECT_EQ(t.route(0).node, node(130));
}

TEST(ChordTable, AloneEveryKeyIsOurs) {
  ChordTable t(node(50), ChordSpace(8), 3);
  EXPECT_EQ(t.route(7).step, ChordStep::done);
  EXPECT_EQ(t.route(7).node, node(50));
  EXPECT_EQ(t.route_after(7, node(50).peer).step, ChordStep::none);
}

TEST(ChordTable, RouteMatchesTheTrueSuccessorOnAnExactTable) {
  const ChordSpace space(20);
  const auto ring = random_ring(200, 20, 7);
  Rng rng(3);
  for (std::size_t me = 0; me < ring.size(); me += 17) {
    ChordTable t(ring[me], space, 4);
    const ChordRef succ[] = {ring[(me + 1) % 200], ring[(me + 2) % 200], ring[(me + 3) % 200], ring[(me + 4) % 200]};
    t.install(ring[(me + 199) % 200], succ, chord_exact_fingers(ring, me, space));
    for (int i = 0; i < 200; ++i) {
      const ChordId key = rng.next() & space.mask();
      const ChordRoute r = t.route(key);
      if (r.step == ChordStep::done) {
        EXPECT_EQ(r.node, chord_ring_successor(ring, key));
      } else {
        ASSERT_EQ(r.step, ChordStep::next);
        EXPECT_TRUE(space.in_open(r.node.id(), ring[me].id(), key));  // always progress
      }
    }
  }
}
