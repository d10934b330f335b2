#pragma once
/// The table of search strategies Peer dispatches Query copies through. Each strategy is up to
/// three functions (start at the origin, a fresh copy at a receiver, an optional wake timer)
/// that act through a StrategyContext. flood and zone-flood live in strategy.cpp, random walk
/// in strategy_walk.cpp, expanding ring in strategy_ring.cpp; chord searches run on ChordNode.
/// A walker is its own message kind (Walk, WalkCheck, WalkCheckReply), which Peer hands to
/// strategy_walk.cpp directly, and drivers count it as search traffic; so a strategy with new
/// message kinds also touches message.hpp, the wire codec, Peer and the drivers' counters.
#include <cstdint>

#include "zonal/message.hpp"
#include "zonal/open_search.hpp"
#include "zonal/settings.hpp"  // strategy_name(), parse_strategy()

namespace zonal {

class StrategyContext;

struct StrategyHandler {
  /// Called at the origin by Peer::search() after the query id is registered.
  void (*start)(StrategyContext& peer, TimeUs now, const Query& q);
  /// Called at a receiver for the first copy of a query (duplicates never reach it).
  void (*on_query)(StrategyContext& peer, TimeUs now, PeerId from, const Query& q);
  /// Called at the origin when the search's wake_us is reached (nullptr: the strategy never arms it).
  /// It may send and re-arm wake_us, but must not start or end searches (the peer is iterating them).
  void (*on_wake)(StrategyContext& peer, TimeUs now, OpenSearch& search);
};

/// Query ids one search of `strategy` uses (expanding ring: one per ring, so that no seen table
/// takes a later ring's copies for duplicates of an earlier ring's). Peer::search() reserves them
/// consecutively from the id it returns; drivers map all of them to the one search.
std::uint32_t search_id_count(Strategy strategy, const SearchParams& params) noexcept;

/// Flood `q` over the overlay from its origin with TTL q.ttl_hops; for strategies that flood.
void flood_from_origin(StrategyContext& peer, const Query& q);

/// Handler table entry for `strategy`; call to dispatch a query.
const StrategyHandler& strategy_handler(Strategy strategy) noexcept;


}  // namespace zonal
