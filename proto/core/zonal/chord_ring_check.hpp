#pragma once
/// Ring-correctness checker over the nodes' own views: after stabilization every live node's
/// successor is the next live id, its predecessor the previous one, and its successor list the
/// next r live nodes. For tests now and the simulator later.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "zonal/chord_node.hpp"

namespace zonal {

enum class ChordViolationKind : std::uint8_t {
  successor,       ///< successor is not the next live id
  predecessor,     ///< predecessor is not the previous live id
  successor_list,  ///< an entry of the successor list is not the live node expected there
  duplicate_id,    ///< two live nodes share an id (the ring is ambiguous)
};

struct ChordViolation {
  ChordViolationKind kind = ChordViolationKind::successor;
  PeerId peer = no_peer;   ///< the node whose view is wrong
  std::uint32_t index = 0; ///< successor_list: the first wrong position
  ChordRef expected;       ///< invalid when nothing was expected (list too long)
  ChordRef actual;         ///< invalid when missing
};

/// Every violation in the views of the live nodes (dead ones are only absent from the expected
/// ring). `successors_max` is the configured r. Empty when the ring is correct.
std::vector<ChordViolation> check_ring(std::span<const ChordNodeView> nodes, std::uint8_t successors_max);

/// One line describing `v`, for test failure messages and logs.
std::string describe(const ChordViolation& v);

}  // namespace zonal
