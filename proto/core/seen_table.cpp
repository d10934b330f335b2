#include "zonal/seen_table.hpp"

#include <algorithm>
#include <new>

namespace zonal {
namespace {

constexpr std::uint32_t slots_initial = 8;  // first table (a generation outgrowing its inline ids): 4 ids at load <= 3/4

/// Slots a generation of `ids_max` ids needs at load <= 3/4, rounded up to whole cache lines of ids.
std::uint32_t slots_for(std::uint64_t ids_max) {
  const std::uint64_t needed = (ids_max * 4 + 2) / 3 + 1;
  return static_cast<std::uint32_t>(std::min<std::uint64_t>((needed + 7) / 8 * 8, 0xFFFFFFF8u));
}

}  // namespace

void SeenTable::Generation::place(QueryId id, PeerId prev_hop, std::uint32_t now_ms, std::uint32_t slots_max) {
  if (slots == 0 && size < inline_max) {
    small_ids[size] = id;
    small_hops[size] = prev_hop;
  } else {
    if (slots == 0 || (std::uint64_t{size} + 1) * 4 > std::uint64_t{slots} * 3) {
      resize(std::min(slots_max, std::max(slots_initial, slots * 2)));
    }
    QueryId* keys = ids();
    std::size_t s = slot_of(id);
    while (keys[s] != empty_id) s = s + 1 == slots ? 0 : s + 1;
    keys[s] = id;
    hops()[s] = prev_hop;
  }
  if (size == 0) oldest_ms = now_ms;
  newest_ms = now_ms;
  ++size;
}

void SeenTable::Generation::resize(std::uint32_t new_slots) {
  Generation old = std::move(*this);
  void* raw = ::operator new(std::size_t{new_slots} * (sizeof(QueryId) + sizeof(PeerId)));
  QueryId* keys = new (raw) QueryId[new_slots];
  new (keys + new_slots) PeerId[new_slots];
  storage = keys;
  slots = new_slots;
  size = 0;
  std::fill(keys, keys + new_slots, empty_id);
  const auto put = [&](QueryId id, PeerId hop) {
    std::size_t t = slot_of(id);
    while (keys[t] != empty_id) t = t + 1 == slots ? 0 : t + 1;
    keys[t] = id;
    hops()[t] = hop;
    ++size;
  };
  if (old.slots == 0) {
    for (std::uint32_t i = 0; i < old.size; ++i) put(old.small_ids[i], old.small_hops[i]);
  } else {
    for (std::uint32_t s = 0; s < old.slots; ++s)
      if (old.ids()[s] != empty_id) put(old.ids()[s], old.hops()[s]);
  }
  oldest_ms = old.oldest_ms;
  newest_ms = old.newest_ms;
}

void SeenTable::Generation::clear() noexcept {
  if (slots != 0) std::fill(ids(), ids() + slots, empty_id);
  size = 0;
}

// Takes over `other`'s ids (inline copies or the heap table); `other` is left empty and inline.
void SeenTable::Generation::take(Generation& other) noexcept {
  if (other.slots != 0) {
    storage = other.storage;
  } else {
    std::copy(other.small_ids, other.small_ids + inline_max, small_ids);
    std::copy(other.small_hops, other.small_hops + inline_max, small_hops);
  }
  slots = other.slots;
  size = other.size;
  oldest_ms = other.oldest_ms;
  newest_ms = other.newest_ms;
  other.slots = 0;
  other.size = 0;
}

void SeenTable::Generation::release() noexcept {
  if (slots != 0) ::operator delete(storage);
  slots = 0;
  size = 0;
}

void SeenTable::insert(QueryId id, PeerId prev_hop, TimeUs now, std::uint32_t capacity, TimeUs expiry_us) {
  if (id == empty_id || capacity == 0) return;
  const auto now_ms = static_cast<std::uint32_t>(now / 1000);
  const auto expiry_ms = static_cast<std::uint32_t>(expiry_us / 1000);
  if (expiry_ms > 0 && m_previous.size > 0 && now_ms - m_previous.newest_ms >= expiry_ms)
    m_previous = Generation{};  // every id in it has expired: free it
  const std::uint64_t half = (std::uint64_t{capacity} + 1) / 2;
  const bool aged = expiry_ms > 0 && m_current.size > 0 && now_ms - m_current.oldest_ms >= expiry_ms;
  if (m_current.size >= half || aged) rotate();
  m_current.place(id, prev_hop, now_ms, slots_for(half));
}

void SeenTable::expire(TimeUs now, TimeUs expiry_us) {
  const auto now_ms = static_cast<std::uint32_t>(now / 1000);
  const auto expiry_ms = static_cast<std::uint32_t>(expiry_us / 1000);
  if (expiry_ms == 0) return;
  if (m_previous.size > 0 && now_ms - m_previous.newest_ms >= expiry_ms) m_previous = Generation{};
  if (m_current.size == 0) return;
  if (now_ms - m_current.newest_ms >= expiry_ms) {
    m_current = Generation{};  // everything expired: free both
  } else if (now_ms - m_current.oldest_ms >= expiry_ms) {
    rotate();  // its older ids go with the previous generation on a later call
  }
}

// The current generation becomes the previous one; the old previous one's buffer is reused.
void SeenTable::rotate() {
  std::swap(m_current, m_previous);
  m_current.clear();
}

}  // namespace zonal
