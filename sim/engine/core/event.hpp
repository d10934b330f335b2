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

/// Strict (time, seq) order of any queued event types (members time_us and seq).
template <class A, class B = A>
inline bool earlier(const A& a, const B& b) noexcept {
  return a.time_us != b.time_us ? a.time_us < b.time_us : a.seq < b.seq;
}

/// How CalendarQueue (event_queue.hpp) treats an event type; specialised per type.
template <class Ev>
struct QueueTraits;

/// Flood events: every kind but deliver is a control event (kept apart from the buckets); a
/// deliver_batch entry holds `to` copies whose destinations start at `aux` beside it.
template <>
struct QueueTraits<Event> {
  static constexpr bool batches = true;
  /// Whether `e` goes to the control heap.
  static bool control(const Event& e) noexcept { return e.kind != EventKind::deliver; }
  /// Whether `e` is a batch entry.
  static bool batch(const Event& e) noexcept { return e.kind == EventKind::deliver_batch; }
  /// One delivery of `msg` (push_batch of fewer than two, or outside the ring).
  static Event single(TimeUs time_us, PeerId from, PeerId to, const Message& msg) {
    Event e;
    single_into(e, time_us, 0, from, to, msg);
    return e;
  }
  /// Overwrite `out` with one delivery of `msg` numbered `seq`, field by field: a pop writes
  /// its event in place instead of copying a temporary (which stalls on store forwarding).
  static void single_into(Event& out, TimeUs time_us, std::uint64_t seq, PeerId from, PeerId to, const Message& msg) {
    out.time_us = time_us;
    out.seq = seq;
    out.to = to;
    out.from = from;
    out.kind = EventKind::deliver;
    out.aux = 0;
    out.msg = msg;
  }
  /// The entry of a batch of `count` copies whose destinations start at `first`.
  static Event batch_entry(TimeUs time_us, std::uint64_t seq, PeerId from, const Message& msg, std::uint32_t count,
                           std::uint32_t first) {
    return Event{time_us, seq, count, from, EventKind::deliver_batch, first, msg};
  }
  /// Copy `k` of batch entry `e`, to `to`: the event a separate push would have made.
  static Event copy(const Event& e, std::uint32_t k, PeerId to) {
    return Event{e.time_us, e.seq + k, to, e.from, EventKind::deliver, 0, e.msg};
  }
};

}  // namespace zonal::sim
