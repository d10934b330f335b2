#pragma once
/// Result files of a scenario: summary.json, queries.csv, peers.csv, messages.svg, written
/// into a temporary directory and renamed into place, so a failed run leaves nothing half-written.
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "run_result.hpp"

namespace zonal::sim {

/// Write every file for `runs` (sweep points x replications) into `dir`, replacing it atomically.
void write_results(const std::filesystem::path& dir, const nlohmann::ordered_json& summary,
                   const std::vector<std::vector<RunResult>>& runs);

/// Write queries.csv rows for all runs; call with an open stream (used by write_results and tests).
void write_queries_csv(std::ostream& out, const std::vector<std::vector<RunResult>>& runs);

/// Write peers.csv rows for all runs.
void write_peers_csv(std::ostream& out, const std::vector<std::vector<RunResult>>& runs);

/// Print the short human table of `summary` (one line per sweep point).
void print_table(std::ostream& out, const nlohmann::ordered_json& summary);

}  // namespace zonal::sim
