#pragma once
/// The simulation driver: runs one scenario run on a virtual clock, every peer (and the
/// tracker) being the proto/ core, and returns what it measured. The node kinds are in
/// engine/flood/ (flood, zone-flood, walks, expanding ring) and engine/chord/; the layers they
/// share (event loop, queues, network, faults, measurement) in engine/core/.
#include <cstdint>
#include <functional>
#include <string_view>

#include "engine/core/query_log.hpp"
#include "engine/core/run_result.hpp"
#include "scenario/scenario.hpp"
#include "model/topology.hpp"

namespace zonal::sim {

/// Snapshot passed to the progress callback (roughly every 65,536 events).
struct Progress {
  std::string_view phase;  ///< "topology", "register", "publish", "queries"; Chord also "settle"
  std::uint64_t events = 0;
  std::uint32_t queries_started = 0;
  std::uint32_t queries_total = 0;
  TimeUs now_us = 0;
  std::uint64_t links = 0;           ///< phase "topology": links generated so far
  std::uint64_t links_expected = 0;  ///< phase "topology": links the generator aims for
};

using ProgressFn = std::function<void(const Progress&)>;

/// Observer of every message copy delivered to a peer in the query phase (not Chord runs):
/// sender, receiver, message and how the receiver took it. Tests use it for per-peer counts.
using DeliveryTap = std::function<void(PeerId from, PeerId to, const Message& msg, Arrival arrival)>;

/// Build the scenario's topology for `seed`; call once per run (edge lists are loaded from file).
/// `progress`, when given, receives "topology" snapshots (links so far) about every 2^20 links.
Topology build_topology(const Scenario& scenario, std::uint64_t seed, const ProgressFn& progress = {});

/// Run one replication of `scenario` with `seed` to completion; deterministic for equal inputs.
/// `check` runs the per-event invariant checks (tests; a violation aborts through ZONAL_ASSERT,
/// results are the same either way). `options` may spool the query rows to disk (the rows are
/// the same, RunResult::query_spool instead of RunResult::queries).
RunResult run_simulation(const Scenario& scenario, std::uint64_t seed, const ProgressFn& progress = {},
                         const DeliveryTap& tap = {}, bool check = false, const RunOptions& options = {});

/// Same, on an already built topology (tests use this to compare against graph algorithms).
RunResult run_on_topology(const Scenario& scenario, std::uint64_t seed, const Topology& topology,
                          const ProgressFn& progress = {}, const DeliveryTap& tap = {}, bool check = false,
                          const RunOptions& options = {});

}  // namespace zonal::sim
