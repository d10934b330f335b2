#include "zonal/strategy.hpp"

#include <iterator>

#include "zonal/hash.hpp"
#include "zonal/strategy_context.hpp"
#include "zonal/strategy_ring.hpp"
#include "zonal/strategy_walk.hpp"

namespace zonal {
namespace {

// ---- flood: Gnutella 0.6 TTL flooding over the whole overlay ---------------------------
void flood_start(StrategyContext& peer, TimeUs /*now*/, const Query& q) { flood_from_origin(peer, q); }

void flood_on_query(StrategyContext& peer, TimeUs /*now*/, PeerId from, const Query& q) {
  peer.answer(from, q);
  peer.forward(from, q);
}

// ---- zone-flood: one hop to a home-zone member, then a flood inside the zone -------------
void zone_flood_start(StrategyContext& peer, TimeUs now, const Query& q) {
  const ZoneDirectory* dir = peer.directory();
  if (dir == nullptr || dir->zone_count() == 0) return peer.fail_search(q.query_id, "zone directory not known yet");
  const ZoneId home = home_zone(q.key, dir->zone_count());
  const bool rendezvous = peer.config().zone_placement == ZonePlacement::rendezvous;
  if (home == peer.zone()) {  // the searcher is itself a home-zone member
    if (peer.index().has_local(q.key)) return peer.local_hit(now, q.query_id, q.key, peer.id());
    if (auto h = peer.index().record_holder(q.key)) return peer.local_hit(now, q.query_id, q.key, *h);
    if (const PeerId keeper = rendezvous ? peer.pick_zone_member(home, q.key) : no_peer;
        keeper != no_peer && keeper != peer.id()) {  // rendezvous: ask the record keeper it can name
      Query first = q;
      first.scope = Scope::zone_entry;
      return peer.send(keeper, first);
    }
    Query first = q;  // random placement (or itself the keeper, without a record): it is the entry
    first.scope = Scope::zone;
    first.ttl_hops = static_cast<std::uint8_t>(q.ttl_hops + 1);
    first.hops = 0;
    return peer.forward(no_peer, first);
  }
  const PeerId entry = peer.pick_zone_member(home, q.key);
  if (entry == no_peer) return peer.fail_search(q.query_id, "home zone has no members");
  Query first = q;
  first.scope = Scope::zone_entry;
  peer.send(entry, first);
}

void zone_flood_on_query(StrategyContext& peer, TimeUs /*now*/, PeerId from, const Query& q) {
  const bool hit = peer.answer(from, q);
  if (q.scope != Scope::zone_entry) return peer.forward(from, q);
  if (hit) return;  // best case: the one contacted member knew a holder
  Query flood = q;  // the entry hop does not spend the zone flood's TTL
  flood.scope = Scope::zone;
  flood.ttl_hops = static_cast<std::uint8_t>(q.ttl_hops + 1);
  peer.forward(from, flood);
}

// ---- chord: searches run on ChordNode, never on Peer --------------------------------------
void chord_start(StrategyContext& peer, TimeUs /*now*/, const Query& q) {
  peer.fail_search(q.query_id, "chord searches run on ChordNode, not on Peer");
}

void drop_query(StrategyContext& /*peer*/, TimeUs /*now*/, PeerId /*from*/, const Query& /*q*/) {}

// Walkers travel as Walk messages (strategy_walk.cpp), never as Query copies; ring copies
// are flood copies (strategy_ring.cpp).
constexpr StrategyHandler handlers[] = {
    {flood_start, flood_on_query, nullptr},
    {zone_flood_start, zone_flood_on_query, nullptr},
    {walk_start, drop_query, nullptr},
    {ring_start, flood_on_query, ring_wake},
    {chord_start, drop_query, nullptr},
};
static_assert(std::size(handlers) == strategy_count);

}  // namespace

void flood_from_origin(StrategyContext& peer, const Query& q) {
  Query first = q;
  first.scope = Scope::overlay;
  first.ttl_hops = static_cast<std::uint8_t>(q.ttl_hops + 1);  // forward() spends one: origin sends TTL q.ttl_hops
  first.hops = 0;
  peer.forward(no_peer, first);
}

std::uint32_t search_id_count(Strategy strategy, const SearchParams& params) noexcept {
  return strategy == Strategy::expanding_ring ? ring_count(params) : 1;
}

const StrategyHandler& strategy_handler(Strategy strategy) noexcept {
  return handlers[static_cast<std::uint8_t>(strategy)];
}

}  // namespace zonal
