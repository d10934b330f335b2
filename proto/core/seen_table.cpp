#include "zonal/seen_table.hpp"

#include <algorithm>
#include <cstring>
#include <new>

namespace zonal {
namespace {

constexpr std::uint32_t slots_initial = 8;  // a generation's first table: 6 ids at load <= 3/4

/// Slots a generation of `ids_max` ids needs at load <= 3/4, rounded up to whole cache lines of ids.
std::uint32_t slots_for(std::uint64_t ids_max) {
  const std::uint64_t needed = (ids_max * 4 + 2) / 3 + 1;
  return static_cast<std::uint32_t>(std::min<std::uint64_t>((needed + 7) / 8 * 8, 0xFFFFFFF8u));
}

/// a[i] = a[i + K] for every i + K < N (the entries move toward the front).
template <unsigned K, class T, unsigned N>
void shift_down(T (&a)[N]) noexcept {
  static_assert(K > 0 && K < N);
  for (unsigned i = 0; i + K < N; ++i) a[i] = a[i + K];
}

}  // namespace

// docs/performance.md: the table is the first 64 bytes of every (96-byte) Peer.
static_assert(sizeof(void*) != 8 || sizeof(SeenTable) <= 64, "SeenTable must stay within 64 bytes");

void SeenTable::Table::place(QueryId id, PeerId prev_hop, std::uint32_t slots_max) {
  if (slots == 0 || (std::uint64_t{size} + 1) * 4 > std::uint64_t{slots} * 3) {
    resize(std::max(slots + 1, std::min(slots_max, std::max(slots_initial, slots * 2))));
  }
  std::size_t s = slot_of(id);
  while (storage[s] != empty_id) s = s + 1 == slots ? 0 : s + 1;
  storage[s] = id;
  hops()[s] = prev_hop;
  ++size;
}

void SeenTable::Table::resize(std::uint32_t new_slots) {
  const Table old = *this;
  void* raw = ::operator new(std::size_t{new_slots} * (sizeof(QueryId) + sizeof(PeerId)));
  storage = new (raw) QueryId[new_slots];
  new (storage + new_slots) PeerId[new_slots];
  slots = new_slots;
  size = 0;
  std::fill(storage, storage + new_slots, empty_id);
  for (std::uint32_t s = 0; s < old.slots; ++s) {
    if (old.storage[s] == empty_id) continue;
    std::size_t t = slot_of(old.storage[s]);
    while (storage[t] != empty_id) t = t + 1 == slots ? 0 : t + 1;
    storage[t] = old.storage[s];
    hops()[t] = old.hops()[s];
    ++size;
  }
  if (old.slots != 0) ::operator delete(old.storage);
}

void SeenTable::Table::clear() noexcept {
  if (slots != 0) std::fill(storage, storage + slots, empty_id);
  size = 0;
}

void SeenTable::Table::release() noexcept {
  if (slots != 0) ::operator delete(storage);
  storage = nullptr;
  slots = 0;
  size = 0;
}

void SeenTable::insert(QueryId id, PeerId prev_hop, TimeUs now, std::uint32_t capacity, TimeUs expiry_us) {
  if (id == empty_id || capacity == 0) return;
  const auto now_ms = static_cast<std::uint32_t>(now / 1000);
  const auto expiry_ms = static_cast<std::uint32_t>(expiry_us / 1000);
  if (expiry_ms > 0 && previous_size() > 0 && now_ms - m_prev_newest_ms >= expiry_ms) drop_previous();
  const std::uint64_t half = (std::uint64_t{capacity} + 1) / 2;
  const std::size_t current = current_size();
  const bool aged = expiry_ms > 0 && current > 0 && now_ms - m_cur_oldest_ms >= expiry_ms;
  if (current >= half || aged) rotate();
  if (current_size() == 0) m_cur_oldest_ms = now_ms;
  m_cur_newest_ms = now_ms;
  place(id, prev_hop, slots_for(half));
}

void SeenTable::expire(TimeUs now, TimeUs expiry_us) {
  const auto now_ms = static_cast<std::uint32_t>(now / 1000);
  const auto expiry_ms = static_cast<std::uint32_t>(expiry_us / 1000);
  if (expiry_ms == 0) return;
  if (previous_size() > 0 && now_ms - m_prev_newest_ms >= expiry_ms) drop_previous();
  if (current_size() == 0) return;
  if (now_ms - m_cur_newest_ms >= expiry_ms) {
    if (m_on_heap) {  // everything in it expired
      m_tables[0].release();
    } else {
      m_cur_size = 0;
    }
  } else if (now_ms - m_cur_oldest_ms >= expiry_ms) {
    rotate();  // its older ids go with the previous generation on a later call
  }
  if (m_on_heap && size() < pool_max) to_inline();
}

// Adds `id` to the current generation (whose times insert() has set): inline while the pool has
// room, else in the current generation's table (the ids move to tables when the pool fills).
void SeenTable::place(QueryId id, PeerId prev_hop, std::uint32_t slots_max) {
  if (m_on_heap && size() < pool_max) to_inline();
  if (!m_on_heap) {
    const unsigned n = unsigned{m_prev_size} + m_cur_size;
    if (n < pool_max) {
      m_ids[n] = id;
      m_hops[n] = prev_hop;
      ++m_cur_size;
      return;
    }
    to_heap();
  }
  m_tables[0].place(id, prev_hop, slots_max);
}

void SeenTable::drop_previous() noexcept {
  if (m_on_heap) {
    m_tables[1].release();
    return;
  }
  // The current ids move to the front, by a shift of constant width per case: a copy of
  // m_cur_size entries compiled to two memmove calls (this runs on most fresh arrivals of a
  // flood), and a copy through a buffer stalled on store forwarding. Entries past the sizes are
  // never read.
  switch (m_prev_size) {
    case 1: shift_down<1>(m_ids), shift_down<1>(m_hops); break;
    case 2: shift_down<2>(m_ids), shift_down<2>(m_hops); break;
    case 3: shift_down<3>(m_ids), shift_down<3>(m_hops); break;
    default: break;  // 0: nothing to drop; pool_max: no current ids
  }
  m_prev_size = 0;
}

// The current generation becomes the previous one; on the heap the old previous table's buffer
// is reused for the new current one.
void SeenTable::rotate() noexcept {
  m_prev_newest_ms = m_cur_newest_ms;
  if (m_on_heap) {
    std::swap(m_tables[0], m_tables[1]);
    m_tables[0].clear();
    return;
  }
  drop_previous();
  m_prev_size = m_cur_size;
  m_cur_size = 0;
}

// The pool is full: each generation moves into a table of its own.
void SeenTable::to_heap() {
  QueryId ids[pool_max];
  std::copy(m_ids, m_ids + pool_max, ids);
  Table current{nullptr, 0, 0};
  Table previous{nullptr, 0, 0};
  try {
    for (unsigned i = 0; i < m_prev_size; ++i) previous.place(ids[i], m_hops[i], slots_initial);
    for (unsigned i = m_prev_size; i < unsigned{m_prev_size} + m_cur_size; ++i)
      current.place(ids[i], m_hops[i], slots_initial);
  } catch (...) {
    current.release();
    previous.release();
    throw;
  }
  m_tables[0] = current;
  m_tables[1] = previous;
  m_on_heap = true;
}

// Both generations fit the pool again: back inline (previous first), tables freed.
void SeenTable::to_inline() noexcept {
  const Table current = m_tables[0];
  const Table previous = m_tables[1];
  QueryId ids[pool_max] = {};
  PeerId hops[pool_max] = {};
  unsigned n = 0;
  for (const Table* t : {&previous, &current})
    for (std::uint32_t s = 0; s < t->slots; ++s)
      if (t->storage[s] != empty_id) ids[n] = t->storage[s], hops[n] = t->hops()[s], ++n;
  std::copy(ids, ids + pool_max, m_ids);
  std::copy(hops, hops + pool_max, m_hops);
  m_prev_size = static_cast<std::uint8_t>(previous.size);
  m_cur_size = static_cast<std::uint8_t>(current.size);
  m_on_heap = false;
  Table(current).release();
  Table(previous).release();
}

// Takes over `other`'s ids (inline copies or its tables); `other` is left empty and inline.
void SeenTable::take(SeenTable& other) noexcept {
  std::memcpy(static_cast<void*>(this), &other, sizeof(SeenTable));
  other.m_on_heap = false;
  other.m_prev_size = 0;
  other.m_cur_size = 0;
}

void SeenTable::release() noexcept {
  if (m_on_heap) {
    m_tables[0].release();
    m_tables[1].release();
    m_on_heap = false;
  }
  m_prev_size = 0;
  m_cur_size = 0;
}

}  // namespace zonal
