#pragma once
/// The query rows of a running simulation, for both node kinds. In memory (the default) every
/// row stays in RunResult::queries; with spooling (RunOptions::spool_dir) only the rows of the
/// last `horizon` of simulated time stay in memory: older ones go to a QuerySpool in query order,
/// and a late message that still changes one patches it there. Either way the rows at the end
/// are the same, byte for byte.
#include <cstdint>
#include <deque>
#include <memory>
#include <unordered_map>

#include "engine/core/query_spool.hpp"
#include "engine/core/run_result.hpp"

namespace zonal::sim {

/// How a run keeps its query rows (engine.hpp passes it to both node kinds), and other choices
/// that change how a run is executed, never its results.
struct RunOptions {
  std::filesystem::path spool_dir;  ///< empty: keep every row in memory; else spool rows to a file here
  TimeUs spool_horizon_us = -1;     ///< rows started longer ago than this leave memory (-1: the engine's choice)
  /// --threads (flood family): windows with fewer deliveries run on the calling thread, whose
  /// work they are too small to share (tests lower it to send every window through the workers).
  std::size_t window_parallel_min = 48;
};

/// How long a spooled row stays in memory after its query started (the engine's choice): long
/// enough that late answers of a query with `search_timeout_us` still find it in memory.
constexpr TimeUs query_rows_horizon_us(TimeUs search_timeout_us) noexcept { return 4 * search_timeout_us + 10'000'000; }

class QueryLog {
 public:
  /// Rows stay in memory (for RunResult::queries, room for `queries_total`) unless `options` ask
  /// for spooling; `horizon_us` is the engine's horizon (used when options leave it at -1).
  QueryLog(const RunOptions& options, std::uint32_t queries_total, TimeUs horizon_us);

  /// Add the row of the next query (ordinal size() + 1), started at `now_us`; returns it. Rows of
  /// queries started more than the horizon ago may move out of memory: pointers from find() are
  /// valid until the next open().
  QueryRecord& open(const QueryRecord& rec, TimeUs now_us);
  /// The row of query `ordinal` (1..size()) to update; nullptr for other ordinals.
  QueryRecord* find(std::uint32_t ordinal);
  /// Rows opened so far.
  std::uint32_t size() const noexcept { return m_opened; }
  /// Move every row to its final place (spooled runs: the spool, handed to `result`); call once,
  /// after the last event.
  void finish(RunResult& result);

 private:
  void write_back_late();

  std::vector<QueryRecord> m_memory;
  std::unique_ptr<QuerySpool> m_spool;  // null: in memory
  TimeUs m_horizon_us = 0;
  std::uint32_t m_opened = 0;
  std::uint32_t m_base = 1;             // ordinal of m_window.front()
  std::deque<QueryRecord> m_window;     // spooled runs: rows not yet spooled
  std::unordered_map<std::uint32_t, QueryRecord> m_late;  // spooled rows changed since
};

}  // namespace zonal::sim
