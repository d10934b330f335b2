// Event queue: strict (time, seq) order across buckets, the late heap and the overflow heap.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "event_queue.hpp"

using zonal::sim::Event;
using zonal::sim::EventQueue;

namespace {
Event at(zonal::TimeUs t, zonal::PeerId tag) {
  Event e;
  e.time_us = t;
  e.to = tag;
  return e;
}
}  // namespace

TEST(EventQueue, EqualTimesPopInInsertionOrder) {
  EventQueue q(10, 8);
  for (zonal::PeerId i = 0; i < 100; ++i) q.push(at(5, i));
  for (zonal::PeerId i = 0; i < 100; ++i) EXPECT_EQ(q.pop().to, i);
  EXPECT_TRUE(q.empty());
}

TEST(EventQueue, MatchesAReferenceSortUnderInterleavedPushAndPop) {
  EventQueue q(7, 16);  // small ring: forces overflow and wrap-around
  std::mt19937_64 rng(1);
  std::vector<std::pair<zonal::TimeUs, std::uint64_t>> expected_order;
  std::vector<Event> reference;
  zonal::TimeUs now = 0;
  std::uint64_t seq = 0;
  std::vector<std::pair<zonal::TimeUs, std::uint64_t>> popped;
  for (int step = 0; step < 20000; ++step) {
    if (rng() % 3 != 0 || q.empty()) {
      const zonal::TimeUs t = now + static_cast<zonal::TimeUs>(rng() % (rng() % 2 ? 20 : 2000));
      Event e = at(t, static_cast<zonal::PeerId>(seq));
      if (rng() % 5 == 0) e.kind = zonal::sim::EventKind::timer;  // control heap
      q.push(e);
      e.seq = seq++;
      reference.push_back(e);
    } else {
      auto it = std::min_element(reference.begin(), reference.end(), zonal::sim::earlier);
      const Event got = q.pop();
      EXPECT_EQ(got.time_us, it->time_us);
      EXPECT_EQ(got.seq, it->seq);
      now = got.time_us;
      reference.erase(it);
    }
  }
  while (!q.empty()) {
    auto it = std::min_element(reference.begin(), reference.end(), zonal::sim::earlier);
    EXPECT_EQ(q.pop().seq, it->seq);
    reference.erase(it);
  }
  EXPECT_TRUE(reference.empty());
}

TEST(EventQueue, ControlEventsInterleaveWithDeliveriesByTime) {
  EventQueue q(10, 4);
  Event timer = at(25, 1);
  timer.kind = zonal::sim::EventKind::timer;
  q.push(at(30, 2));
  q.push(timer);
  q.push(at(5, 0));
  Event late_timer = at(500, 3);
  late_timer.kind = zonal::sim::EventKind::query_arrival;
  q.push(late_timer);
  for (zonal::PeerId want = 0; want < 4; ++want) EXPECT_EQ(q.pop().to, want);
  EXPECT_TRUE(q.empty());
}

TEST(EventQueue, FarFutureEventsComeBackFromOverflow) {
  EventQueue q(1, 4);
  q.push(at(1'000'000, 2));
  q.push(at(3, 1));
  EXPECT_EQ(q.pop().to, 1u);
  EXPECT_EQ(q.pop().to, 2u);
  EXPECT_TRUE(q.empty());
}
