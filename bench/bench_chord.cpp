// Chord on a stable ring (exact state installed, no maintenance): lookups per second, path
// length and messages per lookup, and the cost of installing a big ring; and the whole Chord
// engine on issue 16's workload (BM_ChordEngine: µs per message, bytes per node).
#include <benchmark/benchmark.h>

#include <chrono>
#include <ctime>
#include <deque>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "engine/engine.hpp"
#include "scenario/scenario.hpp"
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

// Resident set size in bytes now (`VmRSS`) or at its peak since the last reset (`VmHWM`).
std::uint64_t status_bytes(const std::string& key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key + ":", 0) == 0) return std::stoull(line.substr(key.size() + 1)) * 1024;
  return 0;
}

// CPU time of this process in seconds (the machine may be shared: wall time then overstates).
double process_cpu_s() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

/// Issue 16's workload (scenarios/chord-simgrid-100k.json: stable ring, iterative lookups, N/10
/// lookups per second, constant 1 ms latency, stabilize 20 s, fix_fingers and check_predecessor
/// 120 s) on Arg(0) nodes for Arg(1) simulated seconds of queries, through the whole engine
/// (run_simulation, as zonal-sim runs it, without writing results). Reports µs of wall time
/// (`us_per_message`) and of process CPU time (`cpu_us_per_message`) per Chord message (lookups,
/// fetches, maintenance and publication alike) and the peak RSS above the process's RSS before
/// its first run, per node, all in (`bytes_per_node`; in one process the largest run so far
/// counts, so run the sizes in increasing order, as registered), of which the per-query result
/// rows (`query_rows_bytes_per_node`: held until the run ends).
void BM_ChordEngine(benchmark::State& state) {
  const auto nodes = static_cast<std::uint32_t>(state.range(0));
  const auto seconds = static_cast<std::uint32_t>(state.range(1));
  const sim::ScenarioPlan plan =
      sim::load_scenario(std::filesystem::path(ZONAL_SOURCE_DIR) / "scenarios" / "chord-simgrid-100k.json");
  sim::Scenario sc = plan.runs.at(0).scenario;
  sc.peers = nodes;
  sc.workload.rate_per_s = nodes / 10.0;
  sc.workload.queries = nodes / 10 * seconds;
  static const std::uint64_t rss_at_start = status_bytes("VmRSS");
  double messages = 0, wall_s = 0, cpu_s = 0, bytes = 0, row_bytes = 0;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    const double cpu_start = process_cpu_s();
    const sim::RunResult r = sim::run_simulation(sc, plan.seed);
    cpu_s += process_cpu_s() - cpu_start;
    wall_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    bytes = static_cast<double>(status_bytes("VmHWM") - rss_at_start) / nodes;
    row_bytes = static_cast<double>(r.queries.capacity() * sizeof(sim::QueryRecord)) / nodes;
    double search = 0;
    for (const auto& q : r.queries) search += q.messages;
    messages += search + static_cast<double>(r.maintenance_messages + r.ring_messages + r.publish_messages);
  }
  state.counters["us_per_message"] = wall_s * 1e6 / messages;
  state.counters["cpu_us_per_message"] = cpu_s * 1e6 / messages;
  state.counters["messages"] = messages / static_cast<double>(state.iterations());
  state.counters["bytes_per_node"] = bytes;
  state.counters["query_rows_bytes_per_node"] = row_bytes;
}
BENCHMARK(BM_ChordEngine)
    ->Args({10'000, 100})
    ->Args({100'000, 100})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1);

}  // namespace
