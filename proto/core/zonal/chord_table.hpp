#pragma once
/// A Chord node's routing state: predecessor, successor list and distinct fingers, plus the
/// routing decision made from them. Pure data structure: no messages, no time.
#include <cstdint>
#include <span>
#include <vector>

#include "zonal/chord_config.hpp"
#include "zonal/chord_id.hpp"
#include "zonal/chord_message.hpp"

namespace zonal {

/// Where a lookup for a key goes next, from one node's point of view.
struct ChordRoute {
  ChordStep step = ChordStep::none;
  ChordRef node;
};

/// Successors and fingers live in one vector (successors first), sorted by clockwise distance
/// from the node; the node itself never appears. Fingers are stored once per distinct node:
/// finger k is the first stored finger at distance >= 2^(k-1), so each stored finger is
/// strictly further in bit width than the one before it (about log2 N entries, not m).
class ChordTable {
 public:
  ChordTable() = default;
  /// An empty table for `self`: no predecessor, successor = self.
  ChordTable(ChordRef self, ChordSpace space, std::uint8_t successors_max);

  ChordRef self() const noexcept { return m_self; }
  const ChordSpace& space() const noexcept { return m_space; }

  // ---- predecessor ----------------------------------------------------------------------
  ChordRef predecessor() const noexcept { return m_predecessor; }
  /// Set (or, with ChordRef{}, clear) the predecessor; call on notify, leave or a failed check.
  void set_predecessor(ChordRef p) noexcept { m_predecessor = p; }

  // ---- successors -----------------------------------------------------------------------
  std::span<const ChordRef> successors() const noexcept { return {m_refs.data(), m_successor_count}; }
  /// The first successor, or self when the list is empty (alone on the ring).
  ChordRef successor() const noexcept { return m_successor_count > 0 ? m_refs.front() : m_self; }
  std::uint8_t successors_max() const noexcept { return m_successors_max; }
  /// Replace the list with `list` (ring order from self): stops at self, skips invalid or
  /// out-of-order entries and duplicates, keeps at most successors_max. Call after stabilization.
  void set_successors(std::span<const ChordRef> list);
  /// Put `s` first and keep the old entries beyond it; call when a closer successor is learned.
  void adopt_successor(ChordRef s);
  /// Append `s` when it lies beyond the last successor and the list has room (graceful leave).
  void append_successor(ChordRef s);

  // ---- fingers --------------------------------------------------------------------------
  std::span<const ChordRef> fingers() const noexcept {
    return {m_refs.data() + m_successor_count, m_refs.size() - m_successor_count};
  }
  /// Finger k (1-based, k <= m): the first stored finger at distance >= 2^(k-1), or self.
  ChordRef finger(unsigned k) const noexcept;
  /// Record that finger k is `f` (a lookup for finger_start(k) answered f): drops fingers in
  /// [start, f) (the lookup shows they are gone) and fingers made redundant. Answers that
  /// precede the start are ignored. Call when a fix_fingers lookup ends.
  void set_finger(unsigned k, ChordRef f);
  /// Index of the first finger whose start lies beyond `node` (m + 1 when none); call to skip
  /// the fingers a fix_fingers answer already settled.
  unsigned finger_after(ChordRef node) const noexcept;

  // ---- changes ------------------------------------------------------------------------
  /// Forget `peer` everywhere (it timed out or left); true when anything changed.
  bool remove(PeerId peer);
  /// True when `peer` is the predecessor, a successor or a finger.
  bool knows(PeerId peer) const noexcept;
  /// Replace everything at once (stable-ring installation); inputs must already be exact.
  void install(ChordRef predecessor, std::span<const ChordRef> successors, std::span<const ChordRef> fingers);
  /// Drop all routing state (after leave()).
  void clear() noexcept;

  // ---- routing --------------------------------------------------------------------------
  /// The paper's find_successor step for `key`: the successor when `key` lies in
  /// (self, successor], else the closest preceding known node. In general the first of the
  /// routing candidates: the known nodes in (self, key), closest to the key first ("next"), then,
  /// when the successor list reaches the key, the successors at or after it ("done"); "none"
  /// when there is none.
  ChordRoute route(ChordId key) const noexcept;
  /// The candidate that follows `after` in that order (`after` turned out dead or useless), or
  /// the first one when `after` is not a candidate any more (this table has dropped it).
  /// Answers a ChordFindSuccessor whose `after` is set.
  ChordRoute route_after(ChordId key, PeerId after) const noexcept;
  /// The first candidate whose peer is not in `skip`; call to route around known-dead nodes.
  ChordRoute route_skipping(ChordId key, std::span<const PeerId> skip) const noexcept;

  /// Heap bytes held (the single vector's capacity).
  std::size_t heap_bytes() const noexcept { return m_refs.capacity() * sizeof(ChordRef); }

 private:
  ChordId distance(const ChordRef& r) const noexcept { return m_space.distance(m_self.id(), r.id()); }
  void insert_finger(ChordRef f);
  void prune_fingers();
  std::size_t count_preceding(std::span<const ChordRef> list, ChordId key_distance) const noexcept;
  template <class Accept>
  ChordRoute first_candidate(ChordId key, Accept&& accept) const noexcept;

  std::vector<ChordRef> m_refs;  // successors, then fingers; one allocation
  ChordSpace m_space;
  ChordRef m_self;
  ChordRef m_predecessor;
  std::uint8_t m_successor_count = 0;
  std::uint8_t m_successors_max = 1;
};

}  // namespace zonal
