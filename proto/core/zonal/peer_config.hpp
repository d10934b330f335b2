#pragma once
/// Tunables of a peer; the same struct configures simulated and real peers.
#include <cstdint>

#include "zonal/types.hpp"

namespace zonal {

/// How a searcher picks the home-zone member to contact, and how publishers pick record keepers.
enum class ZonePlacement : std::uint8_t {
  random = 0,      ///< uniform random member (the first seed's design); misses fall back to a zone flood
  rendezvous = 1,  ///< highest-random-weight members: the searcher contacts a record keeper directly
};

struct PeerConfig {
  std::uint32_t seen_capacity = 256;      ///< query ids remembered for duplicate detection (they also
                                          ///< expire after query_timeout_us)
  std::uint32_t publish_replicas = 1;     ///< home-zone members that receive each index record
  ZonePlacement zone_placement = ZonePlacement::random;
  TimeUs query_timeout_us = 10'000'000;   ///< origin stops collecting hits after this
  TimeUs heartbeat_interval_us = 0;       ///< 0 disables heartbeats to the tracker
};

/// Parameters of one search.
struct SearchParams {
  std::uint8_t ttl_hops = ttl_hops_default;  ///< capped at ttl_hops_max
};

}  // namespace zonal
