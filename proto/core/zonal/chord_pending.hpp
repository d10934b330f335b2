#pragma once
/// ChordNode's in-flight state: outstanding requests, lookups it originated, forwards awaiting
/// acknowledgement, and a successor list being received. Allocated only while something is in
/// flight, so idle nodes of a big ring pay one pointer for it.
#include <array>
#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "zonal/chord_config.hpp"
#include "zonal/chord_event.hpp"
#include "zonal/chord_message.hpp"

namespace zonal {

inline constexpr TimeUs chord_never = std::numeric_limits<TimeUs>::max();

/// What an outstanding request is for.
enum class ChordRpcKind : std::uint8_t { find_step, fetch, stabilize, ping };

/// A request awaiting its reply; resent on timeout while retries are left.
struct ChordPendingRpc {
  ChordRpcId rpc = 0;
  ChordRpcKind kind = ChordRpcKind::ping;
  std::uint8_t retries_left = 0;
  std::uint32_t lookup_serial = 0;  ///< find_step / fetch: the lookup it serves
  ChordRef target;  ///< find_step: a "next" answer must lie in (target.id(), key)
  TimeUs deadline_us = 0;
  ChordMessage msg;  ///< as sent, for resending
};

/// Why this node runs a lookup.
enum class ChordPurpose : std::uint8_t { lookup, find, store, join, fix_finger };

enum class ChordPhase : std::uint8_t {
  routing,          ///< looking for the key's successor
  awaiting_result,  ///< recursive: first hop acknowledged, waiting for the ChordLookupResult
  fetching,         ///< find: asking the successor for the holders
};

/// A lookup this node originated.
struct ChordLookupState {
  std::uint32_t serial = 0;  ///< node-local handle (lookup ids come from the caller and may repeat)
  ChordLookupId lookup_id = 0;
  ChordPurpose purpose = ChordPurpose::lookup;
  ChordLookupMode mode = ChordLookupMode::iterative;
  ChordPhase phase = ChordPhase::routing;
  std::uint8_t finger_index = 0;  ///< fix_finger: which finger
  std::uint8_t detours = 0;  ///< dead or useless candidates routed around
  std::uint8_t skips = 0;    ///< candidates named again after they were excluded
  std::uint8_t attempts = 0;  ///< recursive attempts started after the first
  bool reasking = false;      ///< the outstanding request re-asks `answerer` (no new hop)
  bool stepwise = false;      ///< routed iteratively now (iterative mode, or a recursive route that died out)
  std::uint16_t hops = 0;
  std::uint32_t messages = 0;
  std::uint32_t nonce = 0;
  PeerId holder = no_peer;  ///< store: the record's holder
  ChordId key = 0;
  FileKey file = 0;
  /// The node that named the current candidate, re-asked for the candidate after it when it
  /// fails (self for local steps; invalid for the join's bootstrap). Its id is the floor its
  /// "next" answers must exceed: its own id, or ours when it answered a recursive lookup.
  ChordRef answerer;
  ChordRef successor;
  /// The last nodes this lookup found dead or unable to help (ring buffer): never asked again.
  std::array<PeerId, 8> excluded{};
  std::uint8_t excluded_count = 0;  ///< entries in use (at most excluded.size())
  std::uint8_t excluded_next = 0;   ///< where the next one goes
  std::uint32_t holders_total = 0;
  std::array<PeerId, 3> holders{no_peer, no_peer, no_peer};
  TimeUs started_us = 0;
  TimeUs deadline_us = chord_never;  ///< recursive: when the current attempt is given up
};

/// A recursive forward awaiting the next hop's acknowledgement.
struct ChordPendingForward {
  ChordForward msg;  ///< as sent
  ChordRef to;
  std::uint8_t retries_left = 0;
  std::uint32_t own_serial = 0;  ///< the lookup when this node is its origin, else 0
  TimeUs deadline_us = 0;
};

/// A successor list arriving as ChordSuccessorEntry messages after a ChordStabilizeReply.
struct ChordListTransfer {
  ChordRpcId rpc = 0;
  ChordRef successor;  ///< the sender: the list is [successor] + entries
  std::uint8_t count = 0;
  std::uint32_t received_mask = 0;
  TimeUs deadline_us = 0;
  std::array<ChordRef, chord_successors_limit - 1> entries{};
};

/// Everything in flight, plus the output queues.
struct ChordActive {
  std::vector<ChordTransmit> transmits;
  std::size_t transmits_head = 0;
  std::vector<ChordEvent> events;
  std::size_t events_head = 0;
  std::vector<ChordPendingRpc> rpcs;
  std::vector<ChordLookupState> lookups;
  std::vector<ChordPendingForward> forwards;
  std::unique_ptr<ChordListTransfer> transfer;

  /// The first entry of `list` whose deadline has passed, or nullptr; call to take expired
  /// entries one at a time (handling one may add or remove others).
  template <class T>
  T* first_due(std::vector<T> ChordActive::*list, TimeUs now) noexcept {
    for (T& item : this->*list)
      if (item.deadline_us <= now) return &item;
    return nullptr;
  }

  /// True when nothing is queued or in flight: the node may free this state.
  bool idle() const noexcept {
    return transmits_head == transmits.size() && events_head == events.size() && rpcs.empty() && lookups.empty() &&
           forwards.empty() && !transfer;
  }
};

}  // namespace zonal
