#pragma once
/// The files at the top of a result directory, rebuilt from its completed runs (runs/NNNN/):
/// summary.json, summary.csv, queries.csv, peers.csv (timeseries.csv when runs have one).
/// Figures (figures/) are drawn by scripts/plot. The same completed runs always give the same bytes, however and wherever they
/// were run (--jobs, --runs, --shard + merge, --resume).
#include <filesystem>
#include <vector>

#include <nlohmann/json.hpp>

#include "output/stored_run.hpp"

namespace zonal::sim {

/// Throw std::runtime_error unless every run of `runs` belongs to one run table (same scenario,
/// seed, run count and zonal version); `where` names the directories in the message.
void check_same_table(const std::vector<StoredRun>& runs, const std::string& where);

/// Rebuild summary.json and summary.csv of `dir` from `runs` (its completed runs, index order);
/// with `all_files` also queries.csv, peers.csv and timeseries.csv. Returns the
/// summary. Call after each completed run (summaries) and once at the end (all files).
nlohmann::ordered_json rebuild_result(const std::filesystem::path& dir, const std::vector<StoredRun>& runs,
                                      bool all_files);

}  // namespace zonal::sim
