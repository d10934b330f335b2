#include "zonal/chord_table.hpp"

#include <algorithm>
#include <array>
#include <bit>

namespace zonal {

ChordTable::ChordTable(ChordRef self, ChordSpace space, std::uint8_t successors_max)
    : m_space(space),
      m_self(self),
      m_successors_max(std::clamp<std::uint8_t>(successors_max, 1, chord_successors_limit)) {}

void ChordTable::set_successors(std::span<const ChordRef> list) {
  std::array<ChordRef, chord_successors_limit> kept;
  std::size_t n = 0;
  ChordId last = 0;
  for (const ChordRef& e : list) {
    if (n == m_successors_max) break;
    if (!e.valid() || !m_space.valid(e.id())) continue;
    if (e.peer == m_self.peer) break;  // the list has gone round the ring
    const ChordId d = distance(e);
    if (d <= last) continue;  // self's id, a duplicate or out of ring order
    kept[n++] = e;
    last = d;
  }
  m_refs.erase(m_refs.begin(), m_refs.begin() + m_successor_count);
  m_refs.insert(m_refs.begin(), kept.begin(), kept.begin() + static_cast<std::ptrdiff_t>(n));
  m_successor_count = static_cast<std::uint8_t>(n);
}

void ChordTable::adopt_successor(ChordRef s) {
  std::array<ChordRef, chord_successors_limit + 1> list;
  std::size_t n = 0;
  list[n++] = s;
  for (const ChordRef& e : successors())
    if (distance(e) > distance(s)) list[n++] = e;
  set_successors({list.data(), n});
}

void ChordTable::append_successor(ChordRef s) {
  if (m_successor_count >= m_successors_max || !s.valid() || s.peer == m_self.peer || !m_space.valid(s.id())) return;
  if (m_successor_count > 0 && distance(s) <= distance(m_refs[m_successor_count - 1])) return;
  if (m_successor_count == 0 && distance(s) == 0) return;
  m_refs.insert(m_refs.begin() + m_successor_count, s);
  ++m_successor_count;
}

ChordRef ChordTable::finger(unsigned k) const noexcept {
  if (k < 1 || k > m_space.bits()) return m_self;
  const ChordId start = ChordId{1} << (k - 1);
  const auto f = fingers();
  const auto it = std::partition_point(f.begin(), f.end(), [&](const ChordRef& r) { return distance(r) < start; });
  return it == f.end() ? m_self : *it;
}

unsigned ChordTable::finger_after(ChordRef node) const noexcept {
  const unsigned width = static_cast<unsigned>(std::bit_width(distance(node)));
  return node.peer == m_self.peer ? m_space.bits() + 1 : std::min(width, m_space.bits()) + 1;
}

void ChordTable::set_finger(unsigned k, ChordRef f) {
  if (k < 1 || k > m_space.bits() || !f.valid() || !m_space.valid(f.id())) return;
  const ChordId start = ChordId{1} << (k - 1);
  const bool to_self = f.peer == m_self.peer;
  const ChordId fd = to_self ? 0 : distance(f);
  if (!to_self && fd < start) return;  // an answer before the start is stale
  const auto first = m_refs.begin() + m_successor_count;
  const auto gone = [&](const ChordRef& r) {
    const ChordId d = distance(r);
    return r.peer == f.peer || (d >= start && (to_self || d < fd));
  };
  m_refs.erase(std::remove_if(first, m_refs.end(), gone), m_refs.end());
  if (!to_self) insert_finger(f);
  prune_fingers();
}

void ChordTable::insert_finger(ChordRef f) {
  const auto first = m_refs.begin() + m_successor_count;
  const ChordId fd = distance(f);
  const auto at = std::partition_point(first, m_refs.end(), [&](const ChordRef& r) { return distance(r) < fd; });
  m_refs.insert(at, f);
}

// A finger serves index k when 2^(k-1) lies in (previous finger's distance, its distance]; one
// whose distance has no more bits than the previous one's serves none and is dropped.
void ChordTable::prune_fingers() {
  std::size_t out = m_successor_count;
  int previous_width = 0;
  for (std::size_t i = m_successor_count; i < m_refs.size(); ++i) {
    const int width = std::bit_width(distance(m_refs[i]));
    if (width <= previous_width) continue;
    previous_width = width;
    m_refs[out++] = m_refs[i];
  }
  m_refs.resize(out);
}

bool ChordTable::remove(PeerId peer) {
  bool changed = false;
  if (m_predecessor.valid() && m_predecessor.peer == peer) m_predecessor = ChordRef{}, changed = true;
  for (std::size_t i = m_refs.size(); i-- > 0;) {
    if (m_refs[i].peer != peer) continue;
    m_refs.erase(m_refs.begin() + static_cast<std::ptrdiff_t>(i));
    if (i < m_successor_count) --m_successor_count;
    changed = true;
  }
  return changed;
}

bool ChordTable::knows(PeerId peer) const noexcept {
  if (m_predecessor.valid() && m_predecessor.peer == peer) return true;
  return std::any_of(m_refs.begin(), m_refs.end(), [peer](const ChordRef& r) { return r.peer == peer; });
}

void ChordTable::install(ChordRef predecessor, std::span<const ChordRef> successors,
                         std::span<const ChordRef> fingers) {
  std::vector<ChordRef> refs;
  const std::size_t kept = std::min<std::size_t>(successors.size(), m_successors_max);
  refs.reserve(kept + fingers.size());
  refs.insert(refs.end(), successors.begin(), successors.begin() + static_cast<std::ptrdiff_t>(kept));
  refs.insert(refs.end(), fingers.begin(), fingers.end());
  m_refs = std::move(refs);
  m_successor_count = static_cast<std::uint8_t>(kept);
  m_predecessor = predecessor;
}

void ChordTable::clear() noexcept {
  std::vector<ChordRef>().swap(m_refs);
  m_successor_count = 0;
  m_predecessor = ChordRef{};
}

std::size_t ChordTable::count_preceding(std::span<const ChordRef> list, ChordId key_distance) const noexcept {
  if (key_distance == 0) return list.size();  // key == self: every other node precedes it
  const auto it =
      std::partition_point(list.begin(), list.end(), [&](const ChordRef& r) { return distance(r) < key_distance; });
  return static_cast<std::size_t>(it - list.begin());
}

// Walks the candidates in routing order and returns the first one `accept` takes.
template <class Accept>
ChordRoute ChordTable::first_candidate(ChordId key, Accept&& accept) const noexcept {
  const auto succ = successors();
  const auto fing = fingers();
  if (succ.empty() && fing.empty()) {  // alone: every key is ours
    const ChordRoute self{ChordStep::done, m_self};
    return accept(self) ? self : ChordRoute{};
  }
  const ChordId key_distance = m_space.distance(m_self.id(), key);
  std::size_t i = count_preceding(succ, key_distance);
  std::size_t j = count_preceding(fing, key_distance);
  while (i > 0 || j > 0) {  // merge both lists backwards: closest to the key first
    ChordRoute c{ChordStep::next, {}};
    if (j == 0 || (i > 0 && distance(succ[i - 1]) >= distance(fing[j - 1]))) {
      c.node = succ[--i];
      if (j > 0 && fing[j - 1] == c.node) --j;
    } else {
      c.node = fing[--j];
    }
    if (accept(c)) return c;
  }
  if (succ.empty() || !m_space.in_half_open(key, m_self.id(), succ.back().id())) return ChordRoute{};
  for (std::size_t k = count_preceding(succ, key_distance); k < succ.size(); ++k) {
    const ChordRoute c{ChordStep::done, succ[k]};
    if (accept(c)) return c;
  }
  return ChordRoute{};
}

ChordRoute ChordTable::route(ChordId key) const noexcept {
  return first_candidate(key, [](const ChordRoute&) { return true; });
}

ChordRoute ChordTable::route_after(ChordId key, PeerId after) const noexcept {
  if (after == no_peer) return route(key);
  bool passed = false;
  const ChordRoute r = first_candidate(key, [&](const ChordRoute& c) {
    if (passed) return true;
    passed = c.node.peer == after;
    return false;
  });
  return passed ? r : route(key);
}

ChordRoute ChordTable::route_skipping(ChordId key, std::span<const PeerId> skip) const noexcept {
  return first_candidate(key, [skip](const ChordRoute& c) {
    return std::find(skip.begin(), skip.end(), c.node.peer) == skip.end();
  });
}

}  // namespace zonal
