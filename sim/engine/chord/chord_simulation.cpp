/// Chord engine phases: nodes, ring formation (stable or by joins), publication, queries.
#include "engine/chord/chord_simulation.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <unordered_set>

#include "engine/core/event_loop.hpp"
#include "engine/core/run_setup.hpp"
#include "zonal/chord_stable.hpp"

namespace zonal::sim {
namespace {

ChordConfig chord_config(const ChordSpec& c) {
  ChordConfig config;
  config.id_bits = c.id_bits;
  config.successors = c.successors;
  config.stabilize_interval_us = us_from_ms(c.stabilize_ms);
  config.fix_fingers_interval_us = us_from_ms(c.fix_fingers_ms);
  config.check_predecessor_interval_us = us_from_ms(c.check_predecessor_ms);
  config.replication = c.replication;
  config.default_mode = c.mode;
  return chord_config_normalised(config);
}

// The driver knows which nodes are live (it picks bootstraps among them): Chord nodes send no
// heartbeats, so the tracker never expires anyone.
TrackerConfig chord_tracker_config(const Scenario& sc) {
  TrackerConfig config = tracker_config(sc);
  config.expiry_us = 0;
  return config;
}

// Wide buckets keep more deliveries in view of prefetch_upcoming (it sees the current bucket
// only); none may be shorter than a message's delay, or deliveries land in the bucket being
// drained. Under constant latency that is the delay itself; otherwise a quarter of the typical
// one, as in the flood engine. (Any width gives the same event order: time, then sequence.)
TimeUs queue_bucket_width_us(const Network& network) {
  if (network.constant_delay()) return std::max<TimeUs>(1, network.constant_delay_us());
  return std::max<TimeUs>(1, network.typical_delay_us() / 4);
}

}  // namespace

ChordSimulation::ChordSimulation(const Scenario& sc, std::uint64_t seed, std::uint32_t peers,
                                 std::vector<std::uint64_t> labels, const ProgressFn& progress, bool check,
                                 const RunOptions& options)
    : m_sc(sc),
      m_seed(seed),
      m_config(std::make_shared<const ChordConfig>(chord_config(sc.chord))),
      m_tracker_id(peers),
      m_tracker(m_tracker_id, chord_tracker_config(sc)),
      m_network(sc.latency, sc.faults, stream_seed(seed, Stream::network)),
      m_queue(queue_bucket_width_us(m_network), 4096),
      m_measure(peers, std::move(labels), progress, sc.workload.queries, options, sc.search.timeout_us()),
      m_join_rng(stream_seed(seed, Stream::chord_joins)),
      m_check(check) {
  m_result.peers = peers;
  create_nodes();
}

ChordSimulation::~ChordSimulation() = default;

RunResult ChordSimulation::run() {
  m_result.seed = m_seed;
  m_result.strategy = Strategy::chord;
  form_ring();
  m_result.zone_count = m_tracker.zone_count();
  m_result.ring_violations = ring_violations().size();
  publish();
  run_queries();
  m_measure.finish(m_result, m_now);
  m_faults.finish(m_result);
  collect_peer_loads();
  m_result.events = m_queue.pushed();
  m_result.end_us = m_now;
  return std::move(m_result);
}

std::vector<ChordViolation> ChordSimulation::ring_violations() const {
  std::vector<ChordNodeView> views;
  views.reserve(m_peers.size());
  for (PeerId p = 0; p < m_peers.size(); ++p) views.push_back(m_peers[p].node.view(m_live[p]));
  return check_ring(views, m_config->successors);
}

// Node p's address is the decimal label (edge-list node id) or PeerId, as for real nodes'
// "host:port", unless chord.ids lists the ids (distinct: the loader checks). Ids are unique on a
// ring: nodes take theirs in PeerId order (the join ring's join order), and a node whose id an
// earlier one holds draws again (chord_id_draw), as a real node does when its join finds its id
// taken.
void ChordSimulation::create_nodes() {
  const std::uint32_t n = m_result.peers;
  const std::uint64_t base = stream_seed(m_seed, Stream::chord_nodes);
  std::vector<ChordId> ids = m_sc.chord.ids;
  if (ids.empty()) {
    ids.resize(n);
    for (PeerId p = 0; p < n; ++p) ids[p] = chord_id_of_address(std::to_string(label(p)), m_config->id_bits);
    redraw_taken_ids(ids);
  }
  ZONAL_ASSERT(ids.size() == n, "chord.ids must hold one id per peer (the loader checks)");
  m_peers.reserve(n);
  for (PeerId p = 0; p < n; ++p) m_peers.emplace_back(ChordRef::make(ids[p], p), m_config, mix64(base ^ p));
  m_live.assign(n, true);
  m_member_slot.assign(n, UINT32_MAX);
  m_join_failures.assign(n, 0);
}

// Without collisions (the usual case) the ids stay the first draws and nothing else is spent.
void ChordSimulation::redraw_taken_ids(std::vector<ChordId>& ids) const {
  std::vector<ChordId> sorted(ids);
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end()) return;
  std::vector<ChordId>().swap(sorted);
  std::unordered_set<ChordId> taken;
  taken.reserve(ids.size());
  for (PeerId p = 0; p < ids.size(); ++p) {
    const std::string address = std::to_string(label(p));
    unsigned draw = 0;
    while (!taken.insert(ids[p]).second) {
      if (++draw == chord_id_draws_max) {
        throw std::runtime_error("chord.id_bits: peer " + address + " found no free Chord id in " +
                                 std::to_string(chord_id_draws_max) + " draws (" + std::to_string(taken.size()) +
                                 " of 2^" + std::to_string(m_config->id_bits) + " ids taken); use more identifier bits");
      }
      ids[p] = chord_id_draw(address, m_config->id_bits, draw);
    }
  }
}

void ChordSimulation::form_ring() {
  if (m_sc.chord.ring == ChordRingKind::stable) return install_stable_ring();
  join_ring();
}

// Every node gets the exact converged state at time 0 and is registered with the tracker
// directly: no join or registration traffic.
void ChordSimulation::install_stable_ring() {
  std::vector<ChordRef> refs;
  refs.reserve(m_peers.size());
  for (const ChordPeer& peer : m_peers) refs.push_back(peer.node.self());
  const auto ring = chord_sorted_ring(refs);
  for (PeerId p = 0; p < m_peers.size(); ++p) {
    m_peers[p].node.install_stable_state(m_now, ring);
    m_tracker.register_peer(m_now, p);
    while (m_tracker.poll_transmit()) {}  // the assignments would only tell zones, unused by Chord
    add_bootstrap(p);
    drain(p);
  }
  // Every node is a member: the member ring is the sorted ring, built in order (no searches).
  for (const ChordRef& r : ring) m_member_ring.emplace_hint(m_member_ring.end(), r.id(), r.peer);
}

// Nodes register with the tracker one at a time; each joins through a registered live member
// once its registration is answered, and the next registers when it has joined. Then the ring
// settles until the checker finds it exact (or chord.settle_ms passes).
void ChordSimulation::join_ring() {
  if (m_peers.empty()) return;
  schedule(m_now, ChordSimEvent{0, 0, 0, no_peer, ChordEventKind::register_peer, 0, {}});
  run_until("register", [&] { return m_joins_done; });
  m_settle_start_us = m_now;
  schedule(m_now, ChordSimEvent{0, 0, no_peer, no_peer, ChordEventKind::settle_check, 0, {}});
  run_until("settle", [&] { return m_settled; });
  m_result.ring_settle_us = m_now - m_settle_start_us;
}

// Every holder of every file indexes it with store(); at most publish_window stores are in
// flight at once (a big ring publishes millions: issuing them all at time 0 would hold them all
// in memory). The phase ends once every store has been sent and its records delivered.
void ChordSimulation::publish() {
  const auto peers = static_cast<std::uint32_t>(m_peers.size());
  m_content = std::make_unique<Content>(place_content(m_sc.content, peers, stream_seed(m_seed, Stream::content)));
  while (m_stores_pending < publish_window && publish_next()) {}
  run_until("publish", [&] { return m_stores_pending == 0 && m_store_messages_in_flight == 0; });
}

bool ChordSimulation::publish_next() {
  while (m_publish_file < m_content->keys.size()) {
    const auto& holders = m_content->holders[m_publish_file];
    if (m_publish_holder >= holders.size()) {
      ++m_publish_file, m_publish_holder = 0;
      continue;
    }
    const PeerId holder = holders[m_publish_holder++];
    if (!live_member(holder)) continue;
    ++m_stores_pending;
    m_peers[holder].node.store(m_now, m_content->keys[m_publish_file], holder, store_flag | ++m_store_counter);
    drain(holder);
    return true;
  }
  return false;
}

void ChordSimulation::run_queries() {
  m_stream = std::make_unique<QueryStream>(m_sc.workload, *m_content, static_cast<std::uint32_t>(m_peers.size()),
                                           stream_seed(m_seed, Stream::workload));
  const TimeUs last_us = m_now + last_arrival_us(*m_stream, m_sc.workload.queries);
  const auto live = static_cast<std::uint32_t>(std::count(m_live.begin(), m_live.end(), true));
  m_measure.start_query_phase(m_now, m_sc.output.timeseries_ms, live);
  if (FaultLayer::needed(m_sc)) start_faults();  // before the first gap is drawn
  schedule(m_now + m_stream->next_gap_us(), ChordSimEvent{0, 0, no_peer, no_peer, ChordEventKind::query_arrival, 0, {}});
  // A search still running once the last one's timeout has passed has failed anyway; this also
  // ends the phase if a lookup never ended.
  const TimeUs timeout_us = m_sc.search.timeout_us();
  schedule(last_us + timeout_us + 1, ChordSimEvent{0, 0, no_peer, no_peer, ChordEventKind::query_deadline, 0, {}});
  // Fault runs also play the rest of the fault schedule, as the Peer engine does, so that both
  // engines count the same crashes, leaves and joins.
  run_until("queries", [&] {
    return m_queries_done + queries_skipped() == m_sc.workload.queries &&
           (!m_faults.active() || !m_faults.state().next_action_us());
  });
}

// Process events until `done()` holds or nothing is pending (maintenance timers keep the queue
// busy forever, so every phase names its own end).
template <class Done>
void ChordSimulation::run_until(std::string_view phase, Done done) {
  run_events(
      m_queue, m_now,
      [this](const CalendarQueue<ChordSimEvent>::Popped& e) {
        prefetch_upcoming();
        dispatch(*e.event);
        if (m_check) [[unlikely]] check_event(*e.event);
        return 1;
      },
      done, [&] { m_measure.report(phase, m_queue.pushed(), m_queries_started, m_now); });
}

void ChordSimulation::dispatch(const ChordSimEvent& e) {
  switch (e.kind) {
    case ChordEventKind::deliver: return deliver(e);
    case ChordEventKind::timer: return fire_timer(e.to);
    case ChordEventKind::query_arrival: return start_query();
    case ChordEventKind::register_peer: return send_register(e.to);
    case ChordEventKind::tracker_in: return tracker_in(e);
    case ChordEventKind::assignment:
    case ChordEventKind::rejoin: return join_through_member(e.to);
    case ChordEventKind::settle_check: return settle_check();
    case ChordEventKind::publish_next: publish_next(); return;
    case ChordEventKind::fault: return m_faults.apply_next(*this, m_measure, m_now);
    case ChordEventKind::query_deadline: return query_deadline();
  }
}

// Per-event invariants (on with `check`): the node the event was for has a timer queued no later
// than its next deadline (live nodes), the live set agrees with the fault layer's, the bootstrap
// members are live ring members and the query bookkeeping adds up. The ring itself may be
// inexact between events (churn): ring_violations() measures that, once the ring has formed.
void ChordSimulation::check_event(const ChordSimEvent& e) const {
  const PeerId p = e.to;
  if (p < m_peers.size() && m_live[p]) {
    if (const auto deadline = m_peers[p].node.poll_timeout()) {
      ZONAL_ASSERT(m_peers[p].timer_at <= *deadline,
                   "node " + std::to_string(p) + " wants a timeout at " + std::to_string(*deadline) +
                       " us but its earliest queued timer is at " + std::to_string(m_peers[p].timer_at) + " us");
    }
  }
  if (p < m_peers.size() && m_faults.active()) {
    ZONAL_ASSERT(m_faults.state().online(p) == m_live[p], "node " + std::to_string(p) + ": live set disagrees with the fault layer");
  }
  ZONAL_ASSERT(m_members.size() == m_member_ring.size(), "bootstrap members and the member ring differ");
  for (const PeerId m : m_members) {
    ZONAL_ASSERT(m_live[m], "node " + std::to_string(m) + " is a bootstrap member but not live");
  }
  ZONAL_ASSERT(m_queries_done <= m_queries_started && m_active.size() == m_queries_started - m_queries_done,
               "active queries (" + std::to_string(m_active.size()) + ") != started (" + std::to_string(m_queries_started) +
                   ") - done (" + std::to_string(m_queries_done) + ")");
}

void ChordSimulation::settle_check() {
  if (ring_violations().empty()) {
    m_settled = true;
    return;
  }
  if (m_now - m_settle_start_us >= us_from_ms(m_sc.chord.settle_ms)) {
    m_settled = true;  // gave up: ring_violations in the result says how far off it is
    return;
  }
  const TimeUs step = std::max<TimeUs>(1000, m_config->stabilize_interval_us);
  schedule(m_now + step, ChordSimEvent{0, 0, no_peer, no_peer, ChordEventKind::settle_check, 0, {}});
}

// peers.csv for Chord: degree = routing-table entries (successor list and distinct fingers),
// zone_degree = 0, records = index records the node keeps; load = every Chord message of the
// query phase (lookups and maintenance), counted in ChordPeer next to the node rather than by
// Measurement's own counters (left at zero).
void ChordSimulation::collect_peer_loads() {
  std::vector<std::uint32_t> files(m_peers.size(), 0);
  for (const auto& holders : m_content->holders)
    for (PeerId h : holders) ++files[h];
  m_measure.collect_peer_loads(
      m_result, [&](PeerId p) { return m_tracker.zone_of(p); },
      [&](PeerId p, PeerLoad& load) {
        const ChordNode& node = m_peers[p].node;
        load.received = m_peers[p].received;
        load.sent = m_peers[p].sent;
        load.degree = static_cast<std::uint32_t>(node.table().successors().size() + node.table().fingers().size());
        load.zone_degree = 0;
        load.files = files[p];
        load.records = static_cast<std::uint32_t>(node.records().size());
      });
}

RunResult run_chord(const Scenario& scenario, std::uint64_t seed, std::uint32_t peers,
                    std::vector<std::uint64_t> labels, const ProgressFn& progress, bool check,
                    const RunOptions& options) {
  ChordSimulation sim(scenario, seed, peers, std::move(labels), progress, check, options);
  return sim.run();
}

}  // namespace zonal::sim
