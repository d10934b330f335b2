#pragma once
/// Bounded memory of recently seen query ids, with the reverse-path hop for each.
#include <cstdint>
#include <memory>

#include "zonal/hash.hpp"
#include "zonal/types.hpp"

namespace zonal {

/// Two generations of open-addressing hash tables (linear probing, load <= 3/4): ids go into
/// the current generation; when it holds capacity/2 ids, or its oldest id is older than the
/// expiry, it becomes the previous generation and the old previous one is dropped whole.
/// So at most `capacity` ids (rounded up to even) are kept, each is remembered until at
/// least capacity/2 newer ids or the expiry time have passed, and forgetting costs no
/// per-entry work. As in real Gnutella servents, a forgotten query's late copy counts as
/// fresh again. Peers that see few queries stay small.
///
/// Layout, for the simulator's sake (a flood is a storm of lookups in a million of these): a
/// generation of up to three ids keeps them inline, beside its header, so the duplicate check
/// of a peer that sees few queries reads no memory outside the peer; a bigger generation is one
/// allocation holding the ids (8 bytes per slot, probed) followed by the previous hops (4 bytes
/// per slot, read only on hits). Table sizes are not powers of two: a generation never grows past
/// the size its capacity/2 ids need. Which ids are remembered does not depend on the layout.
class SeenTable {
 public:
  SeenTable() = default;
  SeenTable(SeenTable&&) noexcept = default;
  SeenTable& operator=(SeenTable&&) noexcept = default;

  /// The previous hop recorded for `id` (no_peer when this peer originated the query), or
  /// nullptr when `id` is not remembered. Inline: runs on every delivered copy.
  const PeerId* find(QueryId id) const noexcept {
    if (id == empty_id) return nullptr;
    if (const PeerId* hop = m_current.find(id)) return hop;
    return m_previous.find(id);
  }

  /// Remember `id` with its previous hop at time `now`; call on the first copy only.
  /// `capacity` >= 1 bounds the count; `expiry_us` > 0 also forgets ids by age.
  void insert(QueryId id, PeerId prev_hop, TimeUs now, std::uint32_t capacity, TimeUs expiry_us);

  /// Forget every id remembered for at least `expiry_us` (> 0) at time `now`, freeing generations
  /// that hold only such ids; call periodically when no new ids may arrive for a long time
  /// (insert() alone ages the table only when new ids come in).
  void expire(TimeUs now, TimeUs expiry_us);

  /// Hint the CPU to load the slots `id` would occupy in both generations; call shortly before
  /// find(id). Inline generations need nothing beyond the table itself.
  void prefetch(QueryId id) const noexcept {
#if defined(__GNUC__)
    if (m_current.slots != 0) __builtin_prefetch(m_current.ids() + m_current.slot_of(id));
    if (m_previous.slots != 0) __builtin_prefetch(m_previous.ids() + m_previous.slot_of(id));
#else
    (void)id;
#endif
  }

  /// Number of remembered ids.
  std::size_t size() const noexcept { return m_current.size + m_previous.size; }

 private:
  static constexpr QueryId empty_id = 0;  // query ids are never 0 (the origin counter starts at 1)

  /// One generation: inline (slots == 0: up to inline_max ids in insertion order, scanned) or
  /// an open-addressing table of `slots` slots on the heap (probed).
  struct Generation {
    static constexpr std::uint32_t inline_max = 3;

    union {
      QueryId small_ids[inline_max];  // slots == 0: the first `size` are the ids
      QueryId* storage;               // slots > 0: `slots` ids (empty_id = free), then `slots` hops
    };
    PeerId small_hops[inline_max] = {};
    std::uint32_t slots = 0;
    std::uint32_t size = 0;
    std::uint32_t oldest_ms = 0;
    std::uint32_t newest_ms = 0;

    Generation() noexcept : small_ids{} {}
    Generation(Generation&& other) noexcept { take(other); }
    Generation& operator=(Generation&& other) noexcept {
      if (this != &other) {
        release();
        take(other);
      }
      return *this;
    }
    Generation(const Generation&) = delete;
    Generation& operator=(const Generation&) = delete;
    ~Generation() { release(); }

    QueryId* ids() const noexcept { return storage; }
    PeerId* hops() const noexcept { return reinterpret_cast<PeerId*>(storage + slots); }
    /// Multiply-shift range reduction of the id's hash (upper 32 bits) onto [0, slots).
    std::size_t slot_of(QueryId id) const noexcept { return ((mix64(id) >> 32) * slots) >> 32; }
    const PeerId* find(QueryId id) const noexcept {
      if (slots == 0) {
        for (std::uint32_t i = 0; i < size; ++i)
          if (small_ids[i] == id) return small_hops + i;
        return nullptr;
      }
      if (size == 0) return nullptr;
      const QueryId* keys = ids();
      for (std::size_t s = slot_of(id);;) {
        if (keys[s] == id) return hops() + s;
        if (keys[s] == empty_id) return nullptr;
        if (++s == slots) s = 0;
      }
    }
    void place(QueryId id, PeerId prev_hop, std::uint32_t now_ms, std::uint32_t slots_max);
    void resize(std::uint32_t new_slots);
    void clear() noexcept;
    void take(Generation& other) noexcept;
    void release() noexcept;
  };

  void rotate();

  Generation m_current;
  Generation m_previous;
};

}  // namespace zonal
