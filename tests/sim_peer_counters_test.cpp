// The engine's per-peer tables in lazily zeroed memory (issue 13's memory work): the delivery
// counters (16 bits per peer, carries beyond) and the timer table (a slot per peer, touched only
// by peers that arm a timer).
#include <gtest/gtest.h>

#include <cstdint>

#include "engine/core/measurement.hpp"
#include "engine/core/timer_table.hpp"
#include "engine/core/zeroed_array.hpp"

using namespace zonal;
using namespace zonal::sim;

TEST(ZeroedArray, StartsZeroSmallAndLargeAndMoves) {
  for (const std::size_t n : {std::size_t{10}, std::size_t{3'000'000}}) {  // calloc, then a mapping
    ZeroedArray<std::uint64_t> a(n);
    ASSERT_EQ(a.size(), n);
    EXPECT_EQ(a[0], 0u);
    EXPECT_EQ(a[n / 2], 0u);
    EXPECT_EQ(a[n - 1], 0u);
    a[n - 1] = 7;
    ZeroedArray<std::uint64_t> b(std::move(a));
    EXPECT_EQ(b[n - 1], 7u);
    EXPECT_EQ(a.size(), 0u);
    a = std::move(b);
    EXPECT_EQ(a[n - 1], 7u);
  }
}

TEST(PeerCounters, CountPastSixteenBitsLikeThirtyTwoBitCounters) {
  const ProgressFn no_progress;
  Measurement m(4, {}, no_progress, 0);
  m.start_query_phase(0, 0, 4);
  for (int i = 0; i < 200'000; ++i) m.received(1);
  m.received(2);
  for (int i = 0; i < 1'000; ++i) m.sent(3, 70'001);  // every call carries
  m.sent(0, 65'535);
  m.sent(0, 1);  // exactly at the 16-bit boundary
  m.sent(2, 4'000'000'000u);
  m.sent(2, 400'000'000u);  // past 2^32: wraps as a 32-bit counter would
  RunResult result;
  m.collect_peer_loads(result, [](PeerId) { return no_zone; }, [](PeerId, PeerLoad&) {});
  ASSERT_EQ(result.peers_load.size(), 4u);
  EXPECT_EQ(result.peers_load[0].received, 0u);
  EXPECT_EQ(result.peers_load[1].received, 200'000u);
  EXPECT_EQ(result.peers_load[2].received, 1u);
  EXPECT_EQ(result.peers_load[3].received, 0u);
  EXPECT_EQ(result.peers_load[0].sent, 65'536u);
  EXPECT_EQ(result.peers_load[1].sent, 0u);
  EXPECT_EQ(result.peers_load[2].sent, static_cast<std::uint32_t>(4'400'000'000ull));
  EXPECT_EQ(result.peers_load[3].sent, 70'001'000u);
}

TEST(TimerTable, ArmsOnlyEarlierDeadlinesAndForgetsFiredOnes) {
  TimerTable t(2'000'000);  // a mapping: untouched slots read as "none"
  EXPECT_EQ(t.queued_at(1'999'999), TimerTable::none);
  EXPECT_EQ(t.arm(5, std::nullopt, 100), std::nullopt);
  EXPECT_EQ(t.arm(5, 500, 100), std::optional<TimeUs>{500});
  EXPECT_EQ(t.queued_at(5), 500);
  EXPECT_EQ(t.arm(5, 700, 100), std::nullopt);  // later than the queued one
  EXPECT_EQ(t.arm(5, 300, 100), std::optional<TimeUs>{300});
  EXPECT_EQ(t.arm(6, 0, 50), std::optional<TimeUs>{50});  // never before now
  EXPECT_EQ(t.queued_at(6), 0);
  t.fired(5, 299);  // not due yet: kept
  EXPECT_EQ(t.queued_at(5), 300);
  t.fired(5, 300);
  EXPECT_EQ(t.queued_at(5), TimerTable::none);
  EXPECT_EQ(t.queued_at(4), TimerTable::none);
}
