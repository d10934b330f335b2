#pragma once
/// The Chord driver: runs a `search.strategy = chord` scenario with every peer a sans-IO
/// ChordNode (proto/core/zonal/chord_node.hpp). Same content, query stream, latency and loss as
/// the Peer engine for the same seed; the overlay topology is not used (Chord routes on its ring).
#include <cstdint>
#include <vector>

#include "engine/core/run_result.hpp"
#include "engine/engine.hpp"
#include "scenario/scenario.hpp"

namespace zonal::sim {

/// Run one replication of a chord scenario with `peers` peers (labels: an edge list's node ids,
/// empty for dense ids); deterministic for equal inputs. run_simulation() calls this; `check`
/// turns on the per-event invariant checks (tests).
RunResult run_chord(const Scenario& scenario, std::uint64_t seed, std::uint32_t peers,
                    std::vector<std::uint64_t> labels, const ProgressFn& progress = {}, bool check = false,
                    const RunOptions& options = {});

}  // namespace zonal::sim
