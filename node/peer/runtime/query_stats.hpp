#pragma once
/// Per-query message counters of one node, summed over nodes by the conformance test.
#include <cstdint>
#include <deque>
#include <unordered_map>
#include <vector>

#include "zonal/message.hpp"

namespace zonal::node {

struct QueryCounters {
  QueryId query_id = 0;
  FileKey key = 0;
  std::uint32_t sent = 0;          ///< query copies this node transmitted
  std::uint32_t fresh = 0;         ///< first arrivals of the query here
  std::uint32_t duplicates = 0;    ///< later arrivals, dropped
  std::uint32_t hit_messages = 0;  ///< hits this node transmitted (answers and relays)
  std::uint32_t hits = 0;          ///< hits received as the origin
  std::uint32_t holder_hits = 0;   ///< of which answered by the holder itself (responder == holder)
  std::uint32_t first_hops = 0;    ///< links the first copy travelled (0 at the origin)
  std::uint32_t hop_inversions = 0;  ///< later copies that travelled fewer links than the first one
  std::uint32_t hit_arrivals = 0;    ///< hit messages delivered here (relayed, taken or dropped)
  std::uint32_t hits_dropped = 0;    ///< of which dropped (query over at the origin, or path forgotten)
  bool origin = false;
};

/// Bounded table of counters (the oldest queries are forgotten first). Not thread-safe:
/// owned by the runtime's io thread.
class QueryStats {
 public:
  explicit QueryStats(std::size_t capacity = 16384) : m_capacity(capacity) {}
  /// Counters of `id`, created when new.
  QueryCounters& at(QueryId id, FileKey key);
  /// Counters of `id`, or nullptr.
  QueryCounters* find(QueryId id);
  /// Copy of every remembered entry, oldest first.
  std::vector<QueryCounters> snapshot() const;

 private:
  std::size_t m_capacity;
  std::unordered_map<QueryId, QueryCounters> m_by_id;
  std::deque<QueryId> m_order;
};

}  // namespace zonal::node
