#pragma once
/// The event loop of both node kinds: pop the earliest event (time, then insertion sequence),
/// advance the clock to it, let the node kind handle it; a progress snapshot every 2^16 events
/// and one when the phase ends. A queue is any TimeOrderedQueue; both node kinds use the one
/// calendar queue (event_queue.hpp): EventQueue (flood family, zonal::Message payloads with
/// batched broadcasts) and CalendarQueue<ChordSimEvent> (Chord).
#include <concepts>
#include <cstdint>

#include "zonal/assert.hpp"
#include "zonal/types.hpp"

namespace zonal::sim {

/// A (time, insertion sequence) priority queue whose pop() returns something with at_us().
template <class Q>
concept TimeOrderedQueue = requires(Q q) {
  { q.empty() } -> std::convertible_to<bool>;
  { q.pushed() } -> std::convertible_to<std::uint64_t>;
  { q.pop().at_us() } -> std::convertible_to<TimeUs>;
};

/// Events between two progress snapshots.
inline constexpr std::uint64_t progress_every_events = 0x10000;

/// Run events of `queue` until `done()` holds or none is pending: `now_us` follows each event's
/// time, `handle(popped)` carries it out and returns how many events it was (a batch counts each
/// copy), `report()` takes a progress snapshot. Call once per phase.
template <TimeOrderedQueue Queue, class Handle, class Done, class Report>
void run_events(Queue& queue, TimeUs& now_us, Handle&& handle, Done&& done, Report&& report) {
  std::uint64_t handled = 0;
  std::uint64_t next_report = progress_every_events;
  while (!done() && !queue.empty()) {
    const auto popped = queue.pop();
    ZONAL_ASSERT(popped.at_us() >= now_us, "an event popped out of time order");
    now_us = popped.at_us();
    handled += handle(popped);
    if (handled >= next_report) report(), next_report = handled + progress_every_events;
  }
  report();
}

}  // namespace zonal::sim
