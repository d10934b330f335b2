/// Flood-family event loop: the shared loop (engine/core/event_loop.hpp) over the calendar
/// queue, deliveries with prefetching, and the dispatch of the other event kinds.
#include <algorithm>
#include <array>

#include "engine/core/event_loop.hpp"
#include "engine/flood/flood_simulation.hpp"

namespace zonal::sim {

void FloodSimulation::run_until_idle(std::string_view phase) {
  if (windows_apply()) return run_windows(phase);  // --threads (flood_parallel.cpp)
  run_events(
      m_queue, m_now, [this](const EventQueue::Popped& run) { return handle(run); }, [] { return false; },
      [&] { m_measure.report(phase, m_queue.pushed(), m_queries_started, m_now); });
}

std::size_t FloodSimulation::handle(const EventQueue::Popped& run) {
  if (run.event->kind == EventKind::deliver || run.event->kind == EventKind::deliver_batch) {
    prefetch_ahead(run.to.size());
    deliver_run(*run.event, run.to);
  } else {
    dispatch(*run.event);
  }
  if (m_check) [[unlikely]] check_event(*run.event, run.to);
  return run.to.size();
}

// Deliveries are memory-bound: each touches a random peer (and, for peers that remember many
// queries, a random slot of its seen table). A pipeline over the queued deliveries: the peers
// of the ones `prefetch_peers_ahead` ahead are loaded, and the ones `prefetch_slots_ahead`
// ahead (whose peers were loaded earlier) get what depends on the peer's fields requested; the
// peer's load counters
// (another array) are loaded with the peers. After a run of `taken`
// deliveries, only the `taken` deliveries that entered each stage are prefetched: the others
// were requested by earlier calls. A run of one delivery (random latency: every run) looks up
// just the two runs that enter a stage, so the cost does not grow with the window.
// Inline into handle() (the loop): under random latency every delivery takes this path.
inline void FloodSimulation::prefetch_ahead(std::size_t taken) {
  if (taken != 1 || !m_queue.draining_copies()) [[unlikely]] return prefetch_runs(taken);
  prefetch_copies(m_queue, [this](PeerId p) { prefetch_peer(p); });  // random latency: single copies, no peek() loop
  PeerId to = no_peer;
  // A copy that arrives within the bucket being drained (about 1.7% of them under uniform
  // 0.5-100.5 ms latency) waits in the late heap, beyond the pipeline: request its peer once it
  // is the earliest there (once per peer: the heap's front stays the same for many deliveries).
  if (m_queue.upcoming_late(to) && to != m_late_prefetched && to < m_peers.size()) [[unlikely]] {
    m_late_prefetched = to;
    prefetch_peer(to);
  }
}

// prefetch_ahead() for runs of batches or whole events (constant latency, late or gathered events).
void FloodSimulation::prefetch_runs(std::size_t taken) {
  if (taken == 1) {
    std::array<EventQueue::Upcoming, 1> entering;
    if (m_queue.peek(entering, prefetch_slots_ahead - 1) == 1)
      for (const PeerId to : entering[0].to)
        if (to < m_peers.size()) m_peers[to].prefetch(*entering[0].msg);
    if (m_queue.peek(entering, prefetch_peers_ahead - 1) == 1)
      for (const PeerId to : entering[0].to)
        if (to < m_peers.size()) prefetch_peer(to);
    return;
  }
  std::array<EventQueue::Upcoming, prefetch_peers_ahead> next;
  const std::size_t runs = m_queue.peek(next, 0, prefetch_peers_ahead);  // runs beyond the pipeline's deliveries are not needed
  const std::size_t slots_from = prefetch_slots_ahead > taken ? prefetch_slots_ahead - taken : 0;
  const std::size_t state_from = prefetch_peers_ahead - std::min(taken, prefetch_peers_ahead);
  std::size_t at = 0;  // position of the run's first delivery among the upcoming ones
  for (std::size_t r = 0; r < runs && at < prefetch_peers_ahead; ++r) {
    const std::span<const PeerId> to = next[r].to;
    const std::size_t end = std::min(prefetch_peers_ahead, at + to.size());
    for (std::size_t i = std::max(at, slots_from); i < std::min(end, prefetch_slots_ahead); ++i)  // only the stages' entrants
      if (to[i - at] < m_peers.size()) m_peers[to[i - at]].prefetch(*next[r].msg);
    for (std::size_t i = std::max(at, state_from); i < end; ++i)
      if (to[i - at] < m_peers.size()) prefetch_peer(to[i - at]);
    at = end;
  }
}

void FloodSimulation::prefetch_peer(PeerId to) {
  m_peers[to].prefetch_state();
  if (m_measure.measuring()) m_measure.prefetch_counters(to);
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
