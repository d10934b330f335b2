#pragma once
/// Simulator events, ordered by (time, sequence) as in ns-3: equal times run in insertion order.
#include <cstdint>

#include "zonal/message.hpp"

namespace zonal::sim {

enum class EventKind : std::uint8_t {
  deliver,        ///< msg from `from` arrives at `to`
  timer,          ///< `to`'s poll_timeout() deadline
  query_arrival,  ///< the workload starts its next query
  join,           ///< peer `to` registers with the tracker (joins are spread over the first second)
  deliver_batch,  ///< EventQueue-internal: one message to `to` destinations stored beside it
  fault,          ///< the next fault action of the run (churn, mass failure), see liveness.hpp
  heartbeat,      ///< fault runs: every live peer heartbeats the tracker, directories follow
};

struct Event {
  TimeUs time_us = 0;
  std::uint64_t seq = 0;  ///< assigned by EventQueue::push
  PeerId to = no_peer;
  PeerId from = no_peer;
  EventKind kind = EventKind::deliver;
  std::uint32_t aux = 0;  ///< EventQueue-internal (a batch's first destination); fits the padding
  Message msg;
};

// docs/performance.md: an event is one cache line (on LP64 targets).
static_assert(sizeof(void*) != 8 || sizeof(Event) == 64, "Event must stay 64 bytes (docs/performance.md)");

/// Strict (time, seq) order.
inline bool earlier(const Event& a, const Event& b) noexcept {
  return a.time_us != b.time_us ? a.time_us < b.time_us : a.seq < b.seq;
}

}  // namespace zonal::sim
