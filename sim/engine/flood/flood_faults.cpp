/// Flood-family side of the fault layer (engine/core/fault_layer.hpp): what a leave and a
/// rejoin mean for a zonal::Peer, the tracker's heartbeat rounds, and partitions on the send path.
#include "engine/flood/flood_simulation.hpp"

namespace zonal::sim {

// The fault actions run from now (the query phase starts) until the last query is done (its
// arrival plus the query timeout). A first heartbeat round marks every peer alive at the start.
void FloodSimulation::start_faults() {
  m_faults.start(m_sc, static_cast<std::uint32_t>(m_peers.size()), m_now, *m_stream, m_seed);
  m_faults_active = true;
  m_faults.schedule_next(*this);
  heartbeat_round();
}

void FloodSimulation::schedule_fault(TimeUs at_us) {
  m_queue.push(Event{at_us, 0, no_peer, no_peer, EventKind::fault, 0, {}});
}

void FloodSimulation::fault_leave(PeerId p) {
  m_peers[p].leave(m_now, m_tracker_id);  // every peer joined it with connect_tracker
  drain_peer(p);
}

// Back online: registers with the tracker again (its overlay links never changed) and takes the
// directory the others hold; its zone links follow at the next heartbeat round that sees a change.
void FloodSimulation::fault_rejoined(PeerId p) {
  m_peers[p].connect_tracker(m_now, m_tracker_id);
  if (m_directory) m_peers[p].handle_zone_directory(m_now, m_directory);
  drain_peer(p);
}

// Every live peer heartbeats the tracker (a direct call, counted as one registration message
// per peer only with faults.count_heartbeats), the tracker expires the silent ones, and when
// membership changed every live peer installs the new directory and its zone links, as a real
// node does after its next heartbeat.
void FloodSimulation::heartbeat_round() {
  const Liveness& live = m_faults.state();
  std::uint64_t heartbeats = 0;
  for (PeerId p = 0; p < m_peers.size(); ++p) {
    if (!live.online(p)) continue;
    m_tracker.handle_message(m_now, p, Heartbeat{});
    ++heartbeats;
  }
  if (m_sc.faults.count_heartbeats) {
    m_result.registration_messages += heartbeats;
    m_measure.observe(m_now, MessageClass::registration, heartbeats);
  }
  m_tracker.handle_timeout(m_now);
  drain_tracker();
  if (m_directory && m_tracker.epoch() != m_directory->epoch()) install_directory(m_tracker.directory(), true);
  if (m_now + live.heartbeat_us() < live.end_us())
    m_queue.push(Event{m_now + live.heartbeat_us(), 0, no_peer, no_peer, EventKind::heartbeat, 0, {}});
}

// Copies between a partitioned zone and the rest (zones as the tracker assigns them now) are
// dropped; the tracker itself is reachable from everywhere.
void FloodSimulation::drop_partitioned(PeerId from) {
  Liveness& live = m_faults.state();
  if (from == m_tracker_id || !live.partitioned(m_now)) return;
  const ZoneId from_zone = m_tracker.zone_of(from);
  std::size_t kept = 0;
  for (const PeerId to : m_batch_to) {
    if (to == m_tracker_id || !live.blocks(m_now, from_zone, m_tracker.zone_of(to))) m_batch_to[kept++] = to;
  }
  live.counters.partition_dropped += m_batch_to.size() - kept;
  m_batch_to.resize(kept);
}

}  // namespace zonal::sim
