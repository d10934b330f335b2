/// Chord engine traffic: sending through the network model, delivery, timers, attribution of
/// every message (search, publication, maintenance), registration and joins, queries.
#include <algorithm>
#include <array>

#include "engine/chord/chord_simulation.hpp"

#include <boost/random/uniform_int_distribution.hpp>

namespace zonal::sim {
namespace {

constexpr std::uint32_t no_slot = UINT32_MAX;

}  // namespace

// Every delivery lands on a random node: cache misses for the node, its routing table and, at
// a lookup's origin, its requests in flight, unless fetched ahead. Prefetch the peer (node and
// engine state) of the deliveries `node_ahead` events ahead, the table and in-flight state of
// those `state_ahead` ahead (whose nodes arrived meanwhile), and the requests of those
// `requests_ahead` ahead. Looking ahead costs more than a hundred instructions, so it is done
// every other event, for two events at once. Only a hint: control events may come between.
void ChordSimulation::prefetch_upcoming() noexcept {
  constexpr std::size_t requests_ahead = 1, state_ahead = 3, node_ahead = 7;
  if ((m_prefetch_turn ^= 1) == 0) return;
  std::array<CalendarQueue<ChordSimEvent>::Upcoming, node_ahead + 2> next;
  const std::size_t runs = m_queue.peek(next);
  const auto peer_of = [&](std::size_t i) -> const ChordPeer* {
    return i < runs && next[i].to[0] < m_peers.size() ? &m_peers[next[i].to[0]] : nullptr;
  };
  for (std::size_t i = requests_ahead; i <= requests_ahead + 1; ++i)
    if (const ChordPeer* peer = peer_of(i)) peer->node.prefetch_requests();
  for (std::size_t i = state_ahead; i <= state_ahead + 1; ++i)
    if (const ChordPeer* peer = peer_of(i)) peer->node.prefetch_state();
  for (std::size_t i = node_ahead; i <= node_ahead + 1; ++i) {
    if (const ChordPeer* peer = peer_of(i)) {
      const char* bytes = reinterpret_cast<const char*>(peer);
      for (std::size_t line = 0; line < sizeof(ChordPeer); line += 64) __builtin_prefetch(bytes + line);
    }
  }
}

void ChordSimulation::drain(PeerId p) {
  ChordNode& node = m_peers[p].node;
  while (auto t = node.poll_transmit()) send(p, t->to, t->msg);
  while (auto ev = node.poll_event()) on_event(p, *ev);
  arm_timer(p);
}

// TimerTable's rule (engine/core/timer_table.hpp), on the state kept in ChordPeer: queue a timer
// event only when the node's deadline moves earlier than the one already queued.
void ChordSimulation::arm_timer(PeerId p) {
  ChordPeer& peer = m_peers[p];
  const auto deadline = peer.node.poll_timeout();
  if (!deadline || *deadline >= peer.timer_at) return;
  peer.timer_at = *deadline;
  schedule(std::max(*deadline, m_now), ChordSimEvent{0, 0, p, p, ChordEventKind::timer, 0, {}});
}

void ChordSimulation::send(PeerId from, PeerId to, const ChordMessage& msg) {
  account(from, to, msg);
  const bool store = std::holds_alternative<ChordStore>(msg);
  if (to >= m_peers.size()) {  // addressed to nobody
    ++m_result.lost_messages;
    observe(MessageClass::lost);
    return;
  }
  if (m_faults.active() && partition_drops(from, to)) return;
  const auto delay = m_network.transit_us();
  if (!delay) {
    ++m_result.lost_messages;
    observe(MessageClass::lost);
    return;
  }
  m_store_messages_in_flight += store;
  schedule(m_now + *delay, ChordSimEvent{0, 0, to, from, ChordEventKind::deliver, 0, msg});
}

// Search messages carry the query's ordinal as lookup id, publication stores the store flag,
// maintenance and joins no tag at all.
void ChordSimulation::account(PeerId from, PeerId to, const ChordMessage& msg) {
  const bool measuring = m_measure.measuring();
  if (measuring) ++m_peers[from].sent;  // the node being handled (its line is in cache)
  const auto tag = chord_lookup_tag(from, to, msg);
  if (!tag) {
    (measuring ? m_result.maintenance_messages : m_result.ring_messages) += 1;
    if (measuring) observe(MessageClass::maintenance);
    return;
  }
  if ((tag->lookup & store_flag) != 0) {
    ++m_result.publish_messages;
    observe(MessageClass::publish);
    return;
  }
  if (ChordActiveQueries::Query* q = m_active.find(tag->lookup)) {  // counted into its row when it finishes
    q->sent(to);
    observe(MessageClass::search);
    return;
  }
  QueryRecord* const record = m_measure.queries().find(tag->lookup);  // a late message of a finished search
  if (record == nullptr) return;
  ++record->messages;
  observe(MessageClass::search);
}

// A crashed or departed node receives nothing; what it sent before stays on the wire.
void ChordSimulation::deliver(const ChordSimEvent& e) {
  if (std::holds_alternative<ChordStore>(e.msg)) --m_store_messages_in_flight;
  if (!m_live[e.to]) {
    if (m_faults.active()) ++m_faults.state().counters.offline_dropped;
    return;
  }
  if (m_measure.measuring()) ++m_peers[e.to].received;
  if (m_peers[e.to].node.handle_message(m_now, e.from, e.msg) == Arrival::dropped) return;  // no output by contract
  drain(e.to);
}

void ChordSimulation::fire_timer(PeerId p) {
  TimeUs& queued = m_peers[p].timer_at;
  if (queued <= m_now) queued = TimerTable::none;  // the earliest queued one fired
  if (!m_live[p]) return;  // a crashed node's timers are ignored
  ChordNode& node = m_peers[p].node;
  if (auto due = node.poll_timeout(); due && *due <= m_now) node.handle_timeout(m_now);
  drain(p);
}

// Register (and Leave) travel to the tracker through the network like any message.
void ChordSimulation::send_register(PeerId p) {
  ++m_result.registration_messages;
  observe(MessageClass::registration);
  if (const auto delay = m_network.transit_us()) {
    schedule(m_now + *delay, ChordSimEvent{0, 0, m_tracker_id, p, ChordEventKind::tracker_in, tracker_register, {}});
  } else {
    ++m_result.lost_messages;
    observe(MessageClass::lost);
    schedule(m_now + m_config->rpc_timeout_us, ChordSimEvent{0, 0, p, p, ChordEventKind::register_peer, 0, {}});
  }
}

void ChordSimulation::tracker_in(const ChordSimEvent& e) {
  if (e.aux == tracker_leave) {
    m_tracker.handle_message(m_now, e.from, Message{Leave{}});
  } else {
    m_tracker.handle_message(m_now, e.from, Message{Register{}});
  }
  while (const auto t = m_tracker.poll_transmit()) {
    ++m_result.registration_messages;
    observe(MessageClass::registration);
    if (const auto delay = m_network.transit_us()) {
      schedule(m_now + *delay, ChordSimEvent{0, 0, t->to, m_tracker_id, ChordEventKind::assignment, 0, {}});
    } else {
      ++m_result.lost_messages;
      observe(MessageClass::lost);
      if (t->to == e.from) send_register(e.from);  // the newcomer asks again
    }
  }
}

// A registered node that is not on a ring yet joins through a random live member (the first
// one creates the ring); assignments to members (zone moves) change nothing.
void ChordSimulation::join_through_member(PeerId p) {
  ChordNode& node = m_peers[p].node;
  if (!m_live[p] || node.state() != ChordState::idle) return;
  if (m_members.empty()) {
    node.create(m_now);
  } else {
    boost::random::uniform_int_distribution<std::size_t> pick(0, m_members.size() - 1);
    node.join(m_now, m_peers[m_members[pick(m_join_rng)]].node.self());
  }
  drain(p);
}

void ChordSimulation::on_event(PeerId p, const ChordEvent& ev) {
  if (const auto* d = std::get_if<ChordLookupDone>(&ev)) return on_done(p, *d);
  if (std::holds_alternative<ChordJoined>(ev)) return on_joined(p);
  if (std::holds_alternative<ChordJoinFailed>(ev)) {
    remove_member(p);  // a member that lost the ring is no bootstrap any more
    if (++m_join_failures[p] < join_attempts_max) {
      schedule(m_now + m_config->rpc_timeout_us, ChordSimEvent{0, 0, p, p, ChordEventKind::rejoin, 0, {}});
    } else {
      next_join(p);  // gave up: the node stays off the ring (its searches fail)
    }
  }
}

void ChordSimulation::on_joined(PeerId p) {
  add_member(p);
  m_join_failures[p] = 0;
  next_join(p);
}

// Join ring formation: once `p` has joined (or given up), the next peer registers.
void ChordSimulation::next_join(PeerId p) {
  if (m_joins_done || p != m_next_join) return;
  if (++m_next_join < m_peers.size()) {
    schedule(m_now, ChordSimEvent{0, 0, m_next_join, no_peer, ChordEventKind::register_peer, 0, {}});
  } else {
    m_joins_done = true;
  }
}

void ChordSimulation::on_done(PeerId /*p*/, const ChordLookupDone& d) {
  if ((d.lookup_id & store_flag) != 0) {
    if (d.op == ChordOp::store && m_stores_pending > 0) {
      --m_stores_pending;  // the next store starts from the queue: no recursion through drain()
      schedule(m_now, ChordSimEvent{0, 0, no_peer, no_peer, ChordEventKind::publish_next, 0, {}});
    }
    return;
  }
  if (d.op == ChordOp::find) finish_query(d.lookup_id, &d);
}

void ChordSimulation::start_query() {
  const QueryRequest req = m_stream->next();
  if (m_faults.active() && !m_faults.state().online(req.origin)) {  // an offline origin asks nothing (as in the Peer engine)
    ++m_faults.state().counters.queries_skipped;
    m_measure.skipped(m_now);
  } else {
    begin_query(req);
  }
  if (m_queries_started + queries_skipped() < m_sc.workload.queries) {
    const TimeUs at_us = m_now + m_stream->next_gap_us();
    schedule(at_us, ChordSimEvent{0, 0, no_peer, no_peer, ChordEventKind::query_arrival, 0, {}});
  }
}

void ChordSimulation::begin_query(const QueryRequest& req) {
  const std::uint32_t ordinal = ++m_queries_started;
  QueryRecord rec;
  rec.ordinal = ordinal;
  rec.origin = label(req.origin);
  rec.strategy = Strategy::chord;
  rec.zone = home_zone(req.key, m_tracker.zone_count());
  rec.exists = req.file >= 0;
  rec.started_us = m_now;
  m_measure.queries().open(rec, m_now);
  m_active.open(ordinal, req.origin);
  if (live_member(req.origin)) {
    m_peers[req.origin].node.find(m_now, req.key, m_sc.chord.mode, ordinal);
    drain(req.origin);
  } else {
    finish_query(ordinal, nullptr);  // a live origin that is not (yet) on the ring fails
  }
}

// hits = holders the key's successor indexes (0 = failure: not found, lookup failed, or
// answered after search.timeout_ms); reached = distinct nodes the search's messages went to.
void ChordSimulation::finish_query(std::uint32_t ordinal, const ChordLookupDone* d, bool interrupted) {
  ChordActiveQueries::Query* const q = m_active.find(ordinal);
  if (q == nullptr) return;
  QueryRecord& r = *m_measure.queries().find(ordinal);
  r.messages += q->messages();
  r.reached = q->distinct_contacted();
  const TimeUs timeout_us = m_sc.search.timeout_us();
  if (d != nullptr && d->status == ChordStatus::ok && d->elapsed_us <= timeout_us && d->holders > 0) {
    r.hits = d->holders;
    r.first_hit_hops = d->hops;
    r.first_hit_us = d->elapsed_us;
  }
  count_outcome(d != nullptr && d->elapsed_us <= timeout_us ? d : nullptr, interrupted, r.hits > 0);
  m_active.close(*q);
  ++m_queries_done;
}

// A failed query's cause (ChordOutcomes); `d` is null when the lookup never ended in time.
void ChordSimulation::count_outcome(const ChordLookupDone* d, bool interrupted, bool found) {
  ChordOutcomes& o = m_result.chord_outcomes;
  if (found) return;
  if (interrupted) {
    ++o.interrupted;
  } else if (d == nullptr || d->status != ChordStatus::ok) {
    ++o.lookup_failed;
  } else if (d->successor.peer != live_successor(d->key)) {
    ++o.wrong_successor;
  } else {
    ++o.record_missing;
  }
}

// The first live member at or after `key` on the ring (no_peer when there is none).
PeerId ChordSimulation::live_successor(ChordId key) const {
  if (m_member_ring.empty()) return no_peer;
  const auto it = m_member_ring.lower_bound(key);
  return it == m_member_ring.end() ? m_member_ring.begin()->second : it->second;
}

void ChordSimulation::add_member(PeerId p) {
  if (add_bootstrap(p)) m_member_ring.emplace(m_peers[p].node.self().id(), p);
}

// `p` becomes a bootstrap candidate (false when it was one); add_member() also puts it on the
// member ring.
bool ChordSimulation::add_bootstrap(PeerId p) {
  if (m_member_slot[p] != no_slot) return false;
  m_member_slot[p] = static_cast<std::uint32_t>(m_members.size());
  m_members.push_back(p);
  return true;
}

void ChordSimulation::remove_member(PeerId p) {
  const std::uint32_t slot = m_member_slot[p];
  if (slot == no_slot) return;
  const PeerId last = m_members.back();
  m_members[slot] = last;
  m_member_slot[last] = slot;
  m_members.pop_back();
  m_member_slot[p] = no_slot;
  m_member_ring.erase(m_peers[p].node.self().id());
}

}  // namespace zonal::sim
