#pragma once
/// Shared scenario builders for the benchmarks.
#include "engine/engine.hpp"
#include "scenario/scenario.hpp"

namespace zonal::bench {

/// A 10,000-peer random-regular network (degree 8), constant 50 ms links, `queries` searches.
inline sim::Scenario network_10k(Strategy strategy, std::uint32_t queries) {
  sim::Scenario sc;
  sc.name = "bench";
  sc.peers = 10'000;
  sc.topology.kind = sim::TopologyKind::random_regular;
  sc.topology.degree = 8;
  sc.zones = sim::ZonesSpec{16, 6, 6, ZonePlacement::random, 2, {}};
  sc.latency = sim::LatencySpec{sim::LatencyKind::constant, 50.0};
  sc.content = sim::ContentSpec{2000, 3, {}};
  sc.workload = sim::WorkloadSpec{queries, 50.0, 0.8, 0.1, 0.0, {}};
  sc.search = sim::SearchSpec{strategy, 7, 256, 5000.0};
  return sc;
}

/// Messages delivered during the query phase of a run.
inline double delivered(const sim::RunResult& r) {
  double n = 0;
  for (const auto& p : r.peers_load) n += p.received;
  return n;
}

}  // namespace zonal::bench
