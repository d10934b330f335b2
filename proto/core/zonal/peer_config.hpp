#pragma once
/// Tunables of a peer; the same struct configures simulated and real peers, and its defaults are
/// the protocol's defaults in both bodies (the simulator's scenarios and the nodes' configuration
/// take theirs from here).
#include <cstdint>

#include "zonal/types.hpp"

namespace zonal {

/// How a searcher picks the home-zone member to contact, and how publishers pick record keepers.
enum class ZonePlacement : std::uint8_t {
  random = 0,      ///< uniform random member (the first seed's design); misses fall back to a zone flood
  rendezvous = 1,  ///< highest-random-weight members: the searcher contacts a record keeper directly
};

/// Which of a key's record keepers a rendezvous searcher contacts (ignored by random placement).
enum class ZoneEntry : std::uint8_t {
  top = 0,         ///< always the highest-scoring member: every search for a key meets the same member
  any_keeper = 1,  ///< per search, a uniform choice among the publish_replicas highest-scoring members
};

/// Scenario and configuration spelling of `p` ("random", "rendezvous").
constexpr const char* zone_placement_name(ZonePlacement p) noexcept {
  return p == ZonePlacement::rendezvous ? "rendezvous" : "random";
}

/// Scenario and configuration spelling of `e` ("top", "any-keeper").
constexpr const char* zone_entry_name(ZoneEntry e) noexcept { return e == ZoneEntry::any_keeper ? "any-keeper" : "top"; }

struct PeerConfig {
  std::uint32_t seen_capacity = 256;      ///< query ids remembered for duplicate detection (they also
                                          ///< expire after query_timeout_us)
  std::uint32_t publish_replicas = 2;     ///< home-zone members that receive each index record
  /// Rendezvous: a search for an existing name usually costs one message (docs/protocol.md,
  /// "Choosing the placement"); random entries flood the zone for almost every search.
  ZonePlacement zone_placement = ZonePlacement::rendezvous;
  ZoneEntry zone_entry = ZoneEntry::top;
  TimeUs query_timeout_us = 10'000'000;   ///< origin stops collecting hits after this
  TimeUs heartbeat_interval_us = 0;       ///< 0 disables heartbeats to the tracker
  /// Longest walk accepted: walkers arriving with a longer TTL are cut to it, and searches
  /// started here too (a hostile TTL of 65535 would otherwise cost 65535 messages).
  std::uint16_t walk_ttl_hops_max = 1024;
  /// Walkers kept waiting here for their origin's answer at once; the oldest is dropped beyond it.
  std::uint32_t parked_walks_max = 4096;
  /// Lifetime of an index record kept for another peer, renewed by each Publish of its holder
  /// (expire_records() drops lapsed ones, republish() renews this peer's own); 0: records never
  /// lapse (the simulator's model). Real nodes set it from zones.record_ttl_ms.
  TimeUs record_ttl_us = 0;
};

/// Parameters of one search. Each strategy reads its own fields and ignores the others.
struct SearchParams {
  std::uint8_t ttl_hops = ttl_hops_default;  ///< flood TTL, capped at ttl_hops_max; expanding ring: last ring's TTL
  std::uint16_t walkers = 16;                ///< random walk: walkers sent by the origin
  std::uint16_t walk_ttl_hops = 1024;        ///< random walk: links one walker travels at most
  std::uint8_t walk_check_every = 4;         ///< random walk: hops between checks with the origin (0: never)
  std::uint8_t ring_ttl_start = 1;           ///< expanding ring: TTL of the first ring
  std::uint8_t ring_ttl_step = 2;            ///< expanding ring: TTL added per ring (0 is treated as 1)
  TimeUs ring_wait_us = 1'000'000;           ///< expanding ring: wait for a hit before the next ring
};

}  // namespace zonal
