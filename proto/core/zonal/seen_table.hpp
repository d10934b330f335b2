#pragma once
/// Bounded memory of recently seen query ids, with the reverse-path hop for each.
#include <cstdint>
#include <vector>

#include "zonal/types.hpp"

namespace zonal {

/// Open-addressing hash table of (query id, previous hop): a lookup touches one cache line
/// whatever the capacity. Bounded two ways, as real Gnutella servents bound their routing
/// tables: ids older than `expiry_us` are purged before the table would grow, and when
/// `capacity` ids are remembered the oldest is forgotten. A forgotten query's late copy
/// counts as fresh again. Memory grows lazily (16 bytes a slot, load <= 3/4); the FIFO ring
/// used for eviction is only built once the table is full, so peers that see few queries stay small.
class SeenTable {
 public:
  struct Entry {
    QueryId query_id;
    PeerId prev_hop;     ///< who sent the first copy; no_peer when this peer originated the query
    std::uint32_t stamp_ms;  ///< arrival time in ms, modulo 2^32 (fills the padding); orders eviction
  };

  /// Find the entry for `id`; nullptr when not remembered.
  const Entry* find(QueryId id) const noexcept;

  /// Remember `id` with its previous hop at time `now`; call on the first copy only.
  /// `capacity` >= 1 bounds the count; `expiry_us` > 0 lets older ids be purged.
  void insert(QueryId id, PeerId prev_hop, TimeUs now, std::uint32_t capacity, TimeUs expiry_us);

  /// Hint the CPU to load the slot `id` would occupy; call shortly before find(id). No effect on state.
  void prefetch(QueryId id) const noexcept {
#if defined(__GNUC__)
    if (!m_slots.empty()) __builtin_prefetch(&m_slots[slot_of(id)]);
#else
    (void)id;
#endif
  }

  /// Number of remembered ids.
  std::size_t size() const noexcept { return m_size; }

 private:
  static constexpr QueryId empty_id = 0;  // query ids are never 0 (the origin counter starts at 1)
  std::size_t slot_of(QueryId id) const noexcept;
  void place(const Entry& e);
  void erase(QueryId id);
  void rehash(std::size_t slots);
  void build_order();
  void purge_older_than(std::uint32_t now_ms, std::uint32_t age_ms);

  std::vector<Entry> m_slots;    // size is a power of two; query_id == empty_id marks a free slot
  std::vector<QueryId> m_order;  // FIFO of ids, built when the table first fills
  std::uint32_t m_size = 0;
  std::uint32_t m_next = 0;      // oldest position in m_order
};

}  // namespace zonal
