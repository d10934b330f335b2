/// Per-event invariant checks of flood-family runs (the counterpart of Chord's ring checker),
/// on when the run was asked to check (tests: run_on_topology(..., check = true), the seed
/// sweep in tests/sim_seed_sweep_test.cpp). A violation is a bug of the simulator or the
/// core: ZONAL_ASSERT aborts naming it.
#include <string>

#include "engine/flood/flood_simulation.hpp"

namespace zonal::sim {

// After each event: the peers it touched, the query record it counted under, and the run's
// counters.
void FloodSimulation::check_event(const Event& e, std::span<const PeerId> to) {
  if (e.kind == EventKind::deliver || e.kind == EventKind::deliver_batch) {
    for (const PeerId p : to) {
      if (p < m_peers.size()) check_peer(p);
    }
  } else if ((e.kind == EventKind::timer || e.kind == EventKind::join) && e.to < m_peers.size()) {
    check_peer(e.to);
  }
  if (const QueryRecord* r = m_cached) {
    ZONAL_ASSERT(r->reached + r->duplicates <= r->messages,
                 "query " + std::to_string(r->ordinal) + ": more copies arrived (" +
                     std::to_string(r->reached + r->duplicates) + ") than were sent (" + std::to_string(r->messages) + ")");
    ZONAL_ASSERT(r->hits == 0 || r->first_hit_hops >= 0,
                 "query " + std::to_string(r->ordinal) + " has hits but no first-hit hop count");
  }
  ZONAL_ASSERT(m_measure.queries().size() == m_queries_started, "one query record per started query");
  const std::uint64_t skipped = m_faults_active ? m_faults.state().counters.queries_skipped : 0;
  ZONAL_ASSERT(m_queries_started + skipped <= m_sc.workload.queries, "more queries started than the workload has");
  if (m_faults_active) {
    ZONAL_ASSERT(m_faults.state().online_count() <= m_peers.size(), "more peers online than exist");
  }
}

// A live peer's next deadline has a timer event queued no later than it (none is ever lost), and
// its zone is one the tracker has.
void FloodSimulation::check_peer(PeerId p) const {
  if (m_faults_active && !m_faults.state().online(p)) return;  // an offline peer's timers wait for its rejoin
  if (const auto deadline = m_peers[p].poll_timeout()) {
    ZONAL_ASSERT(m_timers.queued_at(p) <= *deadline,
                 "peer " + std::to_string(p) + " wants a timeout at " + std::to_string(*deadline) +
                     " us but its earliest queued timer is at " + std::to_string(m_timers.queued_at(p)) + " us");
  }
  const ZoneId zone = m_tracker.zone_of(p);
  ZONAL_ASSERT(zone == no_zone || zone < m_tracker.zone_count(),
               "peer " + std::to_string(p) + " is in zone " + std::to_string(zone) + " of " +
                   std::to_string(m_tracker.zone_count()));
}

}  // namespace zonal::sim
