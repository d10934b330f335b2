#pragma once
/// Runs every sweep point and replication of a scenario plan, in a fixed order.
#include <functional>
#include <vector>

#include "engine/engine.hpp"
#include "engine/run_result.hpp"
#include "scenario/scenario.hpp"

namespace zonal::sim {

/// Called before each run starts: (run index, replication, total runs x replications).
using RunStartFn = std::function<void(std::size_t run, std::uint32_t replication, std::size_t total)>;

/// Run the whole plan; results[i][r] is sweep point i, replication r.
std::vector<std::vector<RunResult>> run_plan(const ScenarioPlan& plan, const RunStartFn& on_start = {},
                                             const ProgressFn& progress = {});

}  // namespace zonal::sim
