// Periodic maintenance: stabilization costs two messages per round in a steady ring (the
// successor list travels only when it changed), repairs lists after a crash, timers are
// jittered, and tiny rings form and dissolve correctly.
#include <gtest/gtest.h>
#include <malloc.h>

#include <numeric>

#include "chord_test_network.hpp"

using namespace zonal;
using zonal::test::ChordTestNetwork;
using zonal::test::all_peers;
using zonal::test::describe_all;

namespace {

ChordConfig stabilize_only(std::uint8_t successors) {
  ChordConfig c = test::quiet_config(successors);
  c.stabilize_interval_us = 1'000'000;
  return c;
}

// Messages sent, by variant index.
struct Census {
  std::array<std::uint64_t, std::variant_size_v<ChordMessage>> by_kind{};
  template <class M>
  std::uint64_t of() const {
    return by_kind[ChordMessage(M{}).index()];
  }
  std::uint64_t total() const { return std::accumulate(by_kind.begin(), by_kind.end(), std::uint64_t{0}); }
};

void count_into(ChordTestNetwork& net, Census& census) {
  net.set_trace([&census](TimeUs, PeerId, PeerId, const ChordMessage& m) { ++census.by_kind[m.index()]; });
}

}  // namespace

TEST(ChordMaintenance, SteadyStabilizationCostsTwoMessagesPerRound) {
  ChordTestNetwork net(stabilize_only(5));
  net.add_nodes(50);
  net.install_stable(all_peers(50));
  Census census;
  count_into(net, census);
  net.run_for(20'000'000);
  EXPECT_GT(census.of<ChordStabilize>(), 50u * 10);  // about one round per node per second
  EXPECT_EQ(census.of<ChordStabilizeReply>(), census.of<ChordStabilize>());
  EXPECT_EQ(census.of<ChordSuccessorEntry>(), 0u);  // lists agree: the digest matches
  EXPECT_EQ(census.total(), 2 * census.of<ChordStabilize>());
  EXPECT_TRUE(net.violations().empty());
}

TEST(ChordMaintenance, CrashRepairTransfersListsOnlyWhileTheyDiffer) {
  const std::uint8_t r = 5;
  ChordConfig config = stabilize_only(r);
  config.check_predecessor_interval_us = 1'000'000;  // without it the dead predecessor stays named
  ChordTestNetwork net(config, 10'000, 6'000);       // jitter reorders the list entries
  net.add_nodes(50);
  net.install_stable(all_peers(50));
  const auto ring = net.live_ring();
  net.crash(ring[10].peer);
  Census repair;
  count_into(net, repair);
  net.run_for(20'000'000);
  EXPECT_TRUE(net.violations().empty());
  // The r nodes before the crashed one had it in their lists; each list is resent once or a few
  // times (r - 1 entries each) while the change propagates backwards.
  EXPECT_GE(repair.of<ChordSuccessorEntry>(), (r - 1u) * r);
  EXPECT_LE(repair.of<ChordSuccessorEntry>(), 4u * (r - 1u) * r);
  Census quiet;
  count_into(net, quiet);
  net.run_for(10'000'000);
  EXPECT_EQ(quiet.of<ChordSuccessorEntry>(), 0u);
}

TEST(ChordMaintenance, TimersAreJitteredAroundTheirInterval) {
  ChordTestNetwork net(stabilize_only(3));
  net.add_nodes(2);
  net.install_stable(all_peers(2));
  std::vector<TimeUs> sent_at;
  net.set_trace([&](TimeUs now, PeerId from, PeerId, const ChordMessage& m) {
    if (from == 0 && std::holds_alternative<ChordStabilize>(m)) sent_at.push_back(now);
  });
  net.run_for(100'000'000);
  ASSERT_GT(sent_at.size(), 60u);
  TimeUs shortest = INT64_MAX, longest = 0;
  for (std::size_t i = 1; i < sent_at.size(); ++i) {
    shortest = std::min(shortest, sent_at[i] - sent_at[i - 1]);
    longest = std::max(longest, sent_at[i] - sent_at[i - 1]);
  }
  EXPECT_GE(shortest, 500'000);  // interval * [1 - j, 1 + j] with j = 0.5
  EXPECT_LE(longest, 1'500'000);
  EXPECT_GT(longest - shortest, 500'000);  // really spread, not periodic
}

TEST(ChordMaintenance, TwoNodeRingFormsAndDissolves) {
  ChordTestNetwork net(test::fast_config(3));
  net.add_nodes(2);
  net.command(0, [](ChordNode& n, TimeUs now) { n.create(now); });
  EXPECT_EQ(net.node(0).successor(), net.ref(0));
  net.command(1, [&](ChordNode& n, TimeUs now) { n.join(now, net.ref(0)); });
  net.run_for(10'000'000);
  EXPECT_TRUE(net.violations().empty());
  EXPECT_EQ(net.node(0).successor(), net.ref(1));
  EXPECT_EQ(net.node(0).predecessor(), net.ref(1));
  net.command(1, [](ChordNode& n, TimeUs now) { n.leave(now); });
  net.run_for(10'000'000);
  EXPECT_EQ(net.node(0).successor(), net.ref(0));  // alone again
  EXPECT_FALSE(net.node(0).predecessor().valid());
  EXPECT_TRUE(net.violations().empty());
  EXPECT_FALSE(net.node(1).poll_timeout());  // a departed node needs no timer
}

TEST(ChordMaintenance, NodeMemoryStaysSmall) {
  ChordTestNetwork net(test::quiet_config(8));
  net.add_nodes(4096);
  // The allocator's own count of the heap the nodes' tables take (malloc headers included),
  // against memory_bytes(), which sums sizeof and container capacities.
  const std::size_t heap_before = ::mallinfo2().uordblks;
  net.install_stable(all_peers(4096));
  const std::size_t heap_after = ::mallinfo2().uordblks;
  std::size_t bytes = 0, fingers = 0;
  for (PeerId p = 0; p < 4096; ++p) bytes += net.node(p).memory_bytes(), fingers += net.node(p).table().fingers().size();
  const double mean_bytes = static_cast<double>(bytes) / 4096;
  const double mean_fingers = static_cast<double>(fingers) / 4096;
  const double measured_heap = static_cast<double>(heap_after - heap_before) / 4096;
  const double computed_heap = mean_bytes - static_cast<double>(sizeof(ChordNode));
  RecordProperty("bytes_per_node", std::to_string(mean_bytes));
  RecordProperty("measured_heap_per_node", std::to_string(measured_heap));
  EXPECT_LT(mean_fingers, 16.0);  // about log2 N distinct fingers, not m = 64
  // memory_bytes() neither misses nor invents heap: within malloc's per-block overhead (a few
  // blocks of at most 16 bytes each) and whatever the test network keeps per node (its queue).
  EXPECT_GE(measured_heap + 1.0, computed_heap) << "memory_bytes() counts more heap than is allocated";
  EXPECT_LE(measured_heap, computed_heap + 96.0) << "the nodes allocate heap memory_bytes() does not count";
  // docs/performance.md's figure for r = 8 at this size: about half a kilobyte per node.
  EXPECT_LE(mean_bytes, 512.0);
}
