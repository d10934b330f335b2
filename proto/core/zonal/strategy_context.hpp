#pragma once
/// What a search strategy may do at a peer: the narrow interface strategy handlers
/// (strategy.cpp, strategy_walk.cpp, strategy_ring.cpp) get instead of the Peer itself. The peer
/// builds one on the stack for each call into a handler; drivers never see it.
#include <optional>
#include <span>

#include "zonal/peer.hpp"

namespace zonal {

class StrategyContext {
 public:
  explicit StrategyContext(Peer& peer) noexcept : m_peer(peer) {}

  // ---- what the strategy reads -----------------------------------------------------------
  PeerId id() const noexcept { return m_peer.id(); }
  ZoneId zone() const noexcept { return m_peer.zone(); }
  std::span<const PeerId> overlay_neighbours() const noexcept { return m_peer.overlay_neighbours(); }
  const FileIndex& index() const noexcept { return m_peer.index(); }
  const ZoneDirectory* directory() const noexcept { return m_peer.directory(); }
  const PeerConfig& config() const noexcept { return m_peer.config(); }
  /// The next draw of this peer's random stream: uniform in [0, bound), bound > 0.
  std::uint32_t random_below(std::uint32_t bound) { return m_peer.random_below(bound); }
  /// The open search owning query id `id` (any of its ids), or nullptr.
  OpenSearch* find_search(QueryId id) noexcept { return m_peer.find_search(id); }

  // ---- what the strategy does ------------------------------------------------------------
  /// Reply with a QueryHit along the reverse path when this peer knows a holder of q.key.
  bool answer(PeerId from, const Query& q) { return m_peer.answer(from, q); }
  /// Like answer(), for any message kind that searches `key` under `query_id` (walkers).
  /// `hops` is reported to the origin; `relays` is the hit's relay budget (hops - 1 for a flood copy).
  bool answer_key(PeerId from, QueryId query_id, FileKey key, std::uint8_t hops, std::uint16_t relays) {
    return m_peer.answer_key(from, query_id, key, hops, relays);
  }
  /// Forward `q` with one less TTL to the neighbours of its scope, except `from`, if TTL remains.
  void forward(PeerId from, const Query& q) { m_peer.forward(from, q); }
  /// Record a hit found locally by the origin itself (hops 0).
  void local_hit(TimeUs now, QueryId id, FileKey key, PeerId holder) { m_peer.local_hit(now, id, key, holder); }
  /// Queue one message.
  void send(PeerId to, const Message& msg) { m_peer.send(to, msg); }
  /// Report that a search could not start (ends it).
  void fail_search(QueryId id, const char* reason) { m_peer.fail_search(id, reason); }
  /// Pick the home-zone member to contact for `key`; no_peer if none.
  PeerId pick_zone_member(ZoneId zone, FileKey key) { return m_peer.pick_zone_member(zone, key); }
  /// Remember `id` as seen, with `from` as its reverse-path hop (no_peer at the origin).
  void mark_seen(TimeUs now, QueryId id, PeerId from) { m_peer.mark_seen(now, id, from); }
  /// Keep `walk` (arrived from `from`) until the origin answers its check; forgets walkers
  /// parked longer than the query timeout (their answer was lost).
  void park_walk(TimeUs now, PeerId from, const Walk& walk) { m_peer.park_walk(now, from, walk); }
  /// Take the oldest walker of `query_id` parked here, if any; call when its answer arrives.
  std::optional<ParkedWalk> unpark_walk(QueryId query_id) { return m_peer.unpark_walk(query_id); }

 private:
  Peer& m_peer;
};

}  // namespace zonal
