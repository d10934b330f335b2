#include "zonal/strategy_ring.hpp"

#include <algorithm>

#include "zonal/strategy_context.hpp"
#include "zonal/strategy.hpp"

namespace zonal {
namespace {

std::uint32_t first_ttl(const SearchParams& p) {
  return std::clamp<std::uint32_t>(p.ring_ttl_start, 1, std::max<std::uint8_t>(p.ttl_hops, 1));
}
std::uint32_t ttl_step(const SearchParams& p) { return std::max<std::uint8_t>(p.ring_ttl_step, 1); }

/// Flood ring `ring` of search `s` under its own query id.
void flood_ring(StrategyContext& peer, const OpenSearch& s, QueryId id) {
  flood_from_origin(peer, Query{id, s.key, peer.id(), ring_ttl_hops(s.params, s.ring), 1,
                                Strategy::expanding_ring, Scope::overlay});
}

}  // namespace

std::uint32_t ring_count(const SearchParams& params) noexcept {
  const std::uint32_t start = first_ttl(params);
  const std::uint32_t last = std::max<std::uint32_t>(params.ttl_hops, 1);
  if (start >= last) return 1;
  return 1 + (last - start + ttl_step(params) - 1) / ttl_step(params);
}

std::uint8_t ring_ttl_hops(const SearchParams& params, std::uint32_t ring) noexcept {
  const std::uint32_t ttl = first_ttl(params) + ring * ttl_step(params);
  return static_cast<std::uint8_t>(std::min<std::uint32_t>(ttl, std::max<std::uint8_t>(params.ttl_hops, 1)));
}

void ring_start(StrategyContext& peer, TimeUs now, const Query& q) {
  OpenSearch* s = peer.find_search(q.query_id);
  if (s == nullptr) return;
  flood_ring(peer, *s, q.query_id);
  if (s->id_count > 1) s->wake_us = now + s->params.ring_wait_us;
}

void ring_wake(StrategyContext& peer, TimeUs now, OpenSearch& s) {
  if (s.hits > 0 || s.ring + 1u >= s.id_count) return;  // the ring that ended found it, or was the last
  ++s.ring;
  const QueryId id = s.query_id + s.ring;
  peer.mark_seen(now, id, no_peer);  // the origin drops this ring's copies that come back
  flood_ring(peer, s, id);
  if (s.ring + 1u < s.id_count) s.wake_us = now + s.params.ring_wait_us;
}

}  // namespace zonal
