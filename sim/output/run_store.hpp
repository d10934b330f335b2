#pragma once
/// The result directory on disk: RESULT_DIR/runs/NNNN/ per completed run (run.json,
/// scenario.resolved.json, queries.csv, peers.csv, provenance.json), each written into a
/// temporary sibling and renamed into place when complete, and the checks that keep zonal from
/// touching anything in RESULT_DIR that it did not write.
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/run_result.hpp"
#include "output/stored_run.hpp"

namespace zonal::sim {

/// Files zonal writes directly in a result directory (docs/results.md; messages.svg: written by
/// earlier versions, accepted and removed).
inline constexpr const char* result_top_files[] = {"summary.json", "summary.csv",  "queries.csv",  "peers.csv",
                                                   "timeseries.csv", "messages.svg", "scenario.json"};
/// Directories zonal writes in a result directory: runs/ (this file) and figures/ (scripts/plot).
inline constexpr const char* result_dirs[] = {"runs", "figures"};
/// Per-run CSV files that are concatenated, in run order, into the result directory's own copy.
inline constexpr const char* run_csv_files[] = {"queries.csv", "peers.csv", "timeseries.csv"};

/// Why `dir` cannot receive results, or "" when it can: it must be absent, empty, or hold only
/// what zonal writes (result_top_files, result_dirs) plus, optionally, the file `keep` (the input
/// scenario may live in its own result directory). Call before running.
std::string output_dir_problem(const std::filesystem::path& dir, const std::filesystem::path& keep = {});

/// `dir` made absolute and without a trailing slash.
std::filesystem::path normalised_dir(const std::filesystem::path& dir);

/// Remove a previous result's files from `dir` (only result_top_files and result_dirs, never
/// `keep`); call after output_dir_problem(dir, keep) said "" and before a fresh (non-resumed) run.
void clear_result(const std::filesystem::path& dir, const std::filesystem::path& keep);

/// Per-run files written by one extra writer (e.g. timeseries.csv): called with the run's
/// temporary directory before it is renamed into place.
using RunFileWriter = std::function<void(const std::filesystem::path& run_dir, const RunResult& result)>;

/// Write runs/NNNN/ for a completed run atomically (temporary sibling + rename), replacing a
/// previous directory of the same run. Throws std::runtime_error when a file cannot be written.
void write_run(const std::filesystem::path& dir, const StoredRun& run, const nlohmann::ordered_json& resolved,
               const RunResult& result, const nlohmann::ordered_json& provenance,
               const std::vector<RunFileWriter>& extra_writers = {});

/// Every completed run of `dir` (runs/NNNN/run.json), sorted by index; temporaries are ignored.
/// Throws std::runtime_error naming the file when one is unreadable or inconsistent.
std::vector<StoredRun> read_runs(const std::filesystem::path& dir);

/// Remove the temporaries (".NAME.tmp-PID") in `dir` and `dir`/runs left by this process or by one
/// that no longer runs; call on interrupt and before resuming.
void remove_run_temporaries(const std::filesystem::path& dir);

/// Write `text` to `path` atomically (temporary sibling, then rename); throws on failure.
void write_file_atomically(const std::filesystem::path& path, const std::string& text);

}  // namespace zonal::sim
