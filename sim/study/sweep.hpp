#pragma once
/// Executes the selected runs of a run table on N worker threads, writing each run's directory
/// when it completes. The results never depend on N: every run has its own seed and state.
#include <atomic>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "engine/engine.hpp"
#include "output/run_store.hpp"
#include "study/run_table.hpp"
#include "scenario/scenario.hpp"

namespace zonal::sim {

/// What to run and where.
struct SweepJob {
  const ScenarioPlan* plan = nullptr;
  const std::vector<PlannedRun>* table = nullptr;
  std::vector<std::size_t> todo;  ///< run indices, in the order they are started
  std::size_t jobs = 1;           ///< worker threads
  std::filesystem::path dir;      ///< result directory (runs/ is created in it)
  std::string version;
  std::vector<RunFileWriter> extra_writers;  ///< more per-run files (e.g. timeseries.csv)
};

/// Callbacks; `progress` is called from worker threads, `started` and `finished` under a lock.
struct SweepHooks {
  std::function<void(std::size_t index)> started;
  std::function<void(std::size_t index, const Progress&)> progress;
  std::function<void(const StoredRun& run, double wall_s)> finished;
};

/// Run `job`; returns normally when every run finished or `stop` became true (completed runs
/// are kept, the interrupted ones leave no directory). Rethrows the first run's error after the
/// other workers stopped.
void run_sweep(const SweepJob& job, const std::atomic<bool>& stop, const SweepHooks& hooks);

/// The run.json record of run `planned` of `plan` that produced `result`.
StoredRun make_stored_run(const ScenarioPlan& plan, const PlannedRun& planned, std::size_t runs_total,
                          const RunResult& result, const std::string& version);

}  // namespace zonal::sim
