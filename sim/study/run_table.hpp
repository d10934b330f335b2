#pragma once
/// The run table of a scenario plan: every sweep point x replication as one numbered run with
/// its seed and identity hash, and the selections (--runs, --shard) of runs to execute.
#include <cstdint>
#include <string>
#include <vector>

#include "scenario/scenario.hpp"

namespace zonal::sim {

/// One run of the table; run `index` = point * replications + replication.
struct PlannedRun {
  std::size_t index = 0;
  std::size_t point = 0;
  std::uint32_t replication = 0;
  std::uint64_t seed = 0;
  std::string config_hash;  ///< 16 hex digits over the resolved scenario (edge-list files by content), seed and version
};

/// All runs of `plan` in order; `version` enters every run's hash. Call once after loading.
std::vector<PlannedRun> plan_run_table(const ScenarioPlan& plan, const std::string& version);

/// Parse a run list such as "0,3,5-7" against `total` runs (sorted, duplicates removed); throws
/// std::invalid_argument naming the offending part.
std::vector<std::size_t> parse_run_selection(const std::string& text, std::size_t total);

/// Runs of shard "I/N" (0 <= I < N): every run whose index % N == I; throws std::invalid_argument.
std::vector<std::size_t> parse_shard(const std::string& text, std::size_t total);

/// Directory name of run `index`: zero-padded to at least 4 digits and to the width of the
/// largest index of `total` runs ("0007").
std::string run_dir_name(std::size_t index, std::size_t total);

}  // namespace zonal::sim
