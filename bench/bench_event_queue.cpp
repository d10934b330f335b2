// Event-queue throughput: a steady population of events, each pop followed by a push
// a random short delay later (the pattern of message delivery in a flood).
#include <benchmark/benchmark.h>

#include <boost/random/mersenne_twister.hpp>

#include "engine/event_queue.hpp"

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
