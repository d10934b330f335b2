#pragma once
/// Events a peer reports to its driver through poll_event().
#include <cstdint>
#include <variant>

#include "zonal/types.hpp"

namespace zonal {

/// A hit arrived at the origin of a query (or the origin answered itself: hops 0).
struct HitEvent {
  QueryId query_id;
  FileKey key;
  PeerId holder;
  PeerId responder;
  std::uint8_t hops;
  TimeUs elapsed_us;  ///< since search() was called
  std::uint32_t hit_index;  ///< 0 for the first hit of this query
};

/// A query's collection window ended (timeout), with the hits it gathered.
struct QueryDoneEvent {
  QueryId query_id;
  std::uint32_t hits;
};

/// A search could not start (e.g. zone-flood before the zone directory is known).
struct SearchFailedEvent {
  QueryId query_id;
  const char* reason;
};

/// The tracker moved this peer to another zone.
struct ZoneChangedEvent {
  ZoneId zone;
  std::uint32_t zone_count;
};

using PeerEvent = std::variant<HitEvent, QueryDoneEvent, SearchFailedEvent, ZoneChangedEvent>;

}  // namespace zonal
