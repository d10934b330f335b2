/// Flood-family queries: the workload's arrivals, one QueryRecord per started search, and the
/// hits that come back to its origin.
#include "engine/flood/flood_simulation.hpp"
#include "zonal/strategy.hpp"

namespace zonal::sim {
// The workload's next query arrives after a drawn gap.
void FloodSimulation::next_query_arrival() {
  m_queue.push(Event{m_now + m_stream->next_gap_us(), 0, no_peer, no_peer, EventKind::query_arrival, 0, {}});
}

void FloodSimulation::start_query() {
  const QueryRequest req = m_stream->next();
  if (m_faults_active && !m_faults.state().online(req.origin)) {  // an offline origin asks nothing
    ++m_faults.state().counters.queries_skipped;
    m_measure.skipped(m_now);
    if (m_queries_started + m_faults.state().counters.queries_skipped < m_sc.workload.queries) next_query_arrival();
    return;
  }
  Peer& origin = m_peers[req.origin];
  const SearchParams& params = m_sc.search.params;
  const QueryId id = origin.search(m_now, req.key, m_sc.search.strategy, params);
  QueryRecord rec;
  rec.ordinal = ++m_queries_started;
  rec.origin = m_measure.label(req.origin);
  rec.strategy = m_sc.search.strategy;
  rec.zone = home_zone(req.key, m_tracker.zone_count());
  rec.exists = req.file >= 0;
  rec.started_us = m_now;
  const std::uint32_t ids = search_id_count(m_sc.search.strategy, params);  // expanding ring: one per ring
  for (std::uint32_t i = 0; i < ids; ++i) m_query_index.emplace(id + i, rec.ordinal);
  m_measure.queries().open(rec, m_now);
  m_cached = nullptr;  // rows may have moved
  drain_peer(req.origin);
  const std::uint64_t skipped = m_faults_active ? m_faults.state().counters.queries_skipped : 0;
  if (m_queries_started + skipped < m_sc.workload.queries) next_query_arrival();
}

void FloodSimulation::on_event(const PeerEvent& ev) {
  if (const auto* hit = std::get_if<HitEvent>(&ev)) {
    QueryRecord* r = record_of(hit->query_id);
    if (r == nullptr) return;
    if (r->hits++ == 0) {
      r->first_hit_hops = hit->hops;
      r->first_hit_us = hit->elapsed_us;
    }
  }
}

QueryRecord* FloodSimulation::record_of(QueryId id) {
  if (m_cached != nullptr && m_cached_id == id) return m_cached;
  auto it = m_query_index.find(id);
  if (it == m_query_index.end()) return nullptr;
  m_cached_id = id;
  m_cached = m_measure.queries().find(it->second);
  return m_cached;
}

}  // namespace zonal::sim
