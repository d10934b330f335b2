/// Flood-family event loop: the shared loop (engine/core/event_loop.hpp) over the calendar
/// queue, deliveries with prefetching, and the dispatch of the other event kinds.
#include <array>

#include "engine/core/event_loop.hpp"
#include "engine/flood/flood_simulation.hpp"

namespace zonal::sim {

void FloodSimulation::run_until_idle(std::string_view phase) {
  run_events(
      m_queue, m_now, [this](const EventQueue::Popped& run) { return handle(run); }, [] { return false; },
      [&] { m_measure.report(phase, m_queue.pushed(), m_queries_started, m_now); });
}

std::size_t FloodSimulation::handle(const EventQueue::Popped& run) {
  if (run.event->kind == EventKind::deliver || run.event->kind == EventKind::deliver_batch) {
    prefetch_ahead();
    deliver_run(*run.event, run.to);
  } else {
    dispatch(*run.event);
  }
  if (m_check) [[unlikely]] check_event(*run.event, run.to);
  return run.to.size();
}

// Deliveries are memory-bound: each touches a random peer and a random slot of its seen
// table. A pipeline over the queued runs: the seen-table slots of the next deliveries (whose
// peers were loaded earlier) are requested, and the peers of the ones after them are loaded,
// so both misses are in flight before the deliveries need them.
void FloodSimulation::prefetch_ahead() {
  constexpr std::size_t slots_ahead = 4;   // deliveries whose seen-table slots are requested
  constexpr std::size_t peers_ahead = 12;  // deliveries (after those) whose peers are loaded
  std::array<EventQueue::Upcoming, 6> next;
  const std::size_t runs = m_queue.peek(next);
  std::size_t covered = 0;
  for (std::size_t r = 0; r < runs && covered < slots_ahead + peers_ahead; ++r) {
    for (const PeerId to : next[r].to) {
      if (to >= m_peers.size()) continue;
      if (covered < slots_ahead) {
        m_peers[to].prefetch(*next[r].msg);
      } else {
        m_peers[to].prefetch_state();
      }
      ++covered;
    }
  }
}

void FloodSimulation::dispatch(const Event& e) {
  switch (e.kind) {
    case EventKind::timer: return fire_timer(e.to);
    case EventKind::query_arrival: return start_query();
    case EventKind::join: return join(e.to);
    case EventKind::fault: return m_faults.apply_next(*this, m_measure, m_now);
    case EventKind::heartbeat: return heartbeat_round();
    case EventKind::deliver:
    case EventKind::deliver_batch: return deliver_run(e, {&e.to, 1});
  }
}

}  // namespace zonal::sim
