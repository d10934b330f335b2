// Chord on a stable ring (exact state installed, no maintenance): lookups per second, path
// length and messages per lookup, and the cost of installing a big ring.
#include <benchmark/benchmark.h>

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "zonal/chord_node.hpp"
#include "zonal/chord_stable.hpp"
#include "zonal/rng.hpp"

using namespace zonal;

namespace {

struct StableRing {
  std::vector<ChordNode> nodes;  // index = PeerId
  std::vector<ChordRef> ring;
};

StableRing make_ring(std::size_t n) {
  ChordConfig c;
  c.stabilize_interval_us = 0;
  c.fix_fingers_interval_us = 0;
  c.check_predecessor_interval_us = 0;
  const auto config = std::make_shared<const ChordConfig>(c);
  StableRing r;
  r.nodes.reserve(n);
  std::vector<ChordRef> refs;
  refs.reserve(n);
  for (PeerId p = 0; p < n; ++p) {
    refs.push_back(ChordRef::make(chord_id_of_address(std::to_string(p), c.id_bits), p));
    r.nodes.emplace_back(refs.back(), config, mix64(p));
  }
  r.ring = chord_sorted_ring(refs);
  for (auto& node : r.nodes) node.install_stable_state(0, r.ring);
  return r;
}

// Deliver every message in FIFO order (latency plays no part in hop counts); returns the
// number of messages and sums the hops of finished lookups.
std::uint64_t drain(StableRing& r, std::deque<std::pair<PeerId, ChordTransmit>>& queue, std::uint64_t& hops) {
  std::uint64_t messages = 0;
  auto collect = [&](PeerId p) {
    while (auto t = r.nodes[p].poll_transmit()) queue.emplace_back(p, *t);
    while (auto ev = r.nodes[p].poll_event())
      if (const auto* d = std::get_if<ChordLookupDone>(&*ev)) hops += d->hops;
  };
  for (PeerId p = 0; p < r.nodes.size(); ++p) collect(p);
  while (!queue.empty()) {
    const auto [from, t] = queue.front();
    queue.pop_front();
    ++messages;
    if (r.nodes[t.to].handle_message(0, from, t.msg) == Arrival::accepted) collect(t.to);
  }
  return messages;
}

void BM_ChordStableLookups(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto mode = static_cast<ChordLookupMode>(state.range(1));
  StableRing r = make_ring(n);
  std::deque<std::pair<PeerId, ChordTransmit>> queue;
  Rng rng(42);
  constexpr ChordLookupId batch = 10'000;
  std::uint64_t hops = 0, messages = 0, lookups = 0;
  for (auto _ : state) {
    for (ChordLookupId id = 1; id <= batch; ++id) {
      const PeerId origin = rng.below(static_cast<std::uint32_t>(n));
      r.nodes[origin].lookup(0, rng.next(), mode, id);
    }
    messages += drain(r, queue, hops);
    lookups += batch;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(lookups));
  state.counters["hops"] = static_cast<double>(hops) / static_cast<double>(lookups);
  state.counters["messages_per_lookup"] = static_cast<double>(messages) / static_cast<double>(lookups);
  state.SetLabel(mode == ChordLookupMode::iterative ? "iterative" : "recursive");
}
BENCHMARK(BM_ChordStableLookups)
    ->Args({1 << 10, 0})
    ->Args({1 << 16, 0})
    ->Args({1 << 16, 1})
    ->Unit(benchmark::kMillisecond);

void BM_ChordInstallStableRing(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  double bytes = 0;
  for (auto _ : state) {
    StableRing r = make_ring(n);
    std::size_t total = 0;
    for (const auto& node : r.nodes) total += node.memory_bytes();
    bytes = static_cast<double>(total) / static_cast<double>(n);
    benchmark::DoNotOptimize(r.nodes.data());
  }
  state.counters["bytes_per_node"] = bytes;
}
BENCHMARK(BM_ChordInstallStableRing)->Arg(1 << 16)->Arg(1 << 20)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
