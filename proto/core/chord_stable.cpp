#include "zonal/chord_stable.hpp"

#include <algorithm>
#include <bit>

namespace zonal {

namespace {

bool by_id(const ChordRef& a, const ChordRef& b) noexcept {
  return a.id() != b.id() ? a.id() < b.id() : a.peer < b.peer;
}

bool id_below(const ChordRef& r, ChordId key) noexcept { return r.id() < key; }

// The first position of the sorted, non-empty `ring` whose id is >= key (ring.size() when none),
// as std::lower_bound finds it, but searched outwards from where evenly spread ids would put it:
// a few probes near the answer instead of a binary search touching the whole ring (ids are hash
// values, so the guess is close; any ring still gets the exact answer).
std::size_t first_at_or_after(std::span<const ChordRef> ring, ChordId key, ChordSpace space) noexcept {
  const std::size_t n = ring.size();
  const double share = static_cast<double>(key) / (static_cast<double>(space.mask()) + 1.0);
  const std::size_t guess = std::min(n - 1, static_cast<std::size_t>(share * static_cast<double>(n)));
  std::size_t lo = 0;
  std::size_t hi = n;  // the answer lies in [lo, hi]
  if (ring[guess].id() < key) {
    lo = guess + 1;
    for (std::size_t step = 1; lo + step - 1 < n; step *= 2) {
      const std::size_t probe = lo + step - 1;
      if (ring[probe].id() >= key) {
        hi = probe;
        break;
      }
      lo = probe + 1;
    }
  } else {
    hi = guess;
    for (std::size_t step = 1; step <= guess; step *= 2) {
      const std::size_t probe = guess - step;
      if (ring[probe].id() < key) {
        lo = probe + 1;
        break;
      }
      hi = probe;
    }
  }
  return static_cast<std::size_t>(std::lower_bound(ring.begin() + lo, ring.begin() + hi, key, id_below) - ring.begin());
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
    const std::size_t at = first_at_or_after(ring, space.finger_start(self.id(), k), space);
    const ChordRef f = at == ring.size() ? ring.front() : ring[at];  // chord_ring_successor
    if (f.peer == self.peer) break;  // every later start lies between here and us as well
    fingers.push_back(f);
    const unsigned width = static_cast<unsigned>(std::bit_width(space.distance(self.id(), f.id())));
    k = std::max(k + 1, width + 1);  // fingers k' with 2^(k'-1) <= distance(f) are f too
  }
  return fingers;
}

}  // namespace zonal
