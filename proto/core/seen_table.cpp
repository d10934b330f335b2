#include "zonal/seen_table.hpp"

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

void SeenTable::insert(QueryId id, PeerId prev_hop, std::uint32_t capacity) {
  if (id == empty_id) return;
  if (m_order.size() < capacity) {
    m_order.push_back(id);
    if (m_order.size() * 2 > m_slots.size()) rehash(m_slots.empty() ? 8 : m_slots.size() * 2);
    place({id, prev_hop});
    m_next = static_cast<std::uint32_t>(m_order.size() % capacity);
    return;
  }
  erase(m_order[m_next]);  // forget the oldest
  m_order[m_next] = id;
  place({id, prev_hop});
  m_next = (m_next + 1) % static_cast<std::uint32_t>(m_order.size());
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
  std::vector<Entry> old(slots, Entry{empty_id, no_peer});
  old.swap(m_slots);
  for (const Entry& e : old)
    if (e.query_id != empty_id) place(e);
}

}  // namespace zonal
