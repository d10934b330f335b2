#pragma once
/// One completed run as recorded in runs/NNNN/run.json: what summaries and merges are built
/// from, so that a result rebuilt from disk equals one computed in memory.
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "output/summary.hpp"

namespace zonal::sim {

struct StoredRun {
  std::size_t index = 0;       ///< position in the run table (sweep point x replication)
  std::size_t point = 0;       ///< sweep point
  std::size_t runs_total = 0;  ///< runs in the whole table
  std::string scenario;        ///< scenario name
  std::uint64_t scenario_seed = 0;  ///< the plan's seed (replication 0's seed)
  std::string label;
  nlohmann::ordered_json parameters = nlohmann::ordered_json::object();  ///< swept values, typed
  std::uint32_t replication = 0;
  std::uint64_t seed = 0;      ///< this replication's seed
  std::string version;         ///< zonal version that made it
  std::string config_hash;     ///< hash of resolved scenario, seed and version (run identity)
  std::string strategy;
  std::uint32_t peers = 0;
  std::uint64_t edges = 0;
  std::uint32_t zones = 0;
  std::uint64_t events = 0;
  RunMetrics metrics;
};

/// run.json body of `run`; call when a run completes.
nlohmann::ordered_json to_json(const StoredRun& run);

/// Read a run.json body back; throws std::runtime_error naming `where` and the field when malformed.
StoredRun stored_run_from_json(const nlohmann::ordered_json& doc, const std::string& where);

}  // namespace zonal::sim
