#pragma once
/// Tunables of a peer; the same struct configures simulated and real peers. Its defaults are the
/// protocol's defaults (settings.hpp, the one source of ranges and defaults for both bodies).
#include <cstdint>

#include "zonal/settings.hpp"
#include "zonal/time.hpp"
#include "zonal/types.hpp"

namespace zonal {

struct PeerConfig {
  /// Query ids remembered for duplicate detection (they also expire after query_timeout_us).
  std::uint32_t seen_capacity = setting::seen_capacity.default_value;
  std::uint32_t publish_replicas = setting::publish_replicas.default_value;  ///< home-zone members that receive each record
  /// Rendezvous: a search for an existing name usually costs one message (docs/protocol.md,
  /// "Choosing the placement"); random entries flood the zone for almost every search.
  ZonePlacement zone_placement = ZonePlacement::rendezvous;
  ZoneEntry zone_entry = ZoneEntry::top;
  TimeUs query_timeout_us = setting::timeout_ms.default_value * 1000;  ///< origin stops collecting hits after this
  /// Longest walk accepted: walkers arriving with a longer TTL are cut to it, and searches
  /// started here too (a hostile TTL of 65535 would otherwise cost 65535 messages).
  std::uint16_t walk_ttl_hops_max = setting::walk_ttl.default_value;
  /// Walkers kept waiting here for their origin's answer at once; the oldest is dropped beyond it.
  std::uint32_t parked_walks_max = 4096;
  /// Lifetime of an index record kept for another peer, renewed by each Publish of its holder
  /// (expire_records() drops lapsed ones, republish() renews this peer's own); 0: records never
  /// lapse (the simulator's model). Real nodes set it from zones.record_ttl_ms.
  TimeUs record_ttl_us = 0;
  /// Peers created without a seed (Peer(id, const PeerConfig*), the simulator's) seed their
  /// random stream with mix64(rng_seed_base ^ id); peers given a seed ignore it.
  std::uint64_t rng_seed_base = 0;
};

/// Parameters of one search. Each strategy reads its own fields and ignores the others; ranges and
/// defaults are settings.hpp's.
struct SearchParams {
  std::uint8_t ttl_hops = setting::ttl.default_value;                  ///< flood TTL; expanding ring: last ring's TTL
  std::uint16_t walkers = setting::walkers.default_value;              ///< random walk: walkers sent by the origin
  std::uint16_t walk_ttl_hops = setting::walk_ttl.default_value;       ///< random walk: links one walker travels at most
  std::uint8_t walk_check_every = setting::check_every.default_value;  ///< random walk: hops between checks (0: never)
  std::uint8_t ring_ttl_start = setting::ring_start.default_value;     ///< expanding ring: TTL of the first ring
  std::uint8_t ring_ttl_step = setting::ring_step.default_value;       ///< expanding ring: TTL added per ring (0 means 1)
  TimeUs ring_wait_us = setting::ring_wait_ms.default_value * 1000;    ///< expanding ring: wait for a hit before the next ring
};

/// `params` within what the core runs: TTL at most ttl_hops_max, walk TTL at most the peer's
/// walk_ttl_hops_max. Peer::search() applies it; drivers call it before sizing a search's ids.
constexpr SearchParams bounded(SearchParams params, const PeerConfig& config) noexcept {
  if (params.ttl_hops > ttl_hops_max) params.ttl_hops = ttl_hops_max;
  if (params.walk_ttl_hops > config.walk_ttl_hops_max) params.walk_ttl_hops = config.walk_ttl_hops_max;
  return params;
}

}  // namespace zonal
