#pragma once
/// Per-run metrics and their aggregation across replications (mean and 95% confidence interval).
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/run_result.hpp"

namespace zonal::sim {

/// Scalar metrics of one replication, in a fixed order (the names are summary.json keys).
struct RunMetrics {
  std::vector<std::pair<std::string, double>> values;
  /// Value of metric `name` (0 when absent).
  double get(const std::string& name) const;
};

/// Compute the metrics of one replication; call after run_simulation().
RunMetrics compute_metrics(const RunResult& run);

/// Mean and 95% confidence half-width (Student t) of `samples`; half-width 0 for one sample.
struct Estimate {
  double mean = 0.0;
  double ci95 = 0.0;
};
Estimate estimate(const std::vector<double>& samples);

struct StoredRun;

/// summary.json body for all runs: `runs[i]` holds the replications of sweep point i (kept for
/// in-memory callers; equals summary_from_runs of the same runs).
nlohmann::ordered_json summary_json(const std::string& scenario, std::uint64_t seed,
                                    const std::vector<std::vector<RunResult>>& runs);

/// summary.json body built from completed runs in run order (replications of a sweep point are
/// consecutive); points with missing replications aggregate the ones present.
nlohmann::ordered_json summary_from_runs(const std::string& scenario, std::uint64_t seed,
                                         const std::vector<StoredRun>& runs);

/// summary.csv text (tidy long form): one row per sweep point and metric with the columns run,
/// one column per swept parameter (`parameter_columns`), metric, mean, ci95, n.
std::string summary_csv(const nlohmann::ordered_json& summary, const std::vector<std::string>& parameter_columns);

}  // namespace zonal::sim
