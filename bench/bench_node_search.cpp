// Search latency on a real 32-node loopback cluster (one tracker, 32 zonal-node processes, 4
// zones), over 200 searches from varying origins for names held by 2 peers each. Reports p50/p99
// in ms of two times: `rest_*`, end to end as a REST client sees it (GET /api/search, which
// answers at the first hit: connect, request, JSON answer parsed; each request opens its own
// connection, as the CLI does), and `runtime_*`, from
// search() to the first hit as measured by the origin's runtime.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "cluster.hpp"

namespace {

using zonal::test::Cluster;

constexpr std::size_t nodes = 32;
constexpr int files = 20;
constexpr int searches = 200;

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return -1;
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

void BM_NodeSearchLatency(benchmark::State& state) {
  const std::string strategy = state.range(0) == 0 ? "flood" : "zone-flood";
  Cluster c("bench-search", false);  // plaintext, as the figures in docs/performance.md were measured
  c.start_tracker({"--zones-count", "4", "--zones-min-size", "6", "--heartbeat-ms", "200"});
  // The search window is the default 3 s: the REST answer comes at the first hit anyway.
  for (std::size_t i = 0; i < nodes; ++i) c.start_node({"--log-level", "warn"});
  c.wait_settled(4);
  for (int f = 0; f < files; ++f) {
    c.share_random(static_cast<std::size_t>(f) % nodes, "file-" + std::to_string(f), 1000, 1);
    c.share_random(static_cast<std::size_t>(f * 7 + 3) % nodes, "file-" + std::to_string(f), 1000, 1);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  std::vector<double> first_hit_ms;
  std::vector<double> rest_ms;
  int misses = 0;
  for (auto _ : state) {
    for (int q = 0; q < searches; ++q) {
      const std::size_t origin = static_cast<std::size_t>(q * 13 + 5) % nodes;
      const auto start = std::chrono::steady_clock::now();
      const auto r = c.rest(origin, "GET", "/api/search?strategy=" + strategy + "&name=file-" + std::to_string(q % files));
      const auto took = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
      if (r.status != 200 || r.body["hits"].empty()) {
        ++misses;
        continue;
      }
      double best = 1e9;
      for (const auto& h : r.body["hits"]) best = std::min(best, h["elapsed_ms"].get<double>());
      first_hit_ms.push_back(best);
      rest_ms.push_back(took);
    }
  }
  state.SetLabel(strategy);
  state.counters["rest_p50_ms"] = percentile(rest_ms, 0.50);
  state.counters["rest_p99_ms"] = percentile(rest_ms, 0.99);
  state.counters["runtime_p50_ms"] = percentile(first_hit_ms, 0.50);
  state.counters["runtime_p99_ms"] = percentile(first_hit_ms, 0.99);
  state.counters["searches"] = static_cast<double>(first_hit_ms.size());
  state.counters["misses"] = misses;
}
BENCHMARK(BM_NodeSearchLatency)->Arg(0)->Arg(1)->Iterations(1)->Unit(benchmark::kSecond);

}  // namespace

BENCHMARK_MAIN();
