#include "study/runner.hpp"

namespace zonal::sim {

std::vector<std::vector<RunResult>> run_plan(const ScenarioPlan& plan, const RunStartFn& on_start,
                                             const ProgressFn& progress) {
  std::vector<std::vector<RunResult>> results(plan.runs.size());
  const std::size_t total = plan.runs.size() * plan.replications;
  for (std::size_t i = 0; i < plan.runs.size(); ++i) {
    for (std::uint32_t r = 0; r < plan.replications; ++r) {
      if (on_start) on_start(i, r, total);
      RunResult result = run_simulation(plan.runs[i].scenario, replication_seed(plan.seed, r), progress);
      result.label = plan.runs[i].label;
      result.replication = r;
      results[i].push_back(std::move(result));
    }
  }
  return results;
}

}  // namespace zonal::sim
