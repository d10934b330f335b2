#pragma once
/// Exact Chord state computed from a known set of live nodes: what a ring converges to after
/// stabilization. Used to start big stable rings without simulating joins, and by tests.
#include <cstddef>
#include <span>
#include <vector>

#include "zonal/chord_id.hpp"

namespace zonal {

/// `nodes` sorted by id (ties by peer); call once to build the `ring` the functions below take.
std::vector<ChordRef> chord_sorted_ring(std::span<const ChordRef> nodes);

/// Position of `node` in the sorted `ring`, or ring.size() when it is not there.
std::size_t chord_ring_index(std::span<const ChordRef> ring, ChordRef node) noexcept;

/// The true successor of `key` in the sorted, non-empty `ring`: the first node with id >= key,
/// wrapping to the first node.
ChordRef chord_ring_successor(std::span<const ChordRef> ring, ChordId key) noexcept;

/// The exact distinct fingers of ring[index] (finger k = successor(id + 2^(k-1)) for k = 1..m),
/// in clockwise order, without the node itself: what ChordTable::fingers() holds once converged.
/// Costs one search per distinct finger, near where evenly spread ids would put it.
std::vector<ChordRef> chord_exact_fingers(std::span<const ChordRef> ring, std::size_t index, ChordSpace space);

}  // namespace zonal
