#pragma once
/// The origin's record of one search it started and still collects hits for (one name for it
/// everywhere: OpenSearch), and a walker parked while its origin is asked whether it goes on.
#include <cstdint>
#include <limits>

#include "zonal/message.hpp"
#include "zonal/peer_config.hpp"
#include "zonal/types.hpp"

namespace zonal {

/// A search owns the `id_count` consecutive query ids from `query_id` on (expanding ring: one
/// per ring); the events it produces name `query_id`. Strategy handlers read and update it.
struct OpenSearch {
  static constexpr TimeUs never_us = std::numeric_limits<TimeUs>::max();

  QueryId query_id = 0;
  FileKey key = 0;
  TimeUs started_us = 0;
  TimeUs deadline_us = 0;
  std::uint32_t hits = 0;
  std::uint32_t id_count = 1;
  Strategy strategy = Strategy::flood;
  std::uint8_t ring = 0;  ///< expanding ring: index of the ring running now
  SearchParams params;
  TimeUs wake_us = never_us;  ///< when the strategy's on_wake runs (never_us: not armed)
};

/// A walker waiting at a peer for its origin's answer to its check.
struct ParkedWalk {
  Walk walk;
  PeerId from;
  TimeUs parked_us;
};

}  // namespace zonal
