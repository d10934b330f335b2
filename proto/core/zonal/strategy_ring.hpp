#pragma once
/// Expanding ring (Lv et al., ICS 2002): floods from the origin with growing TTL, each with its
/// own query id, until one produces a hit. See docs/protocol.md ("Expanding ring").
#include <cstdint>

#include "zonal/open_search.hpp"
#include "zonal/peer_config.hpp"

namespace zonal {

class StrategyContext;

/// Number of rings of a search: TTLs ring_ttl_start, +ring_ttl_step, ... up to ttl_hops.
std::uint32_t ring_count(const SearchParams& params) noexcept;
/// TTL of ring `ring` (0-based): min(start + ring * step, ttl_hops).
std::uint8_t ring_ttl_hops(const SearchParams& params, std::uint32_t ring) noexcept;

/// Origin: flood the first ring and arm the wait for its hits.
void ring_start(StrategyContext& peer, TimeUs now, const Query& q);
/// Origin, when a ring's wait is over: stop if it produced a hit or was the last, else flood the next.
void ring_wake(StrategyContext& peer, TimeUs now, OpenSearch& search);

}  // namespace zonal
