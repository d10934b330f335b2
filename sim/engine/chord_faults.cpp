/// Chord engine faults (faults.churn, faults.failures, faults.partitions), from the same
/// schedule as the Peer engine (sim/engine/liveness.hpp, same stream): a crash silences the node
/// (nothing delivered to it, its timers ignored), a leave is ChordNode::leave plus Leave to the
/// tracker, a join is a fresh node (same address, hence same id, no state) that registers with
/// the tracker and joins through a live member. Searches of a node that goes down fail.
#include <vector>

#include "engine/chord_simulation.hpp"
#include "engine/run_setup.hpp"

namespace zonal::sim {

void ChordSimulation::start_faults() {
  const TimeUs end_us = m_now + last_arrival_us(*m_stream, m_sc.workload.queries) +
                        static_cast<TimeUs>(m_sc.search.timeout_ms * 1000.0);
  m_faults = std::make_unique<Liveness>(m_sc.faults, static_cast<std::uint32_t>(m_nodes.size()), m_now, end_us,
                                        stream_seed(m_seed, Stream::faults));
  for (PeerId p = 0; p < m_nodes.size(); ++p) m_faults->set_online(p, m_live[p]);
  schedule_next_fault();
}

void ChordSimulation::schedule_next_fault() {
  if (const auto at_us = m_faults->next_action_us()) {
    m_queue.push(*at_us, ChordSimEvent{no_peer, no_peer, ChordEventKind::fault, 0, {}});
  }
}

void ChordSimulation::apply_fault() {
  m_faults->apply_next(FaultHandlers{[this](PeerId p) { crash(p); }, [this](PeerId p) { leave(p); },
                                     [this](PeerId p) { rejoin(p); },
                                     [this](PeerId p) { return m_tracker.zone_of(p); }});
  schedule_next_fault();
}

void ChordSimulation::crash(PeerId p) {
  if (!m_live[p]) return;  // e.g. a churn crash of a mass-failure victim
  m_live[p] = false;
  m_faults->set_online(p, false);
  ++m_faults->counters.crashed;
  observe_online();
  remove_member(p);
  fail_queries_of(p);
}

void ChordSimulation::leave(PeerId p) {
  if (!m_live[p]) return;
  m_nodes[p].leave(m_now);  // hands its records to the successor, tells both neighbours
  drain(p);
  ++m_result.registration_messages;
  observe(MessageClass::registration);
  if (const auto delay = m_network.transit_us()) {
    m_queue.push(m_now + *delay, ChordSimEvent{m_tracker_id, p, ChordEventKind::tracker_in, tracker_leave, {}});
  } else {
    ++m_result.lost_messages;
    observe(MessageClass::lost);
  }
  m_live[p] = false;
  m_faults->set_online(p, false);
  ++m_faults->counters.left;
  observe_online();
  remove_member(p);
  fail_queries_of(p);
}

// Back online as a new node at the same ring position; it registers again, and the tracker's
// answer makes it join through a live member (join_through_member).
void ChordSimulation::rejoin(PeerId p) {
  if (m_live[p]) return;
  ++m_faults->counters.joined;
  const std::uint64_t seed = mix64(stream_seed(m_seed, Stream::chord_nodes) ^ p ^ (m_faults->counters.joined << 32));
  m_nodes[p] = ChordNode(m_nodes[p].self(), m_config, seed);
  m_join_failures[p] = 0;  // a fresh node gets its own join attempts
  m_live[p] = true;
  m_faults->set_online(p, true);
  observe_online();
  send_register(p);
}

void ChordSimulation::fail_queries_of(PeerId origin) {
  std::vector<std::uint32_t> ordinals;
  for (const auto& [ordinal, active] : m_active) {
    if (active.origin == origin) ordinals.push_back(ordinal);
  }
  for (const std::uint32_t ordinal : ordinals) finish_query(ordinal, nullptr, true);
}

// No message crosses between a partitioned zone and the others (zones as the tracker assigned
// them; Chord itself ignores zones).
bool ChordSimulation::partition_drops(PeerId from, PeerId to) {
  if (!m_faults->partitioned(m_now) || !m_faults->blocks(m_now, m_tracker.zone_of(from), m_tracker.zone_of(to))) {
    return false;
  }
  ++m_faults->counters.partition_dropped;
  return true;
}

void ChordSimulation::query_deadline() {
  std::vector<std::uint32_t> ordinals;
  for (const auto& [ordinal, active] : m_active) ordinals.push_back(ordinal);
  for (const std::uint32_t ordinal : ordinals) finish_query(ordinal, nullptr);
}

}  // namespace zonal::sim
