// Flood cost per query at 10,000 peers and the simulator's delivered-message rate.
#include <benchmark/benchmark.h>

#include <filesystem>

#include "bench_common.hpp"

using namespace zonal;

static void BM_Flood10k(benchmark::State& state) {
  const sim::Scenario sc = bench::network_10k(Strategy::flood, static_cast<std::uint32_t>(state.range(0)));
  const sim::Topology topo = sim::build_topology(sc, 1);
  double messages = 0, queries = 0, delivered = 0;
  for (auto _ : state) {
    const sim::RunResult r = sim::run_on_topology(sc, 1, topo);
    for (const auto& q : r.queries) messages += q.messages;
    queries += static_cast<double>(r.queries.size());
    delivered += bench::delivered(r);
  }
  state.counters["messages_per_query"] = messages / queries;
  state.counters["delivered_per_s"] = benchmark::Counter(delivered, benchmark::Counter::kIsRate);
  state.SetItemsProcessed(static_cast<std::int64_t>(delivered));
}
BENCHMARK(BM_Flood10k)->Arg(1000)->Unit(benchmark::kMillisecond)->UseRealTime();

/// PeerSim's own flooding workload (issue 13; scenarios/peersim-flood*.json): k-out graph, latency
/// drawn per message, 20 floods of names nobody holds. Arg: peers (100,000 or 1,000,000). The
/// topology is built outside the timed loop; the loop runs registration, publication and the floods.
static void BM_PeerSimFlood(benchmark::State& state) {
  const char* file = state.range(0) == 1'000'000 ? "peersim-flood.json" : "peersim-flood-100k.json";
  const sim::ScenarioPlan plan = sim::load_scenario(std::filesystem::path(ZONAL_SOURCE_DIR) / "scenarios" / file);
  const sim::Scenario& sc = plan.runs.at(0).scenario;
  const sim::Topology topo = sim::build_topology(sc, plan.seed);
  double delivered = 0, messages = 0, queries = 0;
  for (auto _ : state) {
    const sim::RunResult r = sim::run_on_topology(sc, plan.seed, topo);
    for (const auto& q : r.queries) messages += q.messages;
    queries += static_cast<double>(r.queries.size());
    delivered += bench::delivered(r);
  }
  state.counters["messages_per_flood"] = messages / queries;
  state.counters["delivered_per_s"] = benchmark::Counter(delivered, benchmark::Counter::kIsRate);
  state.SetItemsProcessed(static_cast<std::int64_t>(delivered));
}
BENCHMARK(BM_PeerSimFlood)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);
