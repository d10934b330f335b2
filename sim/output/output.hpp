#pragma once
/// The CSV rows of one run (queries.csv, peers.csv) and the short stdout table of a summary.
/// Where the files go: run_store.hpp (per run) and result_files.hpp (the result directory).
#include <ostream>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/run_result.hpp"

namespace zonal::sim {

/// Write the header line of queries.csv.
void write_queries_header(std::ostream& out);

/// Write the queries.csv rows of one run.
void write_queries_rows(std::ostream& out, const RunResult& run);

/// Write the header line of peers.csv.
void write_peers_header(std::ostream& out);

/// Write the peers.csv rows of one run.
void write_peers_rows(std::ostream& out, const RunResult& run);

/// Write queries.csv (header and rows) for all runs; call with an open stream (tests).
void write_queries_csv(std::ostream& out, const std::vector<std::vector<RunResult>>& runs);

/// Write peers.csv (header and rows) for all runs.
void write_peers_csv(std::ostream& out, const std::vector<std::vector<RunResult>>& runs);

/// Print the short human table of `summary` (one line per sweep point).
void print_table(std::ostream& out, const nlohmann::ordered_json& summary);

}  // namespace zonal::sim
