#pragma once
/// Setup shared by the engines (Peer and Chord): the independent random streams of one run,
/// derived from its seed, so that a sweep over search.strategy gives every strategy the same
/// content and query stream, and the tracker's configuration.
#include <cstdint>

#include "engine/liveness.hpp"
#include "scenario/scenario.hpp"
#include "zonal/hash.hpp"
#include "zonal/tracker.hpp"

namespace zonal::sim {

enum class Stream : std::uint64_t {
  topology = 1,
  content = 2,
  workload = 3,
  network = 4,
  zone_links = 5,
  peers = 6,
  faults = 16,       ///< churn schedules and mass-failure victims
  chord_nodes = 32,  ///< per-node seeds of Chord nodes (timer jitter, nonces)
  chord_joins = 33,  ///< Chord driver: bootstrap choices of joining nodes
};

/// Seed of stream `s` of a run seeded with `seed`; call once per stream and run.
inline std::uint64_t stream_seed(std::uint64_t seed, Stream s) {
  return mix64(seed ^ mix64(static_cast<std::uint64_t>(s)));
}

/// The tracker of a run (zones as configured); call once per run. Fault runs: the tracker
/// expires peers whose (driver-simulated) heartbeats stop.
inline TrackerConfig tracker_config(const Scenario& sc) {
  const TimeUs expiry_us = Liveness::needed(sc.faults) ? static_cast<TimeUs>(sc.faults.expiry_ms * 1000.0) : 0;
  return TrackerConfig{sc.zones.count, sc.zones.min_size, expiry_us};
}

}  // namespace zonal::sim
