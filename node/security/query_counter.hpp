#pragma once
/// Query ids survive restarts: a node reserves blocks of query counters in DATA_DIR/query-counter
/// (checked atomic writes) and starts each run after the last reserved block, so a restarted node
/// with the same peer id never reuses a query id of an earlier run (which its neighbours would
/// drop as duplicates). Thread-safe (query ids are taken on several threads).
#include <cstdint>
#include <filesystem>
#include <mutex>

namespace zonal::node {

class QueryCounterStore {
 public:
  /// Counters reserved per write; a run writes once per this many query ids.
  static constexpr std::uint32_t block = 1u << 16;

  /// Read `file` (absent: a first run), reserve a block after the value it holds and write it
  /// back; throws WriteError naming the file when it is malformed or cannot be written.
  explicit QueryCounterStore(std::filesystem::path file);

  /// The counter value to resume the core peer from (Peer::resume_query_counter).
  std::uint32_t start() const noexcept { return m_start; }
  /// Tell the store the last counter handed out (QueryIdAllocator's after_take); it reserves
  /// the next block before this one runs out. Throws WriteError when it cannot.
  void note_used(std::uint32_t counter);

 private:
  void reserve(std::uint32_t end);

  std::mutex m_mutex;  ///< guards m_reserved_end and the file
  std::filesystem::path m_file;
  std::uint32_t m_start = 0;
  std::uint32_t m_reserved_end = 0;  ///< counters up to here are reserved on disk
};

}  // namespace zonal::node
