#include "engine/chord/chord_active_queries.hpp"

#include <algorithm>
#include <bit>
#include <utility>

#include "zonal/assert.hpp"

namespace zonal::sim {

std::uint32_t ChordActiveQueries::Query::distinct_contacted() {
  if (m_count <= m_inline.size()) {
    const auto end = m_inline.begin() + m_count;
    std::sort(m_inline.begin(), end);
    return static_cast<std::uint32_t>(std::unique(m_inline.begin(), end) - m_inline.begin());
  }
  std::vector<PeerId> all(m_inline.begin(), m_inline.end());
  all.insert(all.end(), m_more.begin(), m_more.end());
  std::sort(all.begin(), all.end());
  return static_cast<std::uint32_t>(std::unique(all.begin(), all.end()) - all.begin());
}

ChordActiveQueries::ChordActiveQueries(std::size_t slots) {
  m_slots.resize(std::bit_ceil(std::max<std::size_t>(slots, 1)));
  m_mask = m_slots.size() - 1;
}

ChordActiveQueries::Query& ChordActiveQueries::open(std::uint32_t ordinal, PeerId origin) {
  ZONAL_ASSERT(ordinal != 0 && find(ordinal) == nullptr, "a search is tracked once, under a non-zero ordinal");
  while (m_slots[ordinal & m_mask].m_ordinal != 0) {
    if (m_slots.size() >= slots_max) {  // a long-running search keeps the slot: move it aside
      Query& old = m_slots[ordinal & m_mask];
      m_spill.emplace(old.m_ordinal, std::move(old));
      old = Query{};
      break;
    }
    grow();
  }
  Query& q = m_slots[ordinal & m_mask];
  q.m_ordinal = ordinal;
  q.m_origin = origin;
  q.m_count = 0;
  q.m_messages = 0;
  ++m_size;
  return q;
}

void ChordActiveQueries::close(Query& q) {
  const std::uint32_t ordinal = q.m_ordinal;
  --m_size;
  if (&q == &m_slots[ordinal & m_mask]) {
    q.m_ordinal = 0;
    q.m_origin = no_peer;
    q.m_count = 0;
    q.m_messages = 0;
    std::vector<PeerId>().swap(q.m_more);
    return;
  }
  m_spill.erase(ordinal);
}

std::vector<std::uint32_t> ChordActiveQueries::ordinals_of(PeerId origin) const {
  std::vector<std::uint32_t> out;
  for (const Query& q : m_slots)
    if (q.m_ordinal != 0 && (origin == no_peer || q.m_origin == origin)) out.push_back(q.m_ordinal);
  for (const auto& [ordinal, q] : m_spill)
    if (origin == no_peer || q.m_origin == origin) out.push_back(ordinal);
  std::sort(out.begin(), out.end());
  return out;
}

ChordActiveQueries::Query* ChordActiveQueries::find_spilled(std::uint32_t ordinal) noexcept {
  const auto it = m_spill.find(ordinal);
  return it == m_spill.end() ? nullptr : &it->second;
}

// Double the array; every search keeps its own slot (two ordinals that shared a slot may not
// share the bigger one, so a new search may find its slot free now).
void ChordActiveQueries::grow() {
  std::vector<Query> bigger(m_slots.size() * 2);
  const std::size_t mask = bigger.size() - 1;
  for (Query& q : m_slots)
    if (q.m_ordinal != 0) bigger[q.m_ordinal & mask] = std::move(q);
  m_slots = std::move(bigger);
  m_mask = mask;
}

}  // namespace zonal::sim
