#pragma once
/// The query rows of a run on disk: fixed-size records in an unlinked temporary file, appended in
/// query order as they are finalised, patched in place when a late message still changes one,
/// and read back in order (queries.csv, summary metrics, time series). Keeps a run of 10^7
/// queries from holding 10^7 records in memory.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <vector>

#include "engine/core/run_result.hpp"

namespace zonal::sim {

class QuerySpool {
 public:
  /// An empty spool in a new unlinked file of `dir`; throws std::runtime_error naming `dir` when
  /// it cannot be created.
  explicit QuerySpool(const std::filesystem::path& dir);
  ~QuerySpool();
  QuerySpool(const QuerySpool&) = delete;
  QuerySpool& operator=(const QuerySpool&) = delete;

  /// Append the row of the next query (ordinal size() + 1); call in query order.
  void append(const QueryRecord& rec);
  /// The row of query `ordinal` (1..size()); call for a late update of a finalised row.
  QueryRecord read(std::uint32_t ordinal);
  /// Overwrite the row of query `ordinal` (1..size()) with `rec`.
  void write(std::uint32_t ordinal, const QueryRecord& rec);
  /// Rows appended so far.
  std::uint32_t size() const noexcept { return m_count; }
  /// Write out buffered rows; call before reading with for_each() (throws on a write error).
  void flush();
  /// Call `f(row)` for every row in query order (after flush()).
  void for_each(const std::function<void(const QueryRecord&)>& f) const;

 private:
  void write_at(std::uint64_t offset, const void* data, std::size_t bytes);

  std::filesystem::path m_dir;
  int m_fd = -1;
  std::uint32_t m_count = 0;      // rows appended (buffered ones included)
  std::uint32_t m_written = 0;    // rows on disk
  std::vector<QueryRecord> m_buffer;
};

/// Call `f(row)` for every query row of `run` in query order, from memory or from its spool.
void for_each_query(const RunResult& run, const std::function<void(const QueryRecord&)>& f);
/// Number of query rows of `run` (memory or spool).
std::size_t query_count(const RunResult& run);

}  // namespace zonal::sim
