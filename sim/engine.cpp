#include "engine.hpp"

#include <algorithm>
#include <limits>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "event_queue.hpp"
#include "network.hpp"
#include "workload.hpp"
#include "zonal/hash.hpp"
#include "zonal/peer.hpp"
#include "zonal/tracker.hpp"
#include "zonal/zone_links.hpp"

namespace zonal::sim {
namespace {

constexpr TimeUs no_timer = std::numeric_limits<TimeUs>::max();

// Independent random streams of one run, derived from its seed.
enum class Stream : std::uint64_t { topology = 1, content = 2, workload = 3, network = 4, zone_links = 5, peers = 6 };

std::uint64_t stream_seed(std::uint64_t seed, Stream s) { return mix64(seed ^ mix64(static_cast<std::uint64_t>(s))); }

PeerConfig peer_config(const Scenario& sc) {
  PeerConfig c;
  c.seen_capacity = sc.search.seen_capacity;
  c.publish_replicas = sc.zones.publish_replicas;
  c.zone_placement = sc.zones.placement;
  c.query_timeout_us = static_cast<TimeUs>(sc.search.timeout_ms * 1000.0);
  return c;
}

TrackerConfig tracker_config(const Scenario& sc) {
  return TrackerConfig{sc.zones.count, sc.zones.min_size, 0};
}

class Simulation {
 public:
  Simulation(const Scenario& sc, std::uint64_t seed, const Topology& topo, const ProgressFn& progress)
      : m_sc(sc),
        m_seed(seed),
        m_labels(topo.labels),
        m_progress(progress),
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
  void share_content();
  void run_queries();
  void run_until_idle(std::string_view phase);
  void dispatch(Event& e);
  void prefetch_ahead();
  void deliver(Event& e);
  void drain_peer(PeerId id);
  void drain_tracker();
  void transmit(PeerId from, Transmit&& t);
  void transmit_batched(PeerId from, Peer& peer);
  std::optional<TimeUs> account(PeerId from, const Message& msg);
  void arm_timer(PeerId id, std::optional<TimeUs> deadline);
  void fire_timer(PeerId id);
  void start_query();
  void on_event(const PeerEvent& ev);
  QueryRecord* record_of(QueryId id);
  void report(std::string_view phase);
  void collect_peer_loads();

  const Scenario& m_sc;
  std::uint64_t m_seed;
  std::vector<std::uint64_t> m_labels;  // edge-list node ids; empty = dense ids
  const ProgressFn& m_progress;
  PeerId m_tracker_id;
  Tracker m_tracker;
  Network m_network;
  EventQueue m_queue;
  std::vector<Peer> m_peers;
  std::vector<TimeUs> m_timer_at;
  std::vector<std::uint32_t> m_received;  // compact per-peer counter: hot on every delivery
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
  collect_peer_loads();
  m_result.events = m_queue.pushed();
  m_result.end_us = m_now;
  return std::move(m_result);
}

void Simulation::create_peers(const Topology& topo) {
  const PeerConfig config = peer_config(m_sc);
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
  m_result.peers_load.resize(n);
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
  const auto directory = m_tracker.directory();
  std::vector<std::vector<PeerId>> zones(directory->zone_count());
  for (ZoneId z = 0; z < zones.size(); ++z) zones[z].assign(directory->members(z).begin(), directory->members(z).end());
  const std::uint64_t links_seed = m_sc.zones.links_seed.value_or(stream_seed(m_seed, Stream::zone_links));
  auto links = make_zone_links(m_peers.size(), zones, m_sc.zones.degree, links_seed);
  for (PeerId p = 0; p < m_peers.size(); ++p) {
    m_peers[p].set_zone_neighbours(std::move(links[p]));
    m_peers[p].handle_zone_directory(m_now, directory);
  }
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
  m_queue.push(Event{m_now + m_stream->next_gap_us(), 0, no_peer, no_peer, EventKind::query_arrival, 0, {}});
  run_until_idle("queries");
}

void Simulation::run_until_idle(std::string_view phase) {
  std::uint64_t handled = 0;
  while (!m_queue.empty()) {
    Event e = m_queue.pop();
    prefetch_ahead();
    m_now = e.time_us;
    dispatch(e);
    if ((++handled & 0xFFFF) == 0) report(phase);
  }
  report(phase);
}

// Deliveries are memory-bound (a random peer and its seen table each): start loading the
// peer three events ahead and, once that is cached, its seen-table slot one event ahead.
void Simulation::prefetch_ahead() {
  if (const auto far = m_queue.peek(3); far && far->to < m_peers.size()) m_peers[far->to].prefetch_state();
  if (const auto near = m_queue.peek(1); near && near->to < m_peers.size()) m_peers[near->to].prefetch(*near->msg);
}

void Simulation::dispatch(Event& e) {
  switch (e.kind) {
    case EventKind::deliver: return deliver(e);
    case EventKind::timer: return fire_timer(e.to);
    case EventKind::query_arrival: return start_query();
    case EventKind::join: return join(e.to);
    case EventKind::deliver_batch: return;  // internal to EventQueue: never popped
  }
}

void Simulation::deliver(Event& e) {
  if (e.to == m_tracker_id) {
    m_tracker.handle_message(m_now, e.from, e.msg);
    return drain_tracker();
  }
  const Arrival arrival = m_peers[e.to].handle_message(m_now, e.from, e.msg);
  if (m_measuring) {
    ++m_received[e.to];
    if (const auto* q = std::get_if<Query>(&e.msg)) {
      if (QueryRecord* r = record_of(q->query_id)) {
        r->reached += arrival == Arrival::fresh;
        r->duplicates += arrival == Arrival::duplicate;
      }
    }
  }
  if (arrival == Arrival::duplicate || arrival == Arrival::dropped) return;  // no output by contract
  drain_peer(e.to);
}

void Simulation::drain_peer(PeerId id) {
  Peer& peer = m_peers[id];
  if (m_network.constant_delay()) {
    transmit_batched(id, peer);
  } else {
    while (auto t = peer.poll_transmit()) transmit(id, std::move(*t));
  }
  while (auto ev = peer.poll_event()) on_event(*ev);
  arm_timer(id, peer.poll_timeout());
}

void Simulation::drain_tracker() {
  while (auto t = m_tracker.poll_transmit()) transmit(m_tracker_id, std::move(*t));
}

void Simulation::transmit(PeerId from, Transmit&& t) {
  if (const auto delay = account(from, t.msg))
    m_queue.push(Event{m_now + *delay, 0, t.to, from, EventKind::deliver, 0, std::move(t.msg)});
}

// Under constant latency a broadcast's copies all arrive together: consecutive transmissions
// of the same message become one queue entry (same order, same random draws, less memory).
void Simulation::transmit_batched(PeerId from, Peer& peer) {
  std::optional<Message> message;
  TimeUs delay_us = 0;
  const auto flush = [&] {
    if (!m_batch_to.empty()) m_queue.push_batch(m_now + delay_us, from, *message, m_batch_to);
    m_batch_to.clear();
  };
  while (auto t = peer.poll_transmit()) {
    if (message && !(t->msg == *message)) flush();
    const auto delay = account(from, t->msg);
    if (!delay) continue;
    if (m_batch_to.empty()) message = t->msg, delay_us = *delay;
    m_batch_to.push_back(t->to);
  }
  flush();
}

// Count one transmission; returns its delay, or nullopt when the network loses it.
std::optional<TimeUs> Simulation::account(PeerId from, const Message& msg) {
  if (const auto* q = std::get_if<Query>(&msg)) {
    if (QueryRecord* r = record_of(q->query_id)) ++r->messages;
  } else if (const auto* h = std::get_if<QueryHit>(&msg)) {
    if (QueryRecord* r = record_of(h->query_id)) ++r->hit_messages;
  } else if (std::holds_alternative<Publish>(msg)) {
    ++m_result.publish_messages;
  } else {
    ++m_result.registration_messages;
  }
  if (m_measuring && from != m_tracker_id) ++m_result.peers_load[from].sent;
  const auto delay = m_network.transit_us();
  if (!delay) ++m_result.lost_messages;
  return delay;
}

void Simulation::arm_timer(PeerId id, std::optional<TimeUs> deadline) {
  if (!deadline || *deadline >= m_timer_at[id]) return;
  m_timer_at[id] = *deadline;
  m_queue.push(Event{std::max(m_now, *deadline), 0, id, id, EventKind::timer, 0, {}});
}

void Simulation::fire_timer(PeerId id) {
  if (m_timer_at[id] <= m_now) m_timer_at[id] = no_timer;  // the earliest armed timer fired
  Peer& peer = m_peers[id];
  if (auto due = peer.poll_timeout(); due && *due <= m_now) peer.handle_timeout(m_now);
  drain_peer(id);
}

void Simulation::start_query() {
  const QueryRequest req = m_stream->next();
  Peer& origin = m_peers[req.origin];
  const QueryId id = origin.search(m_now, req.key, m_sc.search.strategy, SearchParams{m_sc.search.ttl_hops});
  QueryRecord rec;
  rec.ordinal = ++m_queries_started;
  rec.origin = label(req.origin);
  rec.strategy = m_sc.search.strategy;
  rec.zone = home_zone(req.key, m_tracker.zone_count());
  rec.exists = req.file >= 0;
  rec.started_us = m_now;
  m_query_index.emplace(id, static_cast<std::uint32_t>(m_result.queries.size()));
  m_result.queries.push_back(rec);
  m_cached = nullptr;  // the vector may have moved
  drain_peer(req.origin);
  if (m_queries_started < m_sc.workload.queries)
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
  for (PeerId p = 0; p < m_peers.size(); ++p) {
    PeerLoad& load = m_result.peers_load[p];
    const Peer& peer = m_peers[p];
    load.label = label(p);
    load.received = m_received[p];
    load.zone = m_tracker.zone_of(p);
    load.degree = static_cast<std::uint32_t>(peer.overlay_neighbours().size());
    load.zone_degree = static_cast<std::uint32_t>(peer.zone_neighbours().size());
    load.files = static_cast<std::uint32_t>(peer.index().local().size());
    load.records = static_cast<std::uint32_t>(peer.index().record_count());
  }
}

}  // namespace

Topology build_topology(const Scenario& sc, std::uint64_t seed) {
  const std::uint64_t s = stream_seed(seed, Stream::topology);
  const auto& t = sc.topology;
  switch (t.kind) {
    case TopologyKind::random_regular: return make_random_regular(sc.peers, t.degree, s);
    case TopologyKind::erdos_renyi: return make_erdos_renyi(sc.peers, t.degree_mean, s);
    case TopologyKind::barabasi_albert: return make_barabasi_albert(sc.peers, t.attach, s);
    case TopologyKind::watts_strogatz: return make_watts_strogatz(sc.peers, t.degree, t.rewire, s);
    case TopologyKind::edge_list: return load_edge_list(t.file);
  }
  throw TopologyError("unknown topology kind");
}

RunResult run_on_topology(const Scenario& scenario, std::uint64_t seed, const Topology& topology,
                          const ProgressFn& progress) {
  Simulation sim(scenario, seed, topology, progress);
  return sim.run();
}

RunResult run_simulation(const Scenario& scenario, std::uint64_t seed, const ProgressFn& progress) {
  if (progress) progress(Progress{"topology", 0, 0, scenario.workload.queries, 0});
  auto topology = std::make_unique<Topology>(build_topology(scenario, seed));
  Simulation sim(scenario, seed, *topology, progress);
  topology.reset();  // peers hold their own neighbour lists now
  return sim.run();
}

}  // namespace zonal::sim
