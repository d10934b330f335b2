#pragma once
/// Protocol messages as plain value types. proto/wire/zonal.proto mirrors them for the wire.
#include <cstddef>
#include <cstdint>
#include <span>
#include <variant>

#include "zonal/types.hpp"

namespace zonal {

/// Search strategies a query can carry; each has an entry in strategy.cpp's handler table and a
/// name in settings.hpp. `chord` searches run on ChordNode (chord_node.hpp), not on Peer:
/// Peer::search() refuses them.
enum class Strategy : std::uint8_t { flood = 0, zone_flood = 1, random_walk = 2, expanding_ring = 3, chord = 4 };

/// Number of Strategy values (for tables indexed by strategy).
inline constexpr std::size_t strategy_count = 5;

/// Which neighbour table a query copy travels on.
enum class Scope : std::uint8_t {
  overlay = 0,     ///< whole-network overlay (Gnutella flooding)
  zone = 1,        ///< only the zone's own links (zone flood)
  zone_entry = 2,  ///< the single hop from the searcher to one member of the home zone
};

/// A search request copy. `hops` counts links travelled so far (1 on the first link).
struct Query {
  QueryId query_id = 0;
  FileKey key = 0;
  PeerId origin = no_peer;
  std::uint8_t ttl_hops = ttl_hops_default;
  std::uint8_t hops = 1;
  Strategy strategy = Strategy::flood;
  Scope scope = Scope::overlay;
  bool operator==(const Query&) const = default;
};

/// An answer, routed back to the origin along the query's reverse path.
struct QueryHit {
  QueryId query_id = 0;        ///< the origin maps it back to the key it searched for
  PeerId holder = no_peer;     ///< a peer that has the file
  PeerId responder = no_peer;  ///< the peer that answered (holder itself, or an index record keeper)
  std::uint8_t hops = 0;       ///< hops of the query copy that reached the responder
  /// Relays still allowed on the way back: a relaying peer drops a hit that has none left.
  /// The responder sets hops - 1 (exactly the reverse path of a flood copy); this bounds hits
  /// on reverse paths that walkers re-created in a loop after a peer forgot a query.
  std::uint16_t relays_left = 0xFFFF;
  bool operator==(const QueryHit&) const = default;
};

/// Index publication: `holder` has the file `key`; sent to members of the file's home zone.
struct Publish {
  FileKey key = 0;
  PeerId holder = no_peer;
  bool operator==(const Publish&) const = default;
};

/// Peer -> tracker: join (the sender's id is the registrant).
struct Register {
  bool operator==(const Register&) const = default;
};
/// Peer -> tracker: still alive.
struct Heartbeat {
  bool operator==(const Heartbeat&) const = default;
};
/// Peer -> tracker: graceful departure.
struct Leave {
  bool operator==(const Leave&) const = default;
};

/// Tracker -> peer: your zone (sent on registration and whenever the tracker moves you).
struct ZoneAssignment {
  ZoneId zone = no_zone;
  std::uint32_t zone_count = 0;
  std::uint64_t epoch = 0;
  bool operator==(const ZoneAssignment&) const = default;
};

/// One random walker (Lv et al., ICS 2002): a query copy that travels to one neighbour per
/// step instead of all of them. `hops` counts links travelled so far (1 on the first link); the
/// walker stops after `ttl_hops` links. Every `check_every` hops (0: never) it asks the origin
/// whether to go on. The origin is not carried: it is `query_id >> 32` (see QueryId), which
/// keeps the walker at 24 bytes.
struct Walk {
  QueryId query_id = 0;
  FileKey key = 0;
  std::uint16_t hops = 1;
  std::uint16_t ttl_hops = 1024;
  std::uint8_t check_every = 4;
  bool operator==(const Walk&) const = default;
};

/// Walker's peer -> origin: may the walker of `query_id` (now at `hops`) go on?
struct WalkCheck {
  QueryId query_id = 0;
  std::uint16_t hops = 0;
  bool operator==(const WalkCheck&) const = default;
};

/// Origin -> walker's peer: the answer to one WalkCheck.
struct WalkCheckReply {
  QueryId query_id = 0;
  bool stop = false;  ///< the origin has a hit, or the query is over: the walker ends here
  bool operator==(const WalkCheckReply&) const = default;
};

/// Origin of a query id: Peer::search() builds ids as (origin << 32) | counter.
constexpr PeerId query_origin(QueryId id) noexcept { return static_cast<PeerId>(id >> 32); }

/// True for query ids no peer ever uses: 0 (the seen table's empty slot) and ids whose origin
/// part is no_peer. Peers drop messages carrying them; the wire decoder refuses them.
constexpr bool query_id_reserved(QueryId id) noexcept { return id == 0 || query_origin(id) == no_peer; }

using Message = std::variant<Query, QueryHit, Publish, Register, Heartbeat, Leave, ZoneAssignment, Walk, WalkCheck,
                             WalkCheckReply>;
static_assert(sizeof(Message) <= 32, "the simulator's events hold a Message: keep it at most 32 bytes");

/// One outgoing message produced by poll_transmit(): the driver delivers `msg` to `to`.
struct Transmit {
  PeerId to = no_peer;
  Message msg;
};

/// Several outgoing copies of one message produced by poll_transmit_batch(): the driver
/// delivers `*msg` to every peer in `to` except `except`, in order. Equivalent to the
/// poll_transmit() calls it replaces; lets drivers handle a broadcast in one step.
struct TransmitBatch {
  const Message* msg = nullptr;  ///< valid until the next call into the peer
  std::span<const PeerId> to;    ///< destinations in send order; may contain `except`
  PeerId except = no_peer;       ///< skip this destination (no_peer: skip none)
};

/// What handle_message() made of an incoming message; lets drivers count duplicates cheaply.
/// A `duplicate` or `dropped` arrival changes nothing and queues no transmit, event or timer,
/// so drivers may skip polling after it.
enum class Arrival : std::uint8_t {
  fresh,      ///< a query copy seen for the first time
  duplicate,  ///< a query copy whose id was already seen; dropped
  accepted,   ///< any other message that was processed
  dropped,    ///< a message that could not be used (e.g. a hit whose reverse path was forgotten)
  revisit,    ///< a walker at a peer it had visited before: processed (it may queue transmits),
              ///< drivers count it as a duplicate
};

}  // namespace zonal
