#pragma once
/// Plug-in point for search strategies. Each strategy is a pair of functions in its own
/// strategy_*.cpp file; the peer's message plumbing and the simulator never change.
#include <cstdint>

#include "zonal/message.hpp"
#include "zonal/open_search.hpp"

namespace zonal {

class Peer;

struct StrategyHandler {
  /// Called at the origin by Peer::search() after the query id is registered.
  void (*start)(Peer& peer, TimeUs now, const Query& q);
  /// Called at a receiver for the first copy of a query (duplicates never reach it).
  void (*on_query)(Peer& peer, TimeUs now, PeerId from, const Query& q);
  /// Called at the origin when the search's wake_us is reached (nullptr: the strategy never arms it).
  /// It may send and re-arm wake_us, but must not start or end searches (the peer is iterating them).
  void (*on_wake)(Peer& peer, TimeUs now, OpenSearch& search);
};

/// Query ids one search of `strategy` uses (expanding ring: one per ring, so that no seen table
/// takes a later ring's copies for duplicates of an earlier ring's). Peer::search() reserves them
/// consecutively from the id it returns; drivers map all of them to the one search.
std::uint32_t search_id_count(Strategy strategy, const SearchParams& params) noexcept;

/// Flood `q` over the overlay from its origin with TTL q.ttl_hops; for strategies that flood.
void flood_from_origin(Peer& peer, const Query& q);

/// Handler table entry for `strategy`; call to dispatch a query.
const StrategyHandler& strategy_handler(Strategy strategy) noexcept;

/// Strategy name as used in scenario files and CSV output ("flood", "zone-flood").
const char* strategy_name(Strategy strategy) noexcept;

}  // namespace zonal
