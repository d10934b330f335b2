#include "zonal/seen_table.hpp"

#include <algorithm>

#include "zonal/hash.hpp"

namespace zonal {

void SeenTable::Generation::place(const Entry& e) {
  if ((size + 1) * 4 > slots.size() * 3) grow();
  std::size_t s = slot_of(e.query_id);
  while (slots[s].query_id != empty_id) s = (s + 1) & (slots.size() - 1);
  slots[s] = e;
  if (size == 0) oldest_ms = e.stamp_ms;
  newest_ms = e.stamp_ms;
  ++size;
}

void SeenTable::Generation::grow() {
  std::vector<Entry> old(slots.empty() ? 4 : slots.size() * 2, Entry{empty_id, no_peer, 0});
  old.swap(slots);
  for (const Entry& e : old) {
    if (e.query_id == empty_id) continue;
    std::size_t s = slot_of(e.query_id);
    while (slots[s].query_id != empty_id) s = (s + 1) & (slots.size() - 1);
    slots[s] = e;
  }
}

void SeenTable::Generation::clear() noexcept {
  std::fill(slots.begin(), slots.end(), Entry{empty_id, no_peer, 0});
  size = 0;
}

void SeenTable::insert(QueryId id, PeerId prev_hop, TimeUs now, std::uint32_t capacity, TimeUs expiry_us) {
  if (id == empty_id || capacity == 0) return;
  const auto now_ms = static_cast<std::uint32_t>(now / 1000);
  const auto expiry_ms = static_cast<std::uint32_t>(expiry_us / 1000);
  if (expiry_ms > 0 && m_previous.size > 0 && now_ms - m_previous.newest_ms >= expiry_ms)
    m_previous = Generation{};  // every id in it has expired: free it
  const std::uint32_t half = (capacity + 1) / 2;
  const bool aged = expiry_ms > 0 && m_current.size > 0 && now_ms - m_current.oldest_ms >= expiry_ms;
  if (m_current.size >= half || aged) rotate();
  m_current.place(Entry{id, prev_hop, now_ms});
}

// The current generation becomes the previous one; the old previous one's buffer is reused.
void SeenTable::rotate() {
  std::swap(m_current, m_previous);
  m_current.clear();
}

}  // namespace zonal
