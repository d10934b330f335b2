/// The engine's entry points: build a run's topology, pick the node kind (flood family or
/// Chord) and run it.
#include "engine/engine.hpp"

#include <memory>

#include "engine/chord/chord_engine.hpp"
#include "engine/core/run_setup.hpp"
#include "engine/flood/flood_simulation.hpp"

namespace zonal::sim {

Topology build_topology(const Scenario& sc, std::uint64_t seed, const ProgressFn& progress) {
  const std::uint64_t s = stream_seed(seed, Stream::topology);
  const auto& t = sc.topology;
  TopologyProgressFn links;
  if (progress) {
    links = [&](std::uint64_t done, std::uint64_t expected) {
      Progress p{"topology", 0, 0, sc.workload.queries, 0};
      p.links = done;
      p.links_expected = expected;
      progress(p);
    };
  }
  const auto build = [&] {
    switch (t.kind) {
      case TopologyKind::random_regular: return make_random_regular(sc.peers, t.degree, s, links);
      case TopologyKind::erdos_renyi: return make_erdos_renyi(sc.peers, t.degree_mean, s, links);
      case TopologyKind::barabasi_albert: return make_barabasi_albert(sc.peers, t.attach, s, links);
      case TopologyKind::watts_strogatz: return make_watts_strogatz(sc.peers, t.degree, t.rewire, s, links);
      case TopologyKind::k_out: return make_k_out(sc.peers, t.k, s, links);
      case TopologyKind::edge_list: return load_edge_list(t.file);
    }
    throw TopologyError("unknown topology kind");
  };
  Topology topology = build();
  release_freed_memory();  // the generator's temporaries are gone by now
  return topology;
}

RunResult run_on_topology(const Scenario& scenario, std::uint64_t seed, const Topology& topology,
                          const ProgressFn& progress, const DeliveryTap& tap, bool check, const RunOptions& options) {
  if (scenario.search.strategy == Strategy::chord) {
    return run_chord(scenario, seed, static_cast<std::uint32_t>(topology.peer_count()), topology.labels, progress,
                     check, options);
  }
  FloodSimulation sim(scenario, seed, topology, progress, tap, check, options);
  return sim.run();
}

RunResult run_simulation(const Scenario& scenario, std::uint64_t seed, const ProgressFn& progress, const DeliveryTap& tap,
                         bool check, const RunOptions& options) {
  if (scenario.search.strategy == Strategy::chord) {
    // Chord ignores the overlay: only an edge list's node labels (its peer addresses) are needed.
    if (scenario.topology.kind != TopologyKind::edge_list) {
      return run_chord(scenario, seed, scenario.peers, {}, progress, check, options);
    }
    const Topology topology = build_topology(scenario, seed);
    return run_chord(scenario, seed, static_cast<std::uint32_t>(topology.peer_count()), topology.labels, progress,
                     check, options);
  }
  if (progress) progress(Progress{"topology", 0, 0, scenario.workload.queries, 0});
  const Topology topology = build_topology(scenario, seed, progress);
  FloodSimulation sim(scenario, seed, topology, progress, tap, check, options);  // the peers borrow its links
  return sim.run();
}

}  // namespace zonal::sim
