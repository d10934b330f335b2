#include "zonal/seen_table.hpp"

#include <algorithm>

#include "zonal/hash.hpp"

namespace zonal {

std::size_t SeenTable::slot_of(QueryId id) const noexcept { return mix64(id) & (m_slots.size() - 1); }

const SeenTable::Entry* SeenTable::find(QueryId id) const noexcept {
  if (m_slots.empty() || id == empty_id) return nullptr;
  for (std::size_t s = slot_of(id);; s = (s + 1) & (m_slots.size() - 1)) {
    if (m_slots[s].query_id == id) return &m_slots[s];
    if (m_slots[s].query_id == empty_id) return nullptr;
  }
}

void SeenTable::insert(QueryId id, PeerId prev_hop, TimeUs now, std::uint32_t capacity, TimeUs expiry_us) {
  if (id == empty_id || capacity == 0) return;
  const auto now_ms = static_cast<std::uint32_t>(now / 1000);
  const Entry entry{id, prev_hop, now_ms};
  if (m_size < capacity) {
    if ((m_size + 1) * 4 > m_slots.size() * 3 && expiry_us > 0)  // about to grow: drop stale ids first
      purge_older_than(now_ms, static_cast<std::uint32_t>(expiry_us / 1000));
    ++m_size;
    if (m_size * 4 > m_slots.size() * 3) rehash(m_slots.empty() ? 4 : m_slots.size() * 2);
    place(entry);
    return;
  }
  if (m_order.empty()) build_order();
  erase(m_order[m_next]);  // forget the oldest
  m_order[m_next] = id;
  m_next = (m_next + 1) % static_cast<std::uint32_t>(m_order.size());
  place(entry);
}

void SeenTable::build_order() {
  std::vector<Entry> live;
  live.reserve(m_size);
  for (const Entry& e : m_slots)
    if (e.query_id != empty_id) live.push_back(e);
  std::stable_sort(live.begin(), live.end(), [](const Entry& a, const Entry& b) { return a.stamp_ms < b.stamp_ms; });
  m_order.reserve(live.size());
  for (const Entry& e : live) m_order.push_back(e.query_id);
  m_next = 0;
}

void SeenTable::purge_older_than(std::uint32_t now_ms, std::uint32_t age_ms) {
  if (!m_order.empty()) return;  // a full table evicts in FIFO order instead
  std::vector<QueryId> stale;
  for (const Entry& e : m_slots)
    if (e.query_id != empty_id && now_ms - e.stamp_ms >= age_ms) stale.push_back(e.query_id);
  for (QueryId id : stale) erase(id);
  m_size -= static_cast<std::uint32_t>(stale.size());
}

void SeenTable::place(const Entry& e) {
  std::size_t s = slot_of(e.query_id);
  while (m_slots[s].query_id != empty_id) s = (s + 1) & (m_slots.size() - 1);
  m_slots[s] = e;
}

// Linear-probing deletion by backward shift: keeps every remaining key reachable.
void SeenTable::erase(QueryId id) {
  const std::size_t mask = m_slots.size() - 1;
  std::size_t hole = slot_of(id);
  while (m_slots[hole].query_id != id) {
    if (m_slots[hole].query_id == empty_id) return;
    hole = (hole + 1) & mask;
  }
  m_slots[hole].query_id = empty_id;
  for (std::size_t s = (hole + 1) & mask; m_slots[s].query_id != empty_id; s = (s + 1) & mask) {
    const std::size_t home = slot_of(m_slots[s].query_id);
    if (((s - home) & mask) >= ((s - hole) & mask)) {  // home not cyclically within (hole, s]
      m_slots[hole] = m_slots[s];
      m_slots[s].query_id = empty_id;
      hole = s;
    }
  }
}

void SeenTable::rehash(std::size_t slots) {
  std::vector<Entry> old(slots, Entry{empty_id, no_peer, 0});
  old.swap(m_slots);
  for (const Entry& e : old)
    if (e.query_id != empty_id) place(e);
}

}  // namespace zonal
