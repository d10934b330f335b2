// "Search hop counts": hops to first hit and messages per query, per strategy, on the same
// 10,000 peers and workload. The numbers of interest are the counters, not the time.
#include <benchmark/benchmark.h>

#include "bench_common.hpp"
#include "output/summary.hpp"
#include "zonal/strategy.hpp"

using namespace zonal;

static void BM_SearchHops(benchmark::State& state) {
  const auto strategy = static_cast<Strategy>(state.range(0));
  const sim::Scenario sc = bench::network_10k(strategy, 500);
  const sim::Topology topo = sim::build_topology(sc, 1);
  sim::RunMetrics m;
  for (auto _ : state) m = sim::compute_metrics(sim::run_on_topology(sc, 1, topo));
  state.SetLabel(strategy_name(strategy));
  state.counters["hops"] = m.get("first_hit_hops_mean");
  state.counters["messages_per_query"] = m.get("messages_per_query");
  state.counters["success_rate"] = m.get("success_rate");
  state.counters["busiest_peer"] = m.get("busiest_peer_messages");
}
BENCHMARK(BM_SearchHops)
    ->Arg(static_cast<int>(Strategy::flood))
    ->Arg(static_cast<int>(Strategy::zone_flood))
    ->Arg(static_cast<int>(Strategy::random_walk))     // search defaults: 16 walkers, check every 4 hops
    ->Arg(static_cast<int>(Strategy::expanding_ring))  // rings 1, 3, 5, 7, 1 s apart
    ->Arg(static_cast<int>(Strategy::chord))           // stable ring, chord defaults (r = 8, iterative)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);
