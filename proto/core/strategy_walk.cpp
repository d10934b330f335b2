#include "zonal/strategy_walk.hpp"

#include <algorithm>
#include <vector>

#include "zonal/strategy_context.hpp"

namespace zonal {
namespace {

/// Hops as a QueryHit carries them (8 bits; walks may be longer).
std::uint8_t hit_hops(std::uint16_t hops) { return static_cast<std::uint8_t>(std::min<std::uint16_t>(hops, 255)); }

/// May a walker of `id` go on? Only while its search is open and has no hit yet.
bool may_go_on(StrategyContext& origin, TimeUs now, QueryId id) {
  const OpenSearch* s = origin.find_search(id);
  return s != nullptr && s->hits == 0 && now < s->deadline_us;
}

/// Send the walker one hop on: a random neighbour, not `from` if another exists.
void step(StrategyContext& peer, PeerId from, const Walk& walk) {
  const auto links = peer.overlay_neighbours();
  const auto n = static_cast<std::uint32_t>(links.size());
  if (n == 0) return;
  std::uint32_t i = peer.random_below(n);
  if (links[i] == from && n > 1) i = (i + 1 + peer.random_below(n - 1)) % n;
  Walk next = walk;
  next.hops = static_cast<std::uint16_t>(walk.hops + 1);
  peer.send(links[i], next);
}

}  // namespace

void walk_start(StrategyContext& peer, TimeUs /*now*/, const Query& q) {
  const OpenSearch* s = peer.find_search(q.query_id);
  if (s == nullptr) return;
  const auto links = peer.overlay_neighbours();
  if (links.empty()) return peer.fail_search(q.query_id, "no neighbours to walk to");
  std::vector<PeerId> order(links.begin(), links.end());
  const auto n = static_cast<std::uint32_t>(order.size());
  const std::uint32_t walkers = std::max<std::uint16_t>(s->params.walkers, 1);
  const Walk walk{q.query_id, q.key, 1, std::max<std::uint16_t>(s->params.walk_ttl_hops, 1), s->params.walk_check_every};
  for (std::uint32_t w = 0; w < walkers; ++w) {
    PeerId to;
    if (w < n) {  // distinct first: a partial Fisher-Yates over the neighbours
      std::swap(order[w], order[w + peer.random_below(n - w)]);
      to = order[w];
    } else {  // more walkers than neighbours: the rest go to random ones
      to = order[peer.random_below(n)];
    }
    peer.send(to, walk);
  }
}

// A walker stops where it finds the object (Lv et al.): the other walkers learn at their next check.
// The hit goes back along the first-visit reverse path, at most ttl_hops - 1 relays long (the
// entry at `from` was made by some walker of this query within its TTL).
void walk_on_step(StrategyContext& peer, TimeUs now, PeerId from, const Walk& walk) {
  const auto relays = static_cast<std::uint16_t>(walk.ttl_hops - 1);
  if (peer.answer_key(from, walk.query_id, walk.key, hit_hops(walk.hops), relays)) return;
  if (walk.hops >= walk.ttl_hops) return;
  if (walk.check_every == 0 || walk.hops % walk.check_every != 0) return step(peer, from, walk);
  const PeerId origin = query_origin(walk.query_id);
  if (origin == peer.id()) {  // back at the origin: it decides without a message
    if (may_go_on(peer, now, walk.query_id)) step(peer, from, walk);
    return;
  }
  peer.park_walk(now, from, walk);
  peer.send(origin, WalkCheck{walk.query_id, walk.hops});
}

void walk_on_check(StrategyContext& peer, TimeUs now, PeerId from, const WalkCheck& check) {
  peer.send(from, WalkCheckReply{check.query_id, !may_go_on(peer, now, check.query_id)});
}

bool walk_on_reply(StrategyContext& peer, TimeUs /*now*/, const WalkCheckReply& reply) {
  const auto parked = peer.unpark_walk(reply.query_id);
  if (!parked) return false;
  if (!reply.stop) step(peer, parked->from, parked->walk);
  return true;
}

}  // namespace zonal
