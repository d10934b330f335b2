/// Chord side of the fault layer (engine/core/fault_layer.hpp; faults.churn, faults.failures,
/// faults.partitions), from the same schedule as the flood family (same stream): a crash silences
/// the node (nothing delivered to it, its timers ignored), a leave is ChordNode::leave plus Leave
/// to the tracker, a join is a fresh node (same address, hence same id, no state) that registers
/// with the tracker and joins through a live member. Searches of a node that goes down fail.
#include <vector>

#include "engine/chord/chord_simulation.hpp"
#include "engine/core/run_setup.hpp"

namespace zonal::sim {

void ChordSimulation::start_faults() {
  m_faults.start(m_sc, static_cast<std::uint32_t>(m_peers.size()), m_now, *m_stream, m_seed);
  for (PeerId p = 0; p < m_peers.size(); ++p) {
    ZONAL_ASSERT(m_live[p], "every Chord node is live before the fault schedule starts");
  }
  m_faults.schedule_next(*this);
}

void ChordSimulation::schedule_fault(TimeUs at_us) {
  schedule(at_us, ChordSimEvent{0, 0, no_peer, no_peer, ChordEventKind::fault, 0, {}});
}

void ChordSimulation::fault_leave(PeerId p) {
  m_peers[p].node.leave(m_now);  // hands its records to the successor, tells both neighbours
  drain(p);
  ++m_result.registration_messages;
  observe(MessageClass::registration);
  if (const auto delay = m_network.transit_us()) {
    schedule(m_now + *delay, ChordSimEvent{0, 0, m_tracker_id, p, ChordEventKind::tracker_in, tracker_leave, {}});
  } else {
    ++m_result.lost_messages;
    observe(MessageClass::lost);
  }
}

void ChordSimulation::fault_offline(PeerId p) {
  m_live[p] = false;
  remove_member(p);
  fail_queries_of(p);
}

// Back online as a new node at the same ring position; it registers again, and the tracker's
// answer makes it join through a live member (join_through_member).
void ChordSimulation::fault_rejoined(PeerId p) {
  const std::uint64_t joined = m_faults.state().counters.joined;
  const std::uint64_t seed = mix64(stream_seed(m_seed, Stream::chord_nodes) ^ p ^ (joined << 32));
  m_peers[p].node = ChordNode(m_peers[p].node.self(), m_config, seed);
  m_join_failures[p] = 0;  // a fresh node gets its own join attempts
  m_live[p] = true;
  send_register(p);
}

void ChordSimulation::fail_queries_of(PeerId origin) {
  for (const std::uint32_t ordinal : m_active.ordinals_of(origin)) finish_query(ordinal, nullptr, true);
}

// No message crosses between a partitioned zone and the others (zones as the tracker assigned
// them; Chord itself ignores zones).
bool ChordSimulation::partition_drops(PeerId from, PeerId to) {
  Liveness& live = m_faults.state();
  if (!live.partitioned(m_now) || !live.blocks(m_now, m_tracker.zone_of(from), m_tracker.zone_of(to))) {
    return false;
  }
  ++live.counters.partition_dropped;
  return true;
}

void ChordSimulation::query_deadline() {
  for (const std::uint32_t ordinal : m_active.ordinals_of(no_peer)) finish_query(ordinal, nullptr);
}

}  // namespace zonal::sim
