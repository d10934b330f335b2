#pragma once
/// Progress lines of a sweep on stderr: runs done and running, elapsed time and an ETA
/// (wall clock used only here, never in results). Thread-safe.
#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <string>

#include "engine/engine.hpp"

namespace zonal::sim::cli {

class SweepProgress {
 public:
  /// `todo` runs will be executed now; nothing is printed when `enabled` is false.
  SweepProgress(bool enabled, std::size_t todo);

  /// Call when run `index` starts.
  void started(std::size_t index, const std::string& label, std::uint32_t replication);
  /// Call from the run's progress callback; prints at most every 2 seconds.
  void update(std::size_t index, const Progress& p);
  /// Call when run `index` completed after `wall_s` seconds, having delivered `query_messages`
  /// messages in its query phase: prints the query phase's duration and rate (what benchmarks quote).
  void finished(std::size_t index, double wall_s, double query_messages);
  /// Elapsed wall time as "1h02m03s".
  std::string elapsed() const;

 private:
  /// Share of the work done: completed runs plus the query share of running ones.
  double fraction_locked() const;

  bool m_enabled;
  std::size_t m_todo;
  std::size_t m_done = 0;
  std::map<std::size_t, double> m_running;  ///< run index -> share of its queries started
  struct Phase {
    std::string name;
    std::chrono::steady_clock::time_point since;
  };
  std::map<std::size_t, Phase> m_phases;    ///< run index -> its current phase
  std::map<std::size_t, std::chrono::steady_clock::time_point> m_run_start;  ///< run index -> when it started
  std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point m_last = m_start;
  mutable std::mutex m_lock;
};

/// "1h02m03s", "4m05s", "7s".
std::string format_duration(double seconds);

}  // namespace zonal::sim::cli
