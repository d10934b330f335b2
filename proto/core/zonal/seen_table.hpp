#pragma once
/// Bounded memory of recently seen query ids, with the reverse-path hop for each.
#include <cstdint>
#include <vector>

#include "zonal/types.hpp"

namespace zonal {

/// Open-addressing hash table of (query id, previous hop) plus a FIFO ring of ids for
/// eviction: a lookup touches one cache line whatever the capacity. When full, the oldest
/// entry is forgotten and a very old query's late copy counts as fresh again (as in real
/// Gnutella servents). Storage grows lazily, so peers that see few queries stay small.
class SeenTable {
 public:
  struct Entry {
    QueryId query_id;
    PeerId prev_hop;  ///< who sent the first copy; no_peer when this peer originated the query
  };

  /// Find the entry for `id`; nullptr when not remembered.
  const Entry* find(QueryId id) const noexcept;

  /// Remember `id` with its previous hop; call on the first copy only. `capacity` must be >= 1.
  void insert(QueryId id, PeerId prev_hop, std::uint32_t capacity);

  /// Number of remembered ids.
  std::size_t size() const noexcept { return m_order.size(); }

 private:
  static constexpr QueryId empty_id = 0;  // query ids are never 0 (the origin counter starts at 1)
  std::size_t slot_of(QueryId id) const noexcept;
  void place(const Entry& e);
  void erase(QueryId id);
  void rehash(std::size_t slots);

  std::vector<Entry> m_slots;     // size is a power of two; query_id == empty_id marks a free slot
  std::vector<QueryId> m_order;   // insertion order; wraps at m_next once full
  std::uint32_t m_next = 0;
};

}  // namespace zonal
