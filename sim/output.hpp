#pragma once
/// Result files of a scenario: summary.json, queries.csv, peers.csv, messages.svg (and
/// timeseries.csv with output.timeseries_ms), written
/// into a temporary directory and renamed into place, so a failed run leaves nothing half-written.
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "run_result.hpp"

namespace zonal::sim {

/// Names of the files a result directory holds.
inline constexpr const char* result_files[] = {"summary.json", "queries.csv", "peers.csv", "messages.svg",
                                               "timeseries.csv"};

/// Why `dir` cannot receive results, or an empty string when it can: it must be absent, an
/// empty directory, or a previous result (nothing but result_files). Call before running.
std::string output_dir_problem(const std::filesystem::path& dir);

/// Write every file for `runs` (sweep points x replications) into `dir`, replacing it atomically.
/// Throws std::runtime_error when output_dir_problem(dir) is not empty; never deletes other files.
void write_results(const std::filesystem::path& dir, const nlohmann::ordered_json& summary,
                   const std::vector<std::vector<RunResult>>& runs);

/// Write queries.csv rows for all runs; call with an open stream (used by write_results and tests).
void write_queries_csv(std::ostream& out, const std::vector<std::vector<RunResult>>& runs);

/// Write peers.csv rows for all runs.
void write_peers_csv(std::ostream& out, const std::vector<std::vector<RunResult>>& runs);

/// Print the short human table of `summary` (one line per sweep point).
void print_table(std::ostream& out, const nlohmann::ordered_json& summary);

}  // namespace zonal::sim
