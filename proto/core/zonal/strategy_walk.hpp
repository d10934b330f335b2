#pragma once
/// Random walks (Lv et al., ICS 2002): k walkers leave the origin, each steps to one random
/// neighbour per hop and checks back with the origin every `check_every` hops. Called by Peer
/// and by the strategy table; see docs/protocol.md ("Random walks").
#include "zonal/message.hpp"

namespace zonal {

class StrategyContext;

/// Origin: send the search's `walkers` walkers to as many distinct random neighbours as exist.
void walk_start(StrategyContext& peer, TimeUs now, const Query& q);
/// A walker arrived from `from` (first visit or revisit): answer and stop at a holder, stop at
/// its TTL, check with the origin on every check_every-th hop, else step on.
void walk_on_step(StrategyContext& peer, TimeUs now, PeerId from, const Walk& walk);
/// Origin: answer a walker's check (stop once the search has a hit or is over).
void walk_on_check(StrategyContext& peer, TimeUs now, PeerId from, const WalkCheck& check);
/// A check's answer arrived: release the oldest walker of that query parked here, which steps
/// on unless told to stop. False when no walker of that query waits here.
bool walk_on_reply(StrategyContext& peer, TimeUs now, const WalkCheckReply& reply);

}  // namespace zonal
