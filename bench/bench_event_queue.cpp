// Event-queue throughput: a steady population of events, each pop followed by a push
// a random short delay later (the pattern of message delivery in a flood).
#include <benchmark/benchmark.h>

#include <array>

#include <boost/random/mersenne_twister.hpp>

#include "engine/core/event_queue.hpp"

static void BM_EventQueueHold(benchmark::State& state) {
  const auto population = static_cast<std::size_t>(state.range(0));
  zonal::sim::EventQueue q(12'500, 4096);
  boost::random::mt19937_64 rng(1);
  for (std::size_t i = 0; i < population; ++i) {
    zonal::sim::Event e;
    e.time_us = static_cast<zonal::TimeUs>(rng() % 100'000);
    q.push(e);
  }
  for (auto _ : state) {
    zonal::sim::Event e = *q.pop().event;
    e.time_us += 10'000 + static_cast<zonal::TimeUs>(rng() % 90'000);
    q.push(e);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EventQueueHold)->Arg(1'000)->Arg(100'000)->Arg(1'000'000);

// The same hold pattern through push_shared (random latency in the flood engine): each popped
// copy is followed by a broadcast of 4 copies with their own delays, one shared message record.
static void BM_EventQueueSharedHold(benchmark::State& state) {
  const auto population = static_cast<std::size_t>(state.range(0));
  zonal::sim::EventQueue q(12'500, 4096);
  boost::random::mt19937_64 rng(1);
  const zonal::Message msg = zonal::Query{};
  std::array<zonal::sim::EventQueue::Copy, 4> copies{};
  for (std::size_t i = 0; i < population; ++i) {
    const zonal::sim::EventQueue::Copy one{static_cast<zonal::TimeUs>(rng() % 100'000), 0};
    q.push_shared(0, msg, {&one, 1});
  }
  std::size_t popped = 0;
  for (auto _ : state) {
    const zonal::TimeUs now = q.pop().at_us();
    if (++popped % copies.size() == 0) {  // one broadcast per 4 pops keeps the population steady
      for (auto& c : copies) c = {now + 10'000 + static_cast<zonal::TimeUs>(rng() % 90'000), 1};
      q.push_shared(1, msg, copies);
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EventQueueSharedHold)->Arg(100'000)->Arg(1'000'000);

static void BM_EventQueueConstantDelay(benchmark::State& state) {
  zonal::sim::EventQueue q(12'500, 4096);
  for (int i = 0; i < 100'000; ++i) {
    zonal::sim::Event e;
    e.time_us = i % 1000;
    q.push(e);
  }
  for (auto _ : state) {
    zonal::sim::Event e = *q.pop().event;
    e.time_us += 50'000;
    q.push(e);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EventQueueConstantDelay);
