/// Flood-family traffic: delivery of message runs, draining a peer's or the tracker's output,
/// sending through the network model (loss, then delay; batched under constant latency), the
/// attribution of every transmission, and peer timers.
#include <optional>

#include "engine/flood/flood_simulation.hpp"

namespace zonal::sim {
namespace {

/// Query id a search message is counted under, or nullopt for other messages.
std::optional<QueryId> search_message_id(const Message& msg) {
  if (const auto* w = std::get_if<Walk>(&msg)) return w->query_id;
  if (const auto* c = std::get_if<WalkCheck>(&msg)) return c->query_id;
  if (const auto* r = std::get_if<WalkCheckReply>(&msg)) return r->query_id;
  return std::nullopt;
}

}  // namespace

// One delivery to a peer, measured (query phase): the tap, the peer's count, its query's reach.
// Inline: called for every delivered copy (--threads counts in phase A: partition_count()).
inline void FloodSimulation::count_arrival(PeerId from, PeerId dest, const Message& msg, Arrival arrival,
                                           QueryRecord* record) {
  if (m_tap) [[unlikely]] m_tap(from, dest, msg, arrival);
  m_measure.received(dest);
  if (record != nullptr) count_reach(*record, arrival);
}

// One message from e.from delivered to each peer of `to` in turn (one event per copy).
void FloodSimulation::deliver_run(const Event& e, std::span<const PeerId> to) {
  if (m_faults_active) to = m_faults.state().online_only(to);  // no crash happens within one run
  const bool measuring = m_measure.measuring();
  QueryRecord* record = measuring ? delivery_record(e.msg) : nullptr;
  for (const PeerId dest : to) {
    if (dest == m_tracker_id) {
      m_tracker.handle_message(m_now, e.from, e.msg);
      drain_tracker();
      continue;
    }
    const Arrival arrival = m_peers[dest].handle_message(m_now, e.from, e.msg);
    if (measuring) count_arrival(e.from, dest, e.msg, arrival, record);
    if (arrival == Arrival::duplicate || arrival == Arrival::dropped) continue;  // no output by contract
    drain_peer(dest);
  }
}

// The record a delivered message counts under (query phase): its query's, or none.
QueryRecord* FloodSimulation::delivery_record(const Message& msg) {
  const auto id = delivery_query(msg);
  return id ? record_of(*id) : nullptr;
}

void FloodSimulation::drain_peer(PeerId id) {
  Peer& peer = m_peers[id];
  while (const auto batch = peer.poll_transmit_batch()) send_batch(id, *batch);
  if (peer.relay_only()) [[likely]] return;  // no events, no timer (no std::optional built: it stalls on store forwarding)
  while (auto ev = peer.poll_event()) on_event(*ev);
  if (const auto deadline = peer.poll_timeout()) arm_timer(id, deadline);
}

void FloodSimulation::drain_tracker() {
  while (const auto batch = m_tracker.poll_transmit()) {
    const PeerId to = batch->to;
    send_batch(m_tracker_id, TransmitBatch{&batch->msg, {&to, 1}, no_peer});
  }
}

// Every copy is counted, then meets the network in order (loss draw, then delay draw). Under
// constant latency a broadcast's surviving copies arrive together and share one queue entry.
void FloodSimulation::send_batch(PeerId from, const TransmitBatch& batch) {
  if (!m_faults_active && !m_network.constant_delay()) return send_shared(from, batch);
  m_batch_to.clear();
  for (const PeerId to : batch.to) {
    if (to != batch.except) m_batch_to.push_back(to);
  }
  count_transmissions(from, *batch.msg, static_cast<std::uint32_t>(m_batch_to.size()));
  if (m_faults_active) drop_partitioned(from);
  if (m_network.constant_delay()) {
    if (m_network.lossy()) {  // draw loss per copy, in order; keep the survivors
      std::size_t kept = 0;
      for (const PeerId to : m_batch_to) {
        if (m_network.transit_us()) m_batch_to[kept++] = to;
      }
      m_result.lost_messages += m_batch_to.size() - kept;
      m_measure.observe(m_now, MessageClass::lost, m_batch_to.size() - kept);
      m_batch_to.resize(kept);
    }
    m_queue.push_batch(m_now + m_network.constant_delay_us(), from, *batch.msg, m_batch_to);
    return;
  }
  m_copies.clear();  // each copy its own delay: the queue keeps one message for all of them
  for (const PeerId to : m_batch_to) {
    if (const auto delay = m_network.transit_us()) {
      m_copies.push_back(EventQueue::Copy{m_now + *delay, to});
    } else {
      ++m_result.lost_messages;
      m_measure.observe(m_now, MessageClass::lost, 1);
    }
  }
  m_queue.push_shared(from, *batch.msg, m_copies);
}

// send_batch under random latency without faults, in one pass over the destinations: the
// same draws in the same order, the copies counted once their number is known.
void FloodSimulation::send_shared(PeerId from, const TransmitBatch& batch) {
  m_copies.clear();
  std::uint32_t sent = 0;
  std::uint64_t lost = 0;
  for (const PeerId to : batch.to) {
    if (to == batch.except) continue;
    ++sent;
    if (const auto delay = m_network.transit_us()) m_copies.push_back(EventQueue::Copy{m_now + *delay, to});
    else ++lost;
  }
  count_transmissions(from, *batch.msg, sent);
  if (lost > 0) {
    m_result.lost_messages += lost;
    m_measure.observe(m_now, MessageClass::lost, lost);
  }
  m_queue.push_shared(from, *batch.msg, m_copies);
}

void FloodSimulation::count_transmissions(PeerId from, const Message& msg, std::uint32_t copies) {
  count_by_class(msg, copies);
  if (m_measure.measuring() && from != m_tracker_id) m_measure.sent(from, copies);
}

// count_transmissions() without the sender's count (--threads counts it in phase A).
void FloodSimulation::count_by_class(const Message& msg, std::uint32_t copies) {
  if (const auto* q = std::get_if<Query>(&msg)) {
    if (QueryRecord* r = record_of(q->query_id)) r->messages += copies, m_measure.observe(m_now, MessageClass::search, copies);
  } else if (const auto* h = std::get_if<QueryHit>(&msg)) {
    if (QueryRecord* r = record_of(h->query_id)) r->hit_messages += copies, m_measure.observe(m_now, MessageClass::hit, copies);
  } else if (const auto id = search_message_id(msg)) {  // walker steps and their checks
    if (QueryRecord* r = record_of(*id)) r->messages += copies, m_measure.observe(m_now, MessageClass::search, copies);
  } else if (std::holds_alternative<Publish>(msg)) {
    m_result.publish_messages += copies;
    m_measure.observe(m_now, MessageClass::publish, copies);
  } else {
    m_result.registration_messages += copies;
    m_measure.observe(m_now, MessageClass::registration, copies);
  }
}

void FloodSimulation::arm_timer(PeerId id, std::optional<TimeUs> deadline) {
  if (const auto at_us = m_timers.arm(id, deadline, m_now)) m_queue.push(Event{*at_us, 0, id, id, EventKind::timer, 0, {}});
}

void FloodSimulation::fire_timer(PeerId id) {
  m_timers.fired(id, m_now);
  if (m_faults_active && !m_faults.state().online(id)) return;  // re-armed when the peer rejoins
  Peer& peer = m_peers[id];
  if (auto due = peer.poll_timeout(); due && *due <= m_now) peer.handle_timeout(m_now);
  drain_peer(id);
}

}  // namespace zonal::sim
