#include "zonal/chord_stable.hpp"

#include <algorithm>
#include <bit>

namespace zonal {

namespace {

bool by_id(const ChordRef& a, const ChordRef& b) noexcept {
  return a.id() != b.id() ? a.id() < b.id() : a.peer < b.peer;
}

}  // namespace

std::vector<ChordRef> chord_sorted_ring(std::span<const ChordRef> nodes) {
  std::vector<ChordRef> ring(nodes.begin(), nodes.end());
  std::sort(ring.begin(), ring.end(), by_id);
  return ring;
}

std::size_t chord_ring_index(std::span<const ChordRef> ring, ChordRef node) noexcept {
  const auto it = std::lower_bound(ring.begin(), ring.end(), node, by_id);
  return it != ring.end() && *it == node ? static_cast<std::size_t>(it - ring.begin()) : ring.size();
}

ChordRef chord_ring_successor(std::span<const ChordRef> ring, ChordId key) noexcept {
  const auto it =
      std::lower_bound(ring.begin(), ring.end(), key, [](const ChordRef& r, ChordId k) { return r.id() < k; });
  return it == ring.end() ? ring.front() : *it;
}

std::vector<ChordRef> chord_exact_fingers(std::span<const ChordRef> ring, std::size_t index, ChordSpace space) {
  std::vector<ChordRef> fingers;
  if (index >= ring.size()) return fingers;
  const ChordRef self = ring[index];
  for (unsigned k = 1; k <= space.bits();) {
    const ChordRef f = chord_ring_successor(ring, space.finger_start(self.id(), k));
    if (f.peer == self.peer) break;  // every later start lies between here and us as well
    fingers.push_back(f);
    const unsigned width = static_cast<unsigned>(std::bit_width(space.distance(self.id(), f.id())));
    k = std::max(k + 1, width + 1);  // fingers k' with 2^(k'-1) <= distance(f) are f too
  }
  return fingers;
}

}  // namespace zonal
