#pragma once
/// Chord protocol messages as plain value types. Every struct is trivially copyable and at most
/// 24 bytes (4-byte aligned), so phase 2 can add them as alternatives of zonal::Message without
/// growing it past 32 bytes. docs/protocol.md ("Chord") describes the exchanges.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <type_traits>
#include <variant>

#include "zonal/chord_id.hpp"

namespace zonal {

using ChordLookupId = std::uint32_t;  ///< chosen by the caller of a command; 0 = maintenance (no search)
using ChordRpcId = std::uint32_t;     ///< per-node request counter; matches replies to requests

/// What a node answers about a key.
enum class ChordStep : std::uint8_t {
  next = 0,  ///< `node` precedes the key and is closer to it: ask it next
  done = 1,  ///< `node` is the key's successor (as far as the answering node knows)
  none = 2,  ///< no (further) candidate: the answering node cannot help
};

/// Why a record travels.
enum class ChordStoreKind : std::uint8_t {
  primary = 0,   ///< store(): the key's successor indexes it and, with replication, copies it on
  replica = 1,   ///< a copy for one of the successor's successors
  transfer = 2,  ///< handed over on join (to the new predecessor) or graceful leave (to the successor)
};

/// Which neighbour a departing node is telling.
enum class ChordLeaveKind : std::uint8_t {
  to_successor = 0,    ///< `ref` is the leaver's predecessor: the receiver's new predecessor
  to_predecessor = 1,  ///< `ref` is the leaver's last successor: appended to the receiver's list
};

// ---- lookups, iterative -----------------------------------------------------------------

/// "Who succeeds `key`?" The receiver answers from its fingers and successor list. With `after`
/// set, it names the candidate that follows `after` in its routing order instead (`after`, which
/// it named before, turned out dead or useless), or its best one if it has dropped `after`.
/// Origin = sender.
struct ChordFindSuccessor {
  ChordRpcId rpc = 0;
  ChordLookupId lookup = 0;
  ChordPackedId key;
  PeerId after = no_peer;
  bool operator==(const ChordFindSuccessor&) const = default;
};

/// Answer to ChordFindSuccessor. Origin = receiver.
struct ChordFindSuccessorReply {
  ChordRpcId rpc = 0;
  ChordLookupId lookup = 0;
  ChordRef node;
  ChordStep step = ChordStep::none;
  bool operator==(const ChordFindSuccessorReply&) const = default;
};

// ---- lookups, recursive -----------------------------------------------------------------

/// A recursive lookup forwarded hop by hop. `hops` counts nodes visited including the receiver;
/// `messages` counts this lookup's messages sent so far, this one included.
struct ChordForward {
  ChordLookupId lookup = 0;
  std::uint32_t nonce = 0;  ///< the origin's attempt number: results of abandoned attempts are dropped
  ChordPackedId key;
  PeerId origin = no_peer;
  std::uint16_t messages = 0;
  std::uint8_t hops = 0;
  bool operator==(const ChordForward&) const = default;
};

/// Per-hop acknowledgement of a ChordForward: the sender learns the next hop is alive.
struct ChordForwardAck {
  ChordLookupId lookup = 0;
  std::uint32_t nonce = 0;
  PeerId origin = no_peer;
  std::uint8_t hops = 0;  ///< copied from the acknowledged forward
  bool operator==(const ChordForwardAck&) const = default;
};

/// The end of a recursive lookup, sent by the key's predecessor straight to the origin.
struct ChordLookupResult {
  ChordLookupId lookup = 0;
  std::uint32_t nonce = 0;
  ChordRef successor;
  std::uint16_t messages = 0;  ///< lookup messages so far, this one included
  std::uint8_t hops = 0;
  ChordStep step = ChordStep::done;  ///< done, or none when the route died out
  bool operator==(const ChordLookupResult&) const = default;
};

// ---- records ----------------------------------------------------------------------------

/// Fetch the holders of `file` from the key's successor (the second half of find()). Origin = sender.
struct ChordFetch {
  ChordRpcId rpc = 0;
  ChordLookupId lookup = 0;
  ChordPackedId file;
  bool operator==(const ChordFetch&) const = default;
};

/// Up to three holders (lowest PeerIds first) and how many the responder knows. Origin = receiver.
struct ChordFetchReply {
  ChordRpcId rpc = 0;
  ChordLookupId lookup = 0;
  std::array<PeerId, 3> holders{no_peer, no_peer, no_peer};
  std::uint16_t total = 0;  ///< saturates at 65,535
  bool operator==(const ChordFetchReply&) const = default;
};

/// Index record "holder has file". Origin = `origin` (no_peer for transfers).
struct ChordStore {
  ChordPackedId file;
  PeerId holder = no_peer;
  ChordLookupId lookup = 0;
  PeerId origin = no_peer;
  ChordStoreKind kind = ChordStoreKind::primary;
  bool operator==(const ChordStore&) const = default;
};

// ---- maintenance ------------------------------------------------------------------------

/// Periodic stabilization to the successor, with the paper's notify piggybacked (`sender`).
/// `list_digest` is chord_list_digest() of the sender's successor list after its first entry:
/// when it matches, the successor does not resend its list.
struct ChordStabilize {
  ChordRpcId rpc = 0;
  std::uint32_t list_digest = 0;
  ChordRef sender;
  bool operator==(const ChordStabilize&) const = default;
};

/// The successor's predecessor, and how many ChordSuccessorEntry messages follow.
struct ChordStabilizeReply {
  ChordRpcId rpc = 0;
  ChordRef predecessor;      ///< invalid when the successor knows none
  std::uint8_t entries = 0;  ///< successor-list entries that follow (when !list_unchanged)
  bool list_unchanged = false;
  bool operator==(const ChordStabilizeReply&) const = default;
};

/// One entry of the successor's successor list (index 0 = its successor).
struct ChordSuccessorEntry {
  ChordRpcId rpc = 0;
  ChordRef entry;
  std::uint8_t index = 0;
  std::uint8_t count = 0;
  bool operator==(const ChordSuccessorEntry&) const = default;
};

/// check_predecessor probe and its answer.
struct ChordPing {
  ChordRpcId rpc = 0;
  bool operator==(const ChordPing&) const = default;
};
struct ChordPong {
  ChordRpcId rpc = 0;
  bool operator==(const ChordPong&) const = default;
};

/// Graceful departure, sent to the leaver's successor and predecessor.
struct ChordLeaveNotice {
  ChordRef ref;
  ChordLeaveKind kind = ChordLeaveKind::to_successor;
  bool operator==(const ChordLeaveNotice&) const = default;
};

using ChordMessage =
    std::variant<ChordFindSuccessor, ChordFindSuccessorReply, ChordForward, ChordForwardAck, ChordLookupResult,
                 ChordFetch, ChordFetchReply, ChordStore, ChordStabilize, ChordStabilizeReply, ChordSuccessorEntry,
                 ChordPing, ChordPong, ChordLeaveNotice>;

/// One outgoing message produced by ChordNode::poll_transmit(): the driver delivers `msg` to `to`.
struct ChordTransmit {
  PeerId to = no_peer;
  ChordMessage msg;
};

/// The search a message belongs to: (origin << 32) | lookup is the zonal QueryId of that search.
struct ChordLookupTag {
  PeerId origin = no_peer;
  ChordLookupId lookup = 0;
  bool operator==(const ChordLookupTag&) const = default;
};

/// The search `msg` (sent from `from` to `to`) belongs to, or nullopt for maintenance traffic
/// and lookup id 0. Call for every transmitted message to attribute it to a search.
std::optional<ChordLookupTag> chord_lookup_tag(PeerId from, PeerId to, const ChordMessage& msg) noexcept;

/// Digest of a successor list (ids, peers and length, through mix64), as carried by
/// ChordStabilize: the sender hashes its list after the first entry, the successor hashes the
/// list it would send back. Call when building or answering a ChordStabilize.
std::uint32_t chord_list_digest(std::span<const ChordRef> list) noexcept;

namespace detail {
template <class V>
struct ChordFitsEvent;
template <class... M>
struct ChordFitsEvent<std::variant<M...>> {
  static constexpr bool value =
      ((sizeof(M) <= 24 && alignof(M) <= 8 && std::is_trivially_copyable_v<M>) && ...);
};
}  // namespace detail

static_assert(detail::ChordFitsEvent<ChordMessage>::value,
              "every Chord message must be trivially copyable and at most 24 bytes");
static_assert(sizeof(ChordRef) == 12 && alignof(ChordRef) == 4, "node references are 12 bytes");

}  // namespace zonal
