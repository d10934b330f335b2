#pragma once
/// Events a Chord node reports to its driver through ChordNode::poll_event().
#include <array>
#include <cstdint>
#include <variant>

#include "zonal/chord_config.hpp"
#include "zonal/chord_message.hpp"

namespace zonal {

/// The command a ChordLookupDone finishes.
enum class ChordOp : std::uint8_t { lookup = 0, find = 1, store = 2 };

/// How a lookup ended.
enum class ChordStatus : std::uint8_t {
  ok = 0,          ///< the key's successor was found (and, for find/store, contacted)
  no_route = 1,    ///< every candidate was dead or useless, or too many detours
  hop_limit = 2,   ///< more than hops_max nodes visited (a loop in a broken ring)
  timeout = 3,     ///< recursive: no result within lookup_attempts attempts
  not_member = 4,  ///< the node is not (or no longer) part of a ring
};

/// A lookup(), find() or store() finished.
struct ChordLookupDone {
  ChordLookupId lookup_id = 0;
  ChordOp op = ChordOp::lookup;
  ChordStatus status = ChordStatus::ok;
  ChordLookupMode mode = ChordLookupMode::iterative;
  ChordId key = 0;
  FileKey file = 0;       ///< find/store only
  ChordRef successor;     ///< the key's successor (invalid unless ok)
  std::uint16_t hops = 0;      ///< path length: nodes asked (or visited) up to the one that named the successor
  std::uint32_t messages = 0;  ///< every message of this lookup, fetch and store included
  std::uint32_t holders = 0;   ///< find: holders the successor knows (up to 3 are listed)
  std::array<PeerId, 3> holder{no_peer, no_peer, no_peer};
  TimeUs elapsed_us = 0;  ///< since the command
};

/// join() succeeded (or create() made a one-node ring): `successor` is the first successor.
struct ChordJoined {
  ChordRef successor;
};

/// join() failed, or a member lost every node it knew (its only successor died before it learnt
/// others): the node is idle again; the driver may (re)join through another member.
struct ChordJoinFailed {
  const char* reason;     ///< "no route", "id taken", "id collision", "hop limit", "timeout", "ring lost"
  bool id_taken = false;  ///< another ring member holds this node's id: set_id() the next draw, then join again
};

/// leave() finished: the node handed its records on and stopped.
struct ChordLeft {};

/// The node's first successor changed (stabilization, repair, join of a closer node).
struct ChordSuccessorChanged {
  ChordRef successor;
};

/// The node's predecessor changed; invalid when it was found dead.
struct ChordPredecessorChanged {
  ChordRef predecessor;
};

using ChordEvent = std::variant<ChordLookupDone, ChordJoined, ChordJoinFailed, ChordLeft, ChordSuccessorChanged,
                                ChordPredecessorChanged>;

}  // namespace zonal
