#pragma once
/// Rough estimates of one run's peak memory and event count from its scenario alone, so that
/// an oversized run is refused before it allocates (zonal-sim --dry-run, --max-memory).
/// Calibrated against measured runs (docs/results.md); a rough guide (random walks: an upper bound).
#include <cstdint>

#include "scenario/scenario.hpp"

namespace zonal::sim {

struct RunEstimate {
  double memory_bytes = 0;  ///< peak resident memory of the run
  double events = 0;        ///< events the simulator will process
};

/// Estimate run `scenario`; call once per sweep point before running.
RunEstimate estimate_run(const Scenario& scenario);

/// Physical memory of this machine in bytes (0 if unknown).
std::uint64_t physical_memory_bytes();

/// "512 MB", "3.4 GB".
std::string format_bytes(double bytes);

}  // namespace zonal::sim
