#pragma once
/// Bounded memory of recently seen query ids, with the reverse-path hop for each.
#include <cstdint>

#include "zonal/hash.hpp"
#include "zonal/types.hpp"

namespace zonal {

/// Two generations of ids: ids go into the current generation; when it holds capacity/2 ids, or
/// its oldest id is older than the expiry, it becomes the previous generation and the old
/// previous one is dropped whole. So at most `capacity` ids (rounded up to even) are kept, each
/// is remembered until at least capacity/2 newer ids or the expiry time have passed, and
/// forgetting costs no per-entry work. As in real Gnutella servents, a forgotten query's late
/// copy counts as fresh again. Peers that see few queries stay small.
///
/// Layout, for the simulator's sake (a flood is a storm of lookups in a million of these): while
/// both generations together hold at most `pool_max` ids they share one inline pool beside the
/// header (previous generation first, then the current one), so the duplicate check of a peer
/// that sees a few queries at a time reads no memory outside the peer; beyond that each
/// generation is an open-addressing table on the heap (linear probing, load <= 3/4; one
/// allocation holding the ids, 8 bytes per slot, probed, followed by the previous hops, 4 bytes
/// per slot, read only on hits), whose headers take the pool's place. Table sizes are not powers
/// of two: a generation never grows past the size its capacity/2 ids need. Which ids are
/// remembered does not depend on the layout. The whole table is 64 bytes (on LP64 targets).
class SeenTable {
 public:
  SeenTable() noexcept : m_ids{} {}
  SeenTable(SeenTable&& other) noexcept : m_ids{} { take(other); }
  SeenTable& operator=(SeenTable&& other) noexcept {
    if (this != &other) {
      release();
      take(other);
    }
    return *this;
  }
  SeenTable(const SeenTable&) = delete;
  SeenTable& operator=(const SeenTable&) = delete;
  ~SeenTable() { release(); }

  /// The previous hop recorded for `id` (no_peer when this peer originated the query), or
  /// nullptr when `id` is not remembered. Inline: runs on every delivered copy.
  const PeerId* find(QueryId id) const noexcept {
    if (id == empty_id) return nullptr;
    if (!m_on_heap) [[likely]] {
      const unsigned prev = m_prev_size;
      const unsigned end = prev + m_cur_size;
      for (unsigned i = prev; i < end; ++i)  // the current generation first
        if (m_ids[i] == id) return m_hops + i;
      for (unsigned i = 0; i < prev; ++i)
        if (m_ids[i] == id) return m_hops + i;
      return nullptr;
    }
    if (const PeerId* hop = m_tables[0].find(id)) return hop;
    return m_tables[1].find(id);
  }

  /// Remember `id` with its previous hop at time `now`; call on the first copy only.
  /// `capacity` >= 1 bounds the count; `expiry_us` > 0 also forgets ids by age.
  void insert(QueryId id, PeerId prev_hop, TimeUs now, std::uint32_t capacity, TimeUs expiry_us);

  /// Forget every id remembered for at least `expiry_us` (> 0) at time `now`, freeing generations
  /// that hold only such ids; call periodically when no new ids may arrive for a long time
  /// (insert() alone ages the table only when new ids come in).
  void expire(TimeUs now, TimeUs expiry_us);

  /// Hint the CPU to load the slots `id` would occupy in both generations; call shortly before
  /// find(id). Inline ids need nothing beyond the table itself.
  void prefetch(QueryId id) const noexcept {
    if (!m_on_heap) return;
    for (const Table& t : m_tables)
      if (t.slots != 0) prefetch_line(t.storage + t.slot_of(id));
  }

  /// Number of remembered ids.
  std::size_t size() const noexcept {
    return m_on_heap ? std::size_t{m_tables[0].size} + m_tables[1].size : std::size_t{m_prev_size} + m_cur_size;
  }

  /// Ids both generations keep inline before they move to heap tables.
  static constexpr unsigned pool_max = 4;

 private:
  static constexpr QueryId empty_id = 0;  // query ids are never 0 (the origin counter starts at 1)

  /// One generation on the heap: `slots` ids (empty_id = free), then `slots` hops, in one
  /// allocation (none while slots == 0). Plain data: the SeenTable owns and frees it.
  struct Table {
    QueryId* storage;
    std::uint32_t slots;
    std::uint32_t size;

    PeerId* hops() const noexcept { return reinterpret_cast<PeerId*>(storage + slots); }
    /// Multiply-shift range reduction of the id's hash (upper 32 bits) onto [0, slots).
    std::size_t slot_of(QueryId id) const noexcept { return ((mix64(id) >> 32) * slots) >> 32; }
    const PeerId* find(QueryId id) const noexcept {
      if (size == 0) return nullptr;
      for (std::size_t s = slot_of(id);;) {
        if (storage[s] == id) return hops() + s;
        if (storage[s] == empty_id) return nullptr;
        if (++s == slots) s = 0;
      }
    }
    void place(QueryId id, PeerId prev_hop, std::uint32_t slots_max);
    void resize(std::uint32_t new_slots);
    void clear() noexcept;
    void release() noexcept;
  };

  /// Start loading the cache line at `p`. On x86 with GCC or Clang an asm statement: GCC 12
  /// deletes __builtin_prefetch calls on this union's tables (the loop above compiled to nothing,
  /// so the simulator's pipeline never requested a heap slot).
  static void prefetch_line([[maybe_unused]] const void* p) noexcept {
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
    asm volatile("prefetcht0 %0" : : "m"(*static_cast<const char*>(p)));
#elif defined(__GNUC__)
    __builtin_prefetch(p);
#endif
  }
  std::size_t current_size() const noexcept { return m_on_heap ? m_tables[0].size : m_cur_size; }
  std::size_t previous_size() const noexcept { return m_on_heap ? m_tables[1].size : m_prev_size; }
  void place(QueryId id, PeerId prev_hop, std::uint32_t slots_max);
  void drop_previous() noexcept;
  void rotate() noexcept;
  void to_heap();
  void to_inline() noexcept;
  void take(SeenTable& other) noexcept;
  void release() noexcept;

  union {
    QueryId m_ids[pool_max];  // inline: [0, m_prev_size) previous, then m_cur_size current ids
    Table m_tables[2];        // on the heap: [0] current, [1] previous
  };
  PeerId m_hops[pool_max] = {};  // inline: the hop of each id
  std::uint32_t m_cur_oldest_ms = 0;
  std::uint32_t m_cur_newest_ms = 0;
  std::uint32_t m_prev_newest_ms = 0;
  std::uint8_t m_cur_size = 0;   // inline counts
  std::uint8_t m_prev_size = 0;
  bool m_on_heap = false;
};

}  // namespace zonal
