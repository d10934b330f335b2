#pragma once
/// timeseries.csv (output.timeseries_ms): one row per window of each run's query phase.
#include <filesystem>
#include <ostream>
#include <vector>

#include "engine/run_result.hpp"

namespace zonal::sim {

/// Write the header line of timeseries.csv.
void write_timeseries_header(std::ostream& out);

/// Write the rows of one run (nothing when it recorded no time series).
void write_timeseries_rows(std::ostream& out, const RunResult& run);

/// True if some run recorded a time series (then timeseries.csv is written).
bool has_timeseries(const std::vector<std::vector<RunResult>>& runs);

/// Write timeseries.csv for `runs` (sweep points x replications) to `path`; call when
/// has_timeseries(runs). Throws std::runtime_error when the file cannot be written.
void write_timeseries_csv(const std::filesystem::path& path, const std::vector<std::vector<RunResult>>& runs);

/// Same for a single run (a per-run result directory).
void write_timeseries_csv(const std::filesystem::path& path, const RunResult& run);

}  // namespace zonal::sim
