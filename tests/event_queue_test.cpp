// Event queue: strict (time, seq) order across buckets, the late heap and the overflow heap.
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <random>
#include <utility>
#include <vector>

#include "engine/chord/chord_simulation.hpp"
#include "engine/core/event_queue.hpp"

using zonal::sim::Event;
using zonal::sim::EventQueue;

namespace {
Event at(zonal::TimeUs t, zonal::PeerId tag) {
  Event e;
  e.time_us = t;
  e.to = tag;
  return e;
}

/// Pops one delivery at a time, expanding batches into the events separate pushes would have
/// made (kind deliver, seq of the first copy + k, to = k-th destination).
class OneByOne {
 public:
  explicit OneByOne(EventQueue& q) : m_q(q) {}
  Event pop() {
    if (m_pending.empty()) {
      const EventQueue::Popped run = m_q.pop();
      for (std::size_t k = 0; k < run.to.size(); ++k) {
        Event e = *run.event;
        e.seq += k;
        e.to = run.to[k];
        if (e.kind == zonal::sim::EventKind::deliver_batch) e.kind = zonal::sim::EventKind::deliver;
        m_pending.push_back(e);
      }
    }
    Event e = m_pending.front();
    m_pending.pop_front();
    return e;
  }
  std::size_t size() const { return m_q.size() + m_pending.size(); }
  bool empty() const { return size() == 0; }

 private:
  EventQueue& m_q;
  std::deque<Event> m_pending;
};

/// The next event of a queue that holds no batches.
Event pop_one(EventQueue& q) {
  const EventQueue::Popped run = q.pop();
  EXPECT_EQ(run.to.size(), 1u);
  return *run.event;
}

/// Pops one event from each of `a` and `b` (same size expected) and expects the same delivery:
/// time, seq, destination, kind and message (the sender is the caller's to compare); returns
/// the pair. Call while comparing two queues fed the same traffic.
std::pair<Event, Event> expect_same_next(OneByOne& a, OneByOne& b) {
  EXPECT_EQ(a.size(), b.size());
  const Event x = a.pop(), y = b.pop();
  EXPECT_EQ(x.time_us, y.time_us);
  EXPECT_EQ(x.seq, y.seq);
  EXPECT_EQ(x.to, y.to);
  EXPECT_EQ(x.kind, y.kind);
  EXPECT_EQ(x.msg, y.msg);
  return {x, y};
}

/// Drains `b` and as many events of `a`, expecting the same deliveries, then `a` empty too.
void expect_same_rest(OneByOne& a, OneByOne& b) {
  while (!b.empty()) {
    ASSERT_FALSE(a.empty());
    expect_same_next(a, b);
  }
  EXPECT_TRUE(a.empty());
}
}  // namespace

TEST(EventQueue, EqualTimesPopInInsertionOrder) {
  EventQueue q(10, 8);
  for (zonal::PeerId i = 0; i < 100; ++i) q.push(at(5, i));
  for (zonal::PeerId i = 0; i < 100; ++i) EXPECT_EQ(pop_one(q).to, i);
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
      auto it = std::min_element(reference.begin(), reference.end(), zonal::sim::earlier<Event>);
      const Event got = pop_one(q);
      EXPECT_EQ(got.time_us, it->time_us);
      EXPECT_EQ(got.seq, it->seq);
      now = got.time_us;
      reference.erase(it);
    }
  }
  while (!q.empty()) {
    auto it = std::min_element(reference.begin(), reference.end(), zonal::sim::earlier<Event>);
    EXPECT_EQ(pop_one(q).seq, it->seq);
    reference.erase(it);
  }
  EXPECT_TRUE(reference.empty());
}

// Chord's events go through the same calendar queue (deliveries in buckets, the rest in the
// control heap) and must pop in exactly the (time, insertion) order the old binary heap gave.
TEST(EventQueue, ChordEventsMatchAReferenceSort) {
  using zonal::sim::ChordEventKind;
  using zonal::sim::ChordSimEvent;
  zonal::sim::CalendarQueue<ChordSimEvent> q(8, 32);
  std::mt19937_64 rng(7);
  std::vector<ChordSimEvent> reference;
  zonal::TimeUs now = 0;
  std::uint64_t seq = 0;
  for (int step = 0; step < 30000; ++step) {
    if (rng() % 3 != 0 || q.empty()) {
      ChordSimEvent e;
      e.time_us = now + static_cast<zonal::TimeUs>(rng() % (rng() % 4 ? 1000 : 100000));
      e.to = static_cast<zonal::PeerId>(seq);
      e.kind = rng() % 4 == 0 ? ChordEventKind::timer : ChordEventKind::deliver;
      e.msg = zonal::ChordPing{static_cast<zonal::ChordRpcId>(seq)};
      q.push(e);
      e.seq = seq++;
      reference.push_back(e);
    } else {
      const auto it = std::min_element(reference.begin(), reference.end(), zonal::sim::earlier<ChordSimEvent>);
      const auto popped = q.pop();
      ASSERT_EQ(popped.to.size(), 1u);
      EXPECT_EQ(popped.event->time_us, it->time_us);
      EXPECT_EQ(popped.event->seq, it->seq);
      EXPECT_EQ(popped.event->to, it->to);
      EXPECT_EQ(popped.event->kind, it->kind);
      EXPECT_EQ(std::get<zonal::ChordPing>(popped.event->msg).rpc, it->seq);
      now = popped.event->time_us;
      reference.erase(it);
    }
  }
  while (!q.empty()) {
    const auto it = std::min_element(reference.begin(), reference.end(), zonal::sim::earlier<ChordSimEvent>);
    EXPECT_EQ(q.pop().event->seq, it->seq);
    reference.erase(it);
  }
  EXPECT_TRUE(reference.empty());
  EXPECT_EQ(q.pushed(), seq);
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
  for (zonal::PeerId want = 0; want < 4; ++want) EXPECT_EQ(pop_one(q).to, want);
  EXPECT_TRUE(q.empty());
}

TEST(EventQueue, FarFutureEventsComeBackFromOverflow) {
  EventQueue q(1, 4);
  q.push(at(1'000'000, 2));
  q.push(at(3, 1));
  EXPECT_EQ(pop_one(q).to, 1u);
  EXPECT_EQ(pop_one(q).to, 2u);
  EXPECT_TRUE(q.empty());
}

TEST(EventQueue, BatchesPopExactlyLikeSeparatePushes) {
  // Two queues fed the same random traffic: one with batches, one with single pushes.
  EventQueue batched_queue(8, 16), single_queue(8, 16);
  OneByOne batched(batched_queue), single(single_queue);
  std::mt19937_64 rng(5);
  zonal::TimeUs now = 0;
  std::size_t popped = 0;
  for (int step = 0; step < 5000; ++step) {
    if (rng() % 2 == 0 || batched.empty()) {
      const zonal::TimeUs t = now + static_cast<zonal::TimeUs>(rng() % (rng() % 4 == 0 ? 5000 : 60));
      std::vector<zonal::PeerId> to(rng() % 9);
      for (auto& d : to) d = static_cast<zonal::PeerId>(rng() % 1000);
      const zonal::sim::Event tmpl = at(t, 0);
      batched_queue.push_batch(t, 7, tmpl.msg, to);
      for (zonal::PeerId d : to) single_queue.push(at(t, d));
      if (rng() % 7 == 0) {  // a control event in between
        Event timer = at(now + static_cast<zonal::TimeUs>(rng() % 100), 4242);
        timer.kind = zonal::sim::EventKind::timer;
        batched_queue.push(timer);
        single_queue.push(timer);
      }
    } else {
      now = expect_same_next(batched, single).first.time_us;
      ++popped;
    }
  }
  expect_same_rest(batched, single);
  EXPECT_GT(popped, 1000u);
}

// push_shared() keeps one message for a broadcast's copies and 16 bytes per copy; whatever
// the mix (copies into the bucket being drained, beyond the ring, into buckets that also hold
// whole events and batches, control events between), pops must equal separate pushes exactly.
static void check_shared_against_single(zonal::TimeUs bucket_width_us, std::uint32_t buckets, std::uint64_t seed,
                                        zonal::TimeUs scale = 1) {
  EventQueue shared_queue(bucket_width_us, buckets), single_queue(bucket_width_us, buckets);
  OneByOne shared(shared_queue), single(single_queue);
  std::mt19937_64 rng(seed);
  zonal::TimeUs now = 0;
  std::size_t popped = 0;
  std::uint64_t id = 1;
  for (int step = 0; step < 20000; ++step) {
    if (rng() % 2 == 0 || shared.empty()) {
      const zonal::PeerId from = static_cast<zonal::PeerId>(rng() % 1000);
      const zonal::Message msg = zonal::Query{.query_id = id++, .key = rng()};
      std::vector<EventQueue::Copy> copies(rng() % 9);
      for (auto& c : copies) {
        const auto spread = scale * (rng() % 8 == 0 ? 20000 : (rng() % 3 == 0 ? 10 : 300));
        c = {now + static_cast<zonal::TimeUs>(rng() % spread), static_cast<zonal::PeerId>(rng() % 1000)};
      }
      if (rng() % 10 == 0) {  // a batch or a whole event into the same buckets: mixed buckets
        const std::vector<zonal::PeerId> to{1, 2, 3};
        const zonal::TimeUs t = now + static_cast<zonal::TimeUs>(rng() % 300);
        shared_queue.push_batch(t, from, msg, to);
        for (zonal::PeerId d : to) single_queue.push(Event{t, 0, d, from, zonal::sim::EventKind::deliver, 0, msg});
      }
      shared_queue.push_shared(from, msg, copies);
      for (const auto& c : copies) single_queue.push(Event{c.time_us, 0, c.to, from, zonal::sim::EventKind::deliver, 0, msg});
      if (rng() % 7 == 0) {  // a control event in between, sometimes at a delivery's exact time
        Event timer = at(copies.empty() || rng() % 2 ? now + static_cast<zonal::TimeUs>(rng() % 100) : copies[0].time_us, 4242);
        timer.kind = zonal::sim::EventKind::timer;
        shared_queue.push(timer);
        single_queue.push(timer);
      }
    } else {
      const auto [a, b] = expect_same_next(shared, single);
      EXPECT_EQ(a.from, b.from);
      ASSERT_FALSE(::testing::Test::HasFailure()) << "popped " << popped << " alike before the first difference";
      now = a.time_us;
      ++popped;
    }
  }
  expect_same_rest(shared, single);
  EXPECT_GT(popped, 5000u);
}

TEST(EventQueue, SharedCopiesPopExactlyLikeSeparatePushes) {
  check_shared_against_single(64, 32, 11);    // small ring: overflow, wrap-around, late copies
  check_shared_against_single(16, 4096, 12);  // every copy within the ring
  check_shared_against_single(1, 8, 13);      // one-microsecond buckets: ties within a bucket are seq order
  check_shared_against_single(16384, 32, 15, 50);  // radix sort in two passes of 7 bits
  check_shared_against_single(zonal::TimeUs{1} << 24, 64, 16, 4000);  // three passes of 8 bits
}

TEST(EventQueue, SharedCopiesWithBucketsWiderThan32BitsFallBackToWholeEvents) {
  check_shared_against_single(zonal::TimeUs{1} << 34, 8, 14);
}

TEST(EventQueue, BatchPopsWholeWithItsDestinationsInOrder) {
  EventQueue q(8, 16);
  q.push(at(20, 99));  // single delivery before the batch
  const std::vector<zonal::PeerId> to{5, 3, 8, 1};
  q.push_batch(20, 7, at(20, 0).msg, to);
  q.push(at(20, 100));  // after the batch: higher sequence number
  EXPECT_EQ(q.size(), 6u);
  EXPECT_EQ(pop_one(q).to, 99u);
  const EventQueue::Popped run = q.pop();
  EXPECT_EQ(run.event->kind, zonal::sim::EventKind::deliver_batch);
  EXPECT_EQ(run.event->from, 7u);
  EXPECT_EQ(run.event->seq, 1u);
  EXPECT_EQ(std::vector<zonal::PeerId>(run.to.begin(), run.to.end()), to);
  EXPECT_EQ(q.size(), 1u);
  EXPECT_EQ(pop_one(q).to, 100u);
  EXPECT_TRUE(q.empty());
}

// Scheduling into the past is a caller's bug: refused loudly (ZONAL_ASSERT), never clamped.
TEST(EventQueueDeathTest, PushBeforeTheLastPoppedTimeAborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EventQueue q(10, 8);
  q.push(at(100, 1));
  (void)q.pop();
  q.push(at(100, 2));  // the same time is fine
  EXPECT_DEATH(q.push(at(99, 3)), "event at 99 us is before the last popped one at 100 us");
  const std::vector<zonal::PeerId> to{4, 5};
  EXPECT_DEATH(q.push_batch(50, 0, zonal::Message{}, to), "batch at 50 us is before the last popped event at 100 us");
}

// The prefetch hint of random-latency floods: while a bucket of shared copies is drained,
// upcoming_copy(k) names the copy popped k + 1 pops later (nothing pushed in between).
TEST(EventQueue, UpcomingCopyNamesTheCopyPoppedLater) {
  EventQueue q(1024, 64);
  std::mt19937_64 rng(21);
  for (int burst = 0; burst < 300; ++burst) {
    const zonal::Message msg = zonal::Query{.query_id = static_cast<zonal::QueryId>(burst + 1), .key = rng()};
    std::vector<EventQueue::Copy> copies(1 + rng() % 8);
    for (auto& c : copies) c = {static_cast<zonal::TimeUs>(rng() % 20000), static_cast<zonal::PeerId>(rng() % 5000)};
    q.push_shared(static_cast<zonal::PeerId>(burst), msg, copies);
  }
  std::vector<Event> popped;
  std::vector<std::vector<std::pair<zonal::PeerId, zonal::Message>>> hinted;  // per pop: upcoming_copy(0..7)
  std::size_t hints = 0;
  while (!q.empty()) {
    popped.push_back(pop_one(q));
    auto& ahead = hinted.emplace_back();
    if (!q.draining_copies()) continue;
    for (std::size_t k = 0; k < 8; ++k) {
      zonal::PeerId to = zonal::no_peer;
      const zonal::Message* msg = nullptr;
      if (!q.upcoming_copy(k, to, msg)) break;
      ahead.emplace_back(to, *msg);
      ++hints;
    }
  }
  for (std::size_t i = 0; i < hinted.size(); ++i)
    for (std::size_t k = 0; k < hinted[i].size(); ++k) {
      ASSERT_LT(i + 1 + k, popped.size());
      EXPECT_EQ(hinted[i][k].first, popped[i + 1 + k].to) << i << " " << k;
      EXPECT_EQ(hinted[i][k].second, popped[i + 1 + k].msg) << i << " " << k;
    }
  EXPECT_GT(hints, popped.size() * 5);  // most pops see 8 copies ahead in their bucket
}

// The prefetch hint for late events: a delivery pushed into the bucket being drained is named by
// upcoming_late() (the earliest of them) until it is popped, and it is popped before the later
// copies of the bucket.
TEST(EventQueue, UpcomingLateNamesTheEarliestDeliveryPushedIntoTheDrainedBucket) {
  EventQueue q(1024, 64);
  const zonal::Message msg = zonal::Query{.query_id = 7};
  const std::vector<EventQueue::Copy> copies{{100, 1}, {900, 2}, {1000, 3}};
  q.push_shared(0, msg, copies);
  zonal::PeerId to = zonal::no_peer;
  EXPECT_FALSE(q.upcoming_late(to));
  EXPECT_EQ(pop_one(q).to, 1u);  // bucket [0, 1024) is being drained
  EXPECT_FALSE(q.upcoming_late(to));
  q.push(at(500, 8));
  q.push(at(300, 9));
  ASSERT_TRUE(q.upcoming_late(to));
  EXPECT_EQ(to, 9u);  // the earliest late one
  EXPECT_EQ(pop_one(q).to, 9u);
  ASSERT_TRUE(q.upcoming_late(to));
  EXPECT_EQ(to, 8u);
  EXPECT_EQ(pop_one(q).to, 8u);
  EXPECT_FALSE(q.upcoming_late(to));
  EXPECT_EQ(pop_one(q).to, 2u);
  EXPECT_EQ(pop_one(q).to, 3u);
  EXPECT_TRUE(q.empty());
}
