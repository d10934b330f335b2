#pragma once
/// Bounded memory of recently seen query ids, with the reverse-path hop for each.
#include <cstdint>
#include <vector>

#include "zonal/types.hpp"

namespace zonal {

/// Ring buffer of (query id, previous hop). When full, the oldest entry is forgotten,
/// so a very old query's late copy counts as fresh again (as in real Gnutella servents).
class SeenTable {
 public:
  struct Entry {
    QueryId query_id;
    PeerId prev_hop;  ///< who sent the first copy; no_peer when this peer originated the query
  };

  /// Find the entry for `id`, newest first; nullptr when not remembered.
  const Entry* find(QueryId id) const noexcept;

  /// Remember `id` with its previous hop; call on the first copy. `capacity` must be >= 1.
  void insert(QueryId id, PeerId prev_hop, std::uint32_t capacity);

  /// Number of remembered ids.
  std::size_t size() const noexcept { return m_entries.size(); }

 private:
  std::vector<Entry> m_entries;  // grows lazily up to capacity, then wraps at m_next
  std::uint32_t m_next = 0;
};

}  // namespace zonal
