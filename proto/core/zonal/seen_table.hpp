#pragma once
/// Bounded memory of recently seen query ids, with the reverse-path hop for each.
#include <cstdint>
#include <vector>

#include "zonal/hash.hpp"
#include "zonal/types.hpp"

namespace zonal {

/// Two generations of open-addressing hash tables (16-byte slots, load <= 3/4): ids go into
/// the current generation; when it holds capacity/2 ids, or its oldest id is older than the
/// expiry, it becomes the previous generation and the old previous one is dropped whole.
/// So at most `capacity` ids (rounded up to even) are kept, each is remembered until at
/// least capacity/2 newer ids or the expiry time have passed, lookups touch one or two cache
/// lines, and forgetting costs no per-entry work. As in real Gnutella servents, a forgotten
/// query's late copy counts as fresh again. Peers that see few queries stay small.
class SeenTable {
 public:
  struct Entry {
    QueryId query_id;
    PeerId prev_hop;         ///< who sent the first copy; no_peer when this peer originated the query
    std::uint32_t stamp_ms;  ///< arrival time in ms, modulo 2^32 (fills the padding)
  };

  /// Find the entry for `id`; nullptr when not remembered. Inline: runs on every delivered copy.
  const Entry* find(QueryId id) const noexcept {
    if (id == empty_id) return nullptr;
    if (const Entry* e = m_current.find(id)) return e;
    return m_previous.find(id);
  }

  /// Remember `id` with its previous hop at time `now`; call on the first copy only.
  /// `capacity` >= 1 bounds the count; `expiry_us` > 0 also forgets ids by age.
  void insert(QueryId id, PeerId prev_hop, TimeUs now, std::uint32_t capacity, TimeUs expiry_us);

  /// Hint the CPU to load the slots `id` would occupy in both generations; call shortly before find(id).
  void prefetch(QueryId id) const noexcept {
#if defined(__GNUC__)
    if (!m_current.slots.empty()) __builtin_prefetch(&m_current.slots[m_current.slot_of(id)]);
    if (!m_previous.slots.empty()) __builtin_prefetch(&m_previous.slots[m_previous.slot_of(id)]);
#else
    (void)id;
#endif
  }

  /// Number of remembered ids.
  std::size_t size() const noexcept { return m_current.size + m_previous.size; }

 private:
  static constexpr QueryId empty_id = 0;  // query ids are never 0 (the origin counter starts at 1)

  struct Generation {
    std::vector<Entry> slots;  // size is a power of two; query_id == empty_id marks a free slot
    std::uint32_t size = 0;
    std::uint32_t oldest_ms = 0;
    std::uint32_t newest_ms = 0;

    std::size_t slot_of(QueryId id) const noexcept { return mix64(id) & (slots.size() - 1); }
    const Entry* find(QueryId id) const noexcept {
      if (size == 0) return nullptr;
      const std::size_t mask = slots.size() - 1;
      for (std::size_t s = slot_of(id);; s = (s + 1) & mask) {
        if (slots[s].query_id == id) return &slots[s];
        if (slots[s].query_id == empty_id) return nullptr;
      }
    }
    void place(const Entry& e);
    void grow();
    void clear() noexcept;
  };

  void rotate();

  Generation m_current;
  Generation m_previous;
};

}  // namespace zonal
