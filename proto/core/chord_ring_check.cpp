#include "zonal/chord_ring_check.hpp"

#include <algorithm>

#include "zonal/chord_stable.hpp"

namespace zonal {

namespace {

const char* kind_name(ChordViolationKind kind) noexcept {
  switch (kind) {
    case ChordViolationKind::successor: return "successor";
    case ChordViolationKind::predecessor: return "predecessor";
    case ChordViolationKind::successor_list: return "successor list";
    case ChordViolationKind::duplicate_id: return "duplicate id";
  }
  return "?";
}

std::string ref_text(const ChordRef& r) {
  return r.valid() ? std::to_string(r.peer) + "@" + std::to_string(r.id()) : std::string("none");
}

// The first wrong position of `view.successors` against the next live nodes, if any.
void check_list(const ChordNodeView& view, std::span<const ChordRef> ring, std::size_t at, std::size_t expected_size,
                std::vector<ChordViolation>& out) {
  const std::size_t n = ring.size();
  const std::size_t size = std::max(expected_size, view.successors.size());
  for (std::size_t k = 0; k < size; ++k) {
    const ChordRef expected = k < expected_size ? ring[(at + 1 + k) % n] : ChordRef{};
    const ChordRef actual = k < view.successors.size() ? view.successors[k] : ChordRef{};
    if (expected == actual) continue;
    out.push_back(ChordViolation{ChordViolationKind::successor_list, view.self.peer, static_cast<std::uint32_t>(k),
                                 expected, actual});
    return;
  }
}

}  // namespace

std::vector<ChordViolation> check_ring(std::span<const ChordNodeView> nodes, std::uint8_t successors_max) {
  std::vector<ChordRef> live;
  for (const auto& v : nodes)
    if (v.live) live.push_back(v.self);
  const std::vector<ChordRef> ring = chord_sorted_ring(live);
  std::vector<ChordViolation> out;
  for (std::size_t i = 1; i < ring.size(); ++i)
    if (ring[i].id() == ring[i - 1].id())
      out.push_back(ChordViolation{ChordViolationKind::duplicate_id, ring[i].peer, 0, ring[i - 1], ring[i]});
  const std::size_t n = ring.size();
  const std::size_t list_size = n == 0 ? 0 : std::min<std::size_t>(successors_max, n - 1);
  for (const auto& v : nodes) {
    if (!v.live) continue;
    const std::size_t at = chord_ring_index(ring, v.self);
    const ChordRef next = n > 1 ? ring[(at + 1) % n] : v.self;
    const ChordRef successor = v.successors.empty() ? v.self : v.successors.front();
    if (successor != next) out.push_back(ChordViolation{ChordViolationKind::successor, v.self.peer, 0, next, successor});
    const ChordRef previous = n > 1 ? ring[(at + n - 1) % n] : ChordRef{};
    if (v.predecessor != previous)
      out.push_back(ChordViolation{ChordViolationKind::predecessor, v.self.peer, 0, previous, v.predecessor});
    check_list(v, ring, at, list_size, out);
  }
  return out;
}

std::string describe(const ChordViolation& v) {
  std::string s = std::string(kind_name(v.kind)) + " of peer " + std::to_string(v.peer);
  if (v.kind == ChordViolationKind::successor_list) s += " at " + std::to_string(v.index);
  return s + ": expected " + ref_text(v.expected) + ", got " + ref_text(v.actual);
}

}  // namespace zonal
