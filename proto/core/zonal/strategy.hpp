#pragma once
/// Plug-in point for search strategies. Each strategy is a pair of functions in its own
/// strategy_*.cpp file; the peer's message plumbing and the simulator never change.
#include "zonal/message.hpp"

namespace zonal {

class Peer;

struct StrategyHandler {
  /// Called at the origin by Peer::search() after the query id is registered.
  void (*start)(Peer& peer, TimeUs now, const Query& q);
  /// Called at a receiver for the first copy of a query (duplicates never reach it).
  void (*on_query)(Peer& peer, TimeUs now, PeerId from, const Query& q);
};

/// Handler table entry for `strategy`; call to dispatch a query.
const StrategyHandler& strategy_handler(Strategy strategy) noexcept;

/// Strategy name as used in scenario files and CSV output ("flood", "zone-flood").
const char* strategy_name(Strategy strategy) noexcept;

}  // namespace zonal
