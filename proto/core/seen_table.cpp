#include "zonal/seen_table.hpp"

namespace zonal {

const SeenTable::Entry* SeenTable::find(QueryId id) const noexcept {
  const std::size_t n = m_entries.size();
  // Newest entries sit just before m_next; scanning backwards finds in-flight queries first.
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t at = (m_next + n - 1 - i) % n;
    if (m_entries[at].query_id == id) return &m_entries[at];
  }
  return nullptr;
}

void SeenTable::insert(QueryId id, PeerId prev_hop, std::uint32_t capacity) {
  if (m_entries.size() < capacity) {
    m_entries.push_back({id, prev_hop});
    m_next = static_cast<std::uint32_t>(m_entries.size() % capacity);
    return;
  }
  m_entries[m_next] = {id, prev_hop};
  m_next = (m_next + 1) % static_cast<std::uint32_t>(m_entries.size());
}

}  // namespace zonal
