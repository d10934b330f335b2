#include "engine/engine.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "engine/chord_engine.hpp"
#include "engine/event_queue.hpp"
#include "engine/liveness.hpp"
#include "engine/network.hpp"
#include "engine/run_setup.hpp"
#include "engine/timeseries.hpp"
#include "model/workload.hpp"
#include "zonal/hash.hpp"
#include "zonal/peer.hpp"
#include "zonal/strategy.hpp"
#include "zonal/tracker.hpp"
#include "zonal/zone_links.hpp"

namespace zonal::sim {
namespace {

constexpr TimeUs no_timer = std::numeric_limits<TimeUs>::max();

PeerConfig peer_config(const Scenario& sc) {
  PeerConfig c;
  c.seen_capacity = sc.search.seen_capacity;
  c.publish_replicas = sc.zones.publish_replicas;
  c.zone_placement = sc.zones.placement;
  c.zone_entry = sc.zones.entry;
  c.query_timeout_us = static_cast<TimeUs>(sc.search.timeout_ms * 1000.0);
  // Simulated peers are honest: the receive-side caps against hostile peers never bind.
  c.walk_ttl_hops_max = sc.search.walk_ttl_hops;
  c.parked_walks_max = std::numeric_limits<std::uint32_t>::max();
  return c;
}

SearchParams search_params(const Scenario& sc) {
  SearchParams p;
  p.ttl_hops = sc.search.ttl_hops;
  p.walkers = sc.search.walkers;
  p.walk_ttl_hops = sc.search.walk_ttl_hops;
  p.walk_check_every = sc.search.check_every;
  p.ring_ttl_start = sc.search.ring_ttl_start;
  p.ring_ttl_step = sc.search.ring_ttl_step;
  p.ring_wait_us = static_cast<TimeUs>(sc.search.ring_wait_ms * 1000.0);
  return p;
}

/// Query id a search message is counted under, or nullopt for other messages.
std::optional<QueryId> search_message_id(const Message& msg) {
  if (const auto* w = std::get_if<Walk>(&msg)) return w->query_id;
  if (const auto* c = std::get_if<WalkCheck>(&msg)) return c->query_id;
  if (const auto* r = std::get_if<WalkCheckReply>(&msg)) return r->query_id;
  return std::nullopt;
}

class Simulation {
 public:
  Simulation(const Scenario& sc, std::uint64_t seed, const Topology& topo, const ProgressFn& progress,
             const DeliveryTap& tap)
      : m_sc(sc),
        m_seed(seed),
        m_labels(topo.labels),
        m_progress(progress),
        m_tap(tap),
        m_tracker_id(static_cast<PeerId>(topo.peer_count())),
        m_tracker(m_tracker_id, tracker_config(sc)),
        m_network(sc.latency, sc.faults, stream_seed(seed, Stream::network)),
        m_queue(std::max<TimeUs>(1, m_network.typical_delay_us() / 4), 4096) {
    create_peers(topo);  // after this the topology is no longer needed: callers may free it
  }

  RunResult run();

 private:
  void create_peers(const Topology& topo);
  std::uint64_t label(PeerId p) const noexcept { return m_labels.empty() ? p : m_labels[p]; }
  void register_all();
  void join(PeerId id);
  void install_zones();
  void install_directory(std::shared_ptr<const ZoneDirectory> directory, bool live_only);
  void share_content();
  void run_queries();
  void run_until_idle(std::string_view phase);
  void dispatch(const Event& e);
  void prefetch_ahead();
  void deliver_run(const Event& e, std::span<const PeerId> to);
  void drain_peer(PeerId id);
  void drain_tracker();
  void send_batch(PeerId from, const TransmitBatch& batch);
  void count_transmissions(PeerId from, const Message& msg, std::uint32_t copies);
  void observe(MessageClass c, std::uint64_t copies) {
    if (m_series) m_series->count(m_now, c, copies);
  }
  void observe_online() {
    if (m_series) m_series->online_changed(m_now, m_faults->online_count());
  }
  void arm_timer(PeerId id, std::optional<TimeUs> deadline);
  void fire_timer(PeerId id);
  void start_query();
  void on_event(const PeerEvent& ev);
  QueryRecord* record_of(QueryId id);
  void report(std::string_view phase);
  void collect_peer_loads();
  // Faults (churn, mass failures, partitions); only called when m_faults_active.
  void start_faults();
  void apply_fault();
  void schedule_next_fault();
  void crash(PeerId p);
  void leave(PeerId p);
  void rejoin(PeerId p);
  void heartbeat_round();
  void drop_partitioned(PeerId from);

  const Scenario& m_sc;
  std::uint64_t m_seed;
  std::vector<std::uint64_t> m_labels;  // edge-list node ids; empty = dense ids
  const ProgressFn& m_progress;
  const DeliveryTap& m_tap;
  PeerId m_tracker_id;
  Tracker m_tracker;
  Network m_network;
  EventQueue m_queue;
  std::vector<Peer> m_peers;
  std::vector<TimeUs> m_timer_at;
  std::vector<std::uint32_t> m_received;  // compact per-peer counters: hot on every delivery
  std::vector<std::uint32_t> m_sent;      // (PeerLoad rows are built once the run is over)
  std::vector<PeerId> m_batch_to;         // destinations of the broadcast being batched
  std::unique_ptr<Content> m_content;
  std::unique_ptr<QueryStream> m_stream;
  std::unordered_map<QueryId, std::uint32_t> m_query_index;
  QueryId m_cached_id = 0;
  QueryRecord* m_cached = nullptr;
  bool m_measuring = false;
  std::uint32_t m_queries_started = 0;
  TimeUs m_join_gap_us = 1;
  TimeUs m_now = 0;
  RunResult m_result;
  bool m_faults_active = false;  // one well-predicted branch on the hot paths of fault-free runs
  std::unique_ptr<Liveness> m_faults;
  std::shared_ptr<const ZoneDirectory> m_directory;  // the last one handed to the peers
  std::unique_ptr<TimeseriesRecorder> m_series;      // output.timeseries_ms only
};

RunResult Simulation::run() {
  m_result.seed = m_seed;
  m_result.strategy = m_sc.search.strategy;
  m_result.queries.reserve(m_sc.workload.queries);
  register_all();
  m_result.zone_count = m_tracker.zone_count();
  install_zones();
  share_content();
  run_queries();
  if (m_series) m_result.timeseries = m_series->finish(m_now, m_result.queries);
  if (m_faults_active) m_result.faults_active = true, m_result.faults = m_faults->counters;
  collect_peer_loads();
  m_result.events = m_queue.pushed();
  m_result.end_us = m_now;
  return std::move(m_result);
}

void Simulation::create_peers(const Topology& topo) {
  const auto config = std::make_shared<const PeerConfig>(peer_config(m_sc));
  const std::uint64_t base = stream_seed(m_seed, Stream::peers);
  const std::size_t n = topo.peer_count();
  m_result.peers = static_cast<std::uint32_t>(n);
  m_result.edges = topo.edge_count();
  m_peers.reserve(n);
  for (PeerId p = 0; p < n; ++p) {
    m_peers.emplace_back(p, config, mix64(base ^ p));
    const auto nb = topo.neighbours(p);
    m_peers.back().set_overlay_neighbours({nb.begin(), nb.end()});
  }
  m_timer_at.assign(n, no_timer);
  m_received.assign(n, 0);
  m_sent.assign(n, 0);
}

// Peers join one after another, evenly over the first simulated second; each join event
// schedules the next, so the queue never holds a million pending registrations.
void Simulation::register_all() {
  if (m_peers.empty()) return;
  m_join_gap_us = std::max<TimeUs>(1, 1'000'000 / static_cast<TimeUs>(m_peers.size()));
  m_queue.push(Event{m_now, 0, 0, no_peer, EventKind::join, 0, {}});
  run_until_idle("register");
}

void Simulation::join(PeerId id) {
  m_peers[id].connect_tracker(m_now, m_tracker_id);
  drain_peer(id);
  if (id + 1 < m_peers.size()) m_queue.push(Event{m_now + m_join_gap_us, 0, id + 1, no_peer, EventKind::join, 0, {}});
}

void Simulation::install_zones() {
  if (m_sc.search.strategy != Strategy::zone_flood) return;  // flooding needs no zone directory
  install_directory(m_tracker.directory(), false);
}

// Zone links computed from `directory` (as every real node computes its own), and the directory,
// to every peer (`live_only`: to the online ones, which then republish if the zone count changed).
void Simulation::install_directory(std::shared_ptr<const ZoneDirectory> directory, bool live_only) {
  std::vector<std::vector<PeerId>> zones(directory->zone_count());
  for (ZoneId z = 0; z < zones.size(); ++z) zones[z].assign(directory->members(z).begin(), directory->members(z).end());
  const std::uint64_t links_seed = m_sc.zones.links_seed.value_or(stream_seed(m_seed, Stream::zone_links));
  auto links = make_zone_links(m_peers.size(), zones, m_sc.zones.degree, links_seed);
  for (PeerId p = 0; p < m_peers.size(); ++p) {
    if (live_only && !m_faults->online(p)) continue;
    m_peers[p].set_zone_neighbours(std::move(links[p]));
    m_peers[p].handle_zone_directory(m_now, directory);
    if (live_only) drain_peer(p);
  }
  m_directory = std::move(directory);
}

void Simulation::share_content() {
  const auto peers = static_cast<std::uint32_t>(m_peers.size());
  m_content = std::make_unique<Content>(place_content(m_sc.content, peers, stream_seed(m_seed, Stream::content)));
  for (std::size_t f = 0; f < m_content->keys.size(); ++f) {
    for (PeerId holder : m_content->holders[f]) {
      m_peers[holder].share(m_now, m_content->keys[f]);
      drain_peer(holder);
    }
  }
  run_until_idle("publish");
}

void Simulation::run_queries() {
  m_measuring = true;
  m_stream = std::make_unique<QueryStream>(m_sc.workload, *m_content, static_cast<std::uint32_t>(m_peers.size()),
                                           stream_seed(m_seed, Stream::workload));
  if (m_sc.output.timeseries_ms > 0) {
    const auto window_us = static_cast<TimeUs>(m_sc.output.timeseries_ms * 1000.0);
    m_series = std::make_unique<TimeseriesRecorder>(window_us, m_now, static_cast<std::uint32_t>(m_peers.size()));
  }
  if (Liveness::needed(m_sc.faults)) start_faults();  // before the first gap is drawn
  m_queue.push(Event{m_now + m_stream->next_gap_us(), 0, no_peer, no_peer, EventKind::query_arrival, 0, {}});
  run_until_idle("queries");
}

void Simulation::run_until_idle(std::string_view phase) {
  std::uint64_t next_report = 0x10000;
  std::uint64_t handled = 0;
  while (!m_queue.empty()) {
    const EventQueue::Popped run = m_queue.pop();
    m_now = run.event->time_us;
    if (run.event->kind == EventKind::deliver || run.event->kind == EventKind::deliver_batch) {
      prefetch_ahead();
      deliver_run(*run.event, run.to);
    } else {
      dispatch(*run.event);
    }
    handled += run.to.size();
    if (handled >= next_report) report(phase), next_report = handled + 0x10000;
  }
  report(phase);
}

// Deliveries are memory-bound: each touches a random peer and a random slot of its seen
// table. A pipeline over the queued runs: the seen-table slots of the next deliveries (whose
// peers were loaded earlier) are requested, and the peers of the ones after them are loaded,
// so both misses are in flight before the deliveries need them.
void Simulation::prefetch_ahead() {
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

void Simulation::dispatch(const Event& e) {
  switch (e.kind) {
    case EventKind::timer: return fire_timer(e.to);
    case EventKind::query_arrival: return start_query();
    case EventKind::join: return join(e.to);
    case EventKind::fault: return apply_fault();
    case EventKind::heartbeat: return heartbeat_round();
    case EventKind::deliver:
    case EventKind::deliver_batch: return deliver_run(e, {&e.to, 1});
  }
}

// One message from e.from delivered to each peer of `to` in turn (one event per copy).
void Simulation::deliver_run(const Event& e, std::span<const PeerId> to) {
  if (m_faults_active) to = m_faults->online_only(to);  // no crash happens within one run
  QueryRecord* record = nullptr;
  if (m_measuring) {
    if (const Query* query = std::get_if<Query>(&e.msg)) {
      record = record_of(query->query_id);
    } else if (const Walk* walk = std::get_if<Walk>(&e.msg)) {
      record = record_of(walk->query_id);  // walkers count like query copies: revisits as duplicates
    }
  }
  for (const PeerId dest : to) {
    if (dest == m_tracker_id) {
      m_tracker.handle_message(m_now, e.from, e.msg);
      drain_tracker();
      continue;
    }
    const Arrival arrival = m_peers[dest].handle_message(m_now, e.from, e.msg);
    if (m_measuring) {
      if (m_tap) m_tap(e.from, dest, e.msg, arrival);
      ++m_received[dest];
      if (record != nullptr) {
        record->reached += arrival == Arrival::fresh;
        record->duplicates += arrival == Arrival::duplicate || arrival == Arrival::revisit;
      }
    }
    if (arrival == Arrival::duplicate || arrival == Arrival::dropped) continue;  // no output by contract
    drain_peer(dest);
  }
}

void Simulation::drain_peer(PeerId id) {
  Peer& peer = m_peers[id];
  while (const auto batch = peer.poll_transmit_batch()) send_batch(id, *batch);
  while (auto ev = peer.poll_event()) on_event(*ev);
  arm_timer(id, peer.poll_timeout());
}

void Simulation::drain_tracker() {
  while (const auto batch = m_tracker.poll_transmit()) {
    const PeerId to = batch->to;
    send_batch(m_tracker_id, TransmitBatch{&batch->msg, {&to, 1}, no_peer});
  }
}

// Every copy is counted, then meets the network in order (loss draw, then delay draw). Under
// constant latency a broadcast's surviving copies arrive together and share one queue entry.
void Simulation::send_batch(PeerId from, const TransmitBatch& batch) {
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
      observe(MessageClass::lost, m_batch_to.size() - kept);
      m_batch_to.resize(kept);
    }
    m_queue.push_batch(m_now + m_network.constant_delay_us(), from, *batch.msg, m_batch_to);
    return;
  }
  for (const PeerId to : m_batch_to) {
    if (const auto delay = m_network.transit_us()) {
      m_queue.push(Event{m_now + *delay, 0, to, from, EventKind::deliver, 0, *batch.msg});
    } else {
      ++m_result.lost_messages;
      observe(MessageClass::lost, 1);
    }
  }
}

void Simulation::count_transmissions(PeerId from, const Message& msg, std::uint32_t copies) {
  if (const auto* q = std::get_if<Query>(&msg)) {
    if (QueryRecord* r = record_of(q->query_id)) r->messages += copies, observe(MessageClass::search, copies);
  } else if (const auto* h = std::get_if<QueryHit>(&msg)) {
    if (QueryRecord* r = record_of(h->query_id)) r->hit_messages += copies, observe(MessageClass::hit, copies);
  } else if (const auto id = search_message_id(msg)) {  // walker steps and their checks
    if (QueryRecord* r = record_of(*id)) r->messages += copies, observe(MessageClass::search, copies);
  } else if (std::holds_alternative<Publish>(msg)) {
    m_result.publish_messages += copies;
    observe(MessageClass::publish, copies);
  } else {
    m_result.registration_messages += copies;
    observe(MessageClass::registration, copies);
  }
  if (m_measuring && from != m_tracker_id) m_sent[from] += copies;
}

void Simulation::arm_timer(PeerId id, std::optional<TimeUs> deadline) {
  if (!deadline || *deadline >= m_timer_at[id]) return;
  m_timer_at[id] = *deadline;
  m_queue.push(Event{std::max(m_now, *deadline), 0, id, id, EventKind::timer, 0, {}});
}

void Simulation::fire_timer(PeerId id) {
  if (m_timer_at[id] <= m_now) m_timer_at[id] = no_timer;  // the earliest armed timer fired
  if (m_faults_active && !m_faults->online(id)) return;     // re-armed when the peer rejoins
  Peer& peer = m_peers[id];
  if (auto due = peer.poll_timeout(); due && *due <= m_now) peer.handle_timeout(m_now);
  drain_peer(id);
}

void Simulation::start_query() {
  const QueryRequest req = m_stream->next();
  if (m_faults_active && !m_faults->online(req.origin)) {  // an offline origin asks nothing
    ++m_faults->counters.queries_skipped;
    if (m_series) m_series->skipped(m_now);
    if (m_queries_started + m_faults->counters.queries_skipped < m_sc.workload.queries)
      m_queue.push(Event{m_now + m_stream->next_gap_us(), 0, no_peer, no_peer, EventKind::query_arrival, 0, {}});
    return;
  }
  Peer& origin = m_peers[req.origin];
  const SearchParams params = search_params(m_sc);
  const QueryId id = origin.search(m_now, req.key, m_sc.search.strategy, params);
  QueryRecord rec;
  rec.ordinal = ++m_queries_started;
  rec.origin = label(req.origin);
  rec.strategy = m_sc.search.strategy;
  rec.zone = home_zone(req.key, m_tracker.zone_count());
  rec.exists = req.file >= 0;
  rec.started_us = m_now;
  const std::uint32_t ids = search_id_count(m_sc.search.strategy, params);  // expanding ring: one per ring
  for (std::uint32_t i = 0; i < ids; ++i) m_query_index.emplace(id + i, static_cast<std::uint32_t>(m_result.queries.size()));
  m_result.queries.push_back(rec);
  m_cached = nullptr;  // the vector may have moved
  drain_peer(req.origin);
  const std::uint64_t skipped = m_faults_active ? m_faults->counters.queries_skipped : 0;
  if (m_queries_started + skipped < m_sc.workload.queries)
    m_queue.push(Event{m_now + m_stream->next_gap_us(), 0, no_peer, no_peer, EventKind::query_arrival, 0, {}});
}

void Simulation::on_event(const PeerEvent& ev) {
  if (const auto* hit = std::get_if<HitEvent>(&ev)) {
    QueryRecord* r = record_of(hit->query_id);
    if (r == nullptr) return;
    if (r->hits++ == 0) {
      r->first_hit_hops = hit->hops;
      r->first_hit_us = hit->elapsed_us;
    }
  }
}

QueryRecord* Simulation::record_of(QueryId id) {
  if (m_cached != nullptr && m_cached_id == id) return m_cached;
  auto it = m_query_index.find(id);
  if (it == m_query_index.end()) return nullptr;
  m_cached_id = id;
  m_cached = &m_result.queries[it->second];
  return m_cached;
}

void Simulation::report(std::string_view phase) {
  if (!m_progress) return;
  m_progress(Progress{phase, m_queue.pushed(), m_queries_started, m_sc.workload.queries, m_now});
}

void Simulation::collect_peer_loads() {
  m_result.peers_load.resize(m_peers.size());
  for (PeerId p = 0; p < m_peers.size(); ++p) {
    PeerLoad& load = m_result.peers_load[p];
    const Peer& peer = m_peers[p];
    load.label = label(p);
    load.received = m_received[p];
    load.sent = m_sent[p];
    load.zone = m_tracker.zone_of(p);
    load.degree = static_cast<std::uint32_t>(peer.overlay_neighbours().size());
    load.zone_degree = static_cast<std::uint32_t>(peer.zone_neighbours().size());
    load.files = static_cast<std::uint32_t>(peer.index().local().size());
    load.records = static_cast<std::uint32_t>(peer.index().record_count());
  }
}

// ---- faults -------------------------------------------------------------------------

// The fault actions run from now (the query phase starts) until the last query is done (its
// arrival plus the query timeout). A first heartbeat round marks every peer alive at the start.
void Simulation::start_faults() {
  const TimeUs end_us = m_now + last_arrival_us(*m_stream, m_sc.workload.queries) +
                        static_cast<TimeUs>(m_sc.search.timeout_ms * 1000.0);
  m_faults = std::make_unique<Liveness>(m_sc.faults, static_cast<std::uint32_t>(m_peers.size()), m_now, end_us,
                                        stream_seed(m_seed, Stream::faults));
  m_faults_active = true;
  schedule_next_fault();
  heartbeat_round();
}

void Simulation::schedule_next_fault() {
  if (const auto at_us = m_faults->next_action_us())
    m_queue.push(Event{*at_us, 0, no_peer, no_peer, EventKind::fault, 0, {}});
}

void Simulation::apply_fault() {
  m_faults->apply_next(FaultHandlers{[this](PeerId p) { crash(p); }, [this](PeerId p) { leave(p); },
                                     [this](PeerId p) { rejoin(p); },
                                     [this](PeerId p) { return m_tracker.zone_of(p); }});
  schedule_next_fault();
}

// A crashed peer keeps its state frozen: nothing reaches it, it sends nothing, its timers wait.
void Simulation::crash(PeerId p) {
  if (!m_faults->online(p)) return;  // e.g. a churn crash of a mass-failure victim
  m_faults->set_online(p, false);
  ++m_faults->counters.crashed;
  observe_online();
}

void Simulation::leave(PeerId p) {
  if (!m_faults->online(p)) return;
  m_peers[p].send(m_tracker_id, Leave{});
  drain_peer(p);
  m_faults->set_online(p, false);
  ++m_faults->counters.left;
  observe_online();
}

// Back online: registers with the tracker again (its overlay links never changed) and takes the
// directory the others hold; its zone links follow at the next heartbeat round that sees a change.
void Simulation::rejoin(PeerId p) {
  if (m_faults->online(p)) return;
  m_faults->set_online(p, true);
  ++m_faults->counters.joined;
  observe_online();
  m_peers[p].connect_tracker(m_now, m_tracker_id);
  if (m_directory) m_peers[p].handle_zone_directory(m_now, m_directory);
  drain_peer(p);
}

// Every live peer heartbeats the tracker (a direct call: heartbeats are not counted as messages),
// the tracker expires the silent ones, and when membership changed every live peer installs the
// new directory and its zone links, as a real node does after its next heartbeat.
void Simulation::heartbeat_round() {
  for (PeerId p = 0; p < m_peers.size(); ++p) {
    if (m_faults->online(p)) m_tracker.handle_message(m_now, p, Heartbeat{});
  }
  m_tracker.handle_timeout(m_now);
  drain_tracker();
  if (m_directory && m_tracker.epoch() != m_directory->epoch()) install_directory(m_tracker.directory(), true);
  if (m_now + m_faults->heartbeat_us() < m_faults->end_us())
    m_queue.push(Event{m_now + m_faults->heartbeat_us(), 0, no_peer, no_peer, EventKind::heartbeat, 0, {}});
}

// Copies between a partitioned zone and the rest (zones as the tracker assigns them now) are
// dropped; the tracker itself is reachable from everywhere.
void Simulation::drop_partitioned(PeerId from) {
  if (from == m_tracker_id || !m_faults->partitioned(m_now)) return;
  const ZoneId from_zone = m_tracker.zone_of(from);
  std::size_t kept = 0;
  for (const PeerId to : m_batch_to) {
    if (to == m_tracker_id || !m_faults->blocks(m_now, from_zone, m_tracker.zone_of(to))) m_batch_to[kept++] = to;
  }
  m_faults->counters.partition_dropped += m_batch_to.size() - kept;
  m_batch_to.resize(kept);
}

}  // namespace

Topology build_topology(const Scenario& sc, std::uint64_t seed, const ProgressFn& progress) {
  const std::uint64_t s = stream_seed(seed, Stream::topology);
  const auto& t = sc.topology;
  TopologyProgressFn links;
  if (progress) {
    links = [&](std::uint64_t done, std::uint64_t expected) {
      Progress p{"topology", 0, 0, sc.workload.queries, 0};
      p.links = done;
      p.links_expected = expected;
      progress(p);
    };
  }
  switch (t.kind) {
    case TopologyKind::random_regular: return make_random_regular(sc.peers, t.degree, s, links);
    case TopologyKind::erdos_renyi: return make_erdos_renyi(sc.peers, t.degree_mean, s, links);
    case TopologyKind::barabasi_albert: return make_barabasi_albert(sc.peers, t.attach, s, links);
    case TopologyKind::watts_strogatz: return make_watts_strogatz(sc.peers, t.degree, t.rewire, s, links);
    case TopologyKind::k_out: return make_k_out(sc.peers, t.k, s, links);
    case TopologyKind::edge_list: return load_edge_list(t.file);
  }
  throw TopologyError("unknown topology kind");
}

RunResult run_on_topology(const Scenario& scenario, std::uint64_t seed, const Topology& topology,
                          const ProgressFn& progress, const DeliveryTap& tap) {
  if (scenario.search.strategy == Strategy::chord) {
    return run_chord(scenario, seed, static_cast<std::uint32_t>(topology.peer_count()), topology.labels, progress);
  }
  Simulation sim(scenario, seed, topology, progress, tap);
  return sim.run();
}

RunResult run_simulation(const Scenario& scenario, std::uint64_t seed, const ProgressFn& progress, const DeliveryTap& tap) {
  if (scenario.search.strategy == Strategy::chord) {
    // Chord ignores the overlay: only an edge list's node labels (its peer addresses) are needed.
    if (scenario.topology.kind != TopologyKind::edge_list) {
      return run_chord(scenario, seed, scenario.peers, {}, progress);
    }
    const Topology topology = build_topology(scenario, seed);
    return run_chord(scenario, seed, static_cast<std::uint32_t>(topology.peer_count()), topology.labels, progress);
  }
  if (progress) progress(Progress{"topology", 0, 0, scenario.workload.queries, 0});
  auto topology = std::make_unique<Topology>(build_topology(scenario, seed, progress));
  Simulation sim(scenario, seed, *topology, progress, tap);
  topology.reset();  // peers hold their own neighbour lists now
  return sim.run();
}

}  // namespace zonal::sim
