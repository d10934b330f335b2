// Event queue: strict (time, seq) order across buckets, the late heap and the overflow heap.
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <random>
#include <vector>

#include "engine/event_queue.hpp"

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
      auto it = std::min_element(reference.begin(), reference.end(), zonal::sim::earlier);
      const Event got = pop_one(q);
      EXPECT_EQ(got.time_us, it->time_us);
      EXPECT_EQ(got.seq, it->seq);
      now = got.time_us;
      reference.erase(it);
    }
  }
  while (!q.empty()) {
    auto it = std::min_element(reference.begin(), reference.end(), zonal::sim::earlier);
    EXPECT_EQ(pop_one(q).seq, it->seq);
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
      ASSERT_EQ(batched.size(), single.size());
      const Event a = batched.pop(), b = single.pop();
      EXPECT_EQ(a.time_us, b.time_us);
      EXPECT_EQ(a.seq, b.seq);
      EXPECT_EQ(a.to, b.to);
      EXPECT_EQ(a.kind, b.kind);
      now = a.time_us;
      ++popped;
    }
  }
  while (!single.empty()) {
    ASSERT_FALSE(batched.empty());
    const Event a = batched.pop(), b = single.pop();
    EXPECT_EQ(a.seq, b.seq);
    EXPECT_EQ(a.to, b.to);
  }
  EXPECT_TRUE(batched.empty());
  EXPECT_GT(popped, 1000u);
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
