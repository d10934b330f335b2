/// Flood-family run planning: the phases of one run (registration, zones, publication, queries)
/// and the per-peer rows of peers.csv once it is over.
#include <algorithm>
#include <limits>

#include "engine/core/run_setup.hpp"
#include "engine/flood/flood_simulation.hpp"
#include "zonal/hash.hpp"
#include "zonal/zone_links.hpp"

namespace zonal::sim {
namespace {

PeerConfig peer_config(const Scenario& sc) {
  PeerConfig c;
  c.seen_capacity = sc.search.seen_capacity;
  c.publish_replicas = sc.zones.publish_replicas;
  c.zone_placement = sc.zones.placement;
  c.zone_entry = sc.zones.entry;
  c.query_timeout_us = sc.search.timeout_us();
  // Simulated peers are honest: the receive-side caps against hostile peers never bind.
  c.walk_ttl_hops_max = sc.search.params.walk_ttl_hops;
  c.parked_walks_max = std::numeric_limits<std::uint32_t>::max();
  return c;
}

}  // namespace

FloodSimulation::FloodSimulation(const Scenario& sc, std::uint64_t seed, const Topology& topo,
                                 const ProgressFn& progress, const DeliveryTap& tap, bool check,
                                 const RunOptions& options)
    : m_sc(sc),
      m_topo(topo),
      m_seed(seed),
      m_tap(tap),
      m_tracker_id(static_cast<PeerId>(topo.peer_count())),
      m_tracker(m_tracker_id, tracker_config(sc)),
      m_network(sc.latency, sc.faults, stream_seed(seed, Stream::network)),
      m_queue(bucket_width_us(), bucket_count),
      m_measure(static_cast<std::uint32_t>(topo.peer_count()), topo.labels, progress, sc.workload.queries, options,
                sc.search.timeout_us()),
      m_timers(topo.peer_count()),
      m_peer_config(peer_config(sc)),
      m_check(check),
      m_window_parallel_min(options.window_parallel_min) {
  create_peers(topo);
}

RunResult FloodSimulation::run() {
  m_result.seed = m_seed;
  m_result.strategy = m_sc.search.strategy;
  register_all();
  m_result.zone_count = m_tracker.zone_count();
  install_zones();
  share_content();
  run_queries();
  m_measure.finish(m_result, m_now);
  m_faults.finish(m_result);
  collect_peer_loads();
  m_result.events = m_queue.pushed();
  m_result.end_us = m_now;
  return std::move(m_result);
}

// Every peer borrows the one configuration and its neighbour list in the topology's CSR array,
// and seeds its random stream with mix64(base ^ p) from the configuration: a relay-only peer is
// its 96-byte object and nothing else.
void FloodSimulation::create_peers(const Topology& topo) {
  m_peer_config.rng_seed_base = stream_seed(m_seed, Stream::peers);
  const std::size_t n = topo.peer_count();
  m_result.peers = static_cast<std::uint32_t>(n);
  m_result.edges = topo.edge_count();
  m_peers.reserve(n);
  m_tracker.reserve(n);
  for (PeerId p = 0; p < n; ++p) {
    m_peers.emplace_back(p, &m_peer_config);
    const auto nb = topo.neighbours(p);
    m_peers.back().borrow_links(nb, nb.size());
  }
}

// Peers join one after another, evenly over the first simulated second; each join event
// schedules the next, so the queue never holds a million pending registrations.
void FloodSimulation::register_all() {
  if (m_peers.empty()) return;
  m_join_gap_us = std::max<TimeUs>(1, 1'000'000 / static_cast<TimeUs>(m_peers.size()));
  m_queue.push(Event{m_now, 0, 0, no_peer, EventKind::join, 0, {}});
  run_until_idle("register");
}

void FloodSimulation::join(PeerId id) {
  m_peers[id].connect_tracker(m_now, m_tracker_id);
  drain_peer(id);
  if (id + 1 < m_peers.size()) m_queue.push(Event{m_now + m_join_gap_us, 0, id + 1, no_peer, EventKind::join, 0, {}});
}

void FloodSimulation::install_zones() {
  if (m_sc.search.strategy != Strategy::zone_flood) return;  // flooding needs no zone directory
  install_directory(m_tracker.directory(), false);
}

// Zone links computed from `directory` (as every real node computes its own), and the directory,
// to every peer (`live_only`: to the online ones, which then republish if the zone count changed).
void FloodSimulation::install_directory(std::shared_ptr<const ZoneDirectory> directory, bool live_only) {
  std::vector<std::vector<PeerId>> zones(directory->zone_count());
  for (ZoneId z = 0; z < zones.size(); ++z) zones[z].assign(directory->members(z).begin(), directory->members(z).end());
  const std::uint64_t links_seed = m_sc.zones.links_seed.value_or(stream_seed(m_seed, Stream::zone_links));
  auto links = make_zone_links(m_peers.size(), zones, m_sc.zones.degree, links_seed);
  zones = {};
  if (!live_only) borrow_zone_links(links);
  for (PeerId p = 0; p < m_peers.size(); ++p) {
    if (live_only && !m_faults.state().online(p)) continue;
    if (live_only) m_peers[p].set_zone_neighbours(std::move(links[p]));  // the others keep the array they borrow
    m_peers[p].handle_zone_directory(m_now, directory);
    if (live_only) drain_peer(p);
  }
  m_directory = std::move(directory);
}

// Every peer's overlay links followed by its zone links `links[p]` (freed as they are copied),
// in one array the peers borrow; it replaces the one they borrowed before.
void FloodSimulation::borrow_zone_links(std::vector<std::vector<PeerId>>& links) {
  std::size_t total = 0;
  for (PeerId p = 0; p < m_peers.size(); ++p) total += m_peers[p].overlay_neighbours().size() + links[p].size();
  std::vector<PeerId> all;
  all.reserve(total);  // no reallocation below: peers point into it as it fills
  for (PeerId p = 0; p < m_peers.size(); ++p) {
    const auto overlay = m_peers[p].overlay_neighbours();
    const std::size_t start = all.size();
    all.insert(all.end(), overlay.begin(), overlay.end());
    all.insert(all.end(), links[p].begin(), links[p].end());
    std::vector<PeerId>().swap(links[p]);
    m_peers[p].borrow_links({all.data() + start, all.size() - start}, overlay.size());
  }
  m_links_with_zones = std::move(all);  // the buffer moves, the peers' pointers stay valid
}

void FloodSimulation::share_content() {
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

void FloodSimulation::run_queries() {
  const auto peers = static_cast<std::uint32_t>(m_peers.size());
  m_stream = std::make_unique<QueryStream>(m_sc.workload, *m_content, peers, stream_seed(m_seed, Stream::workload));
  m_measure.start_query_phase(m_now, m_sc.output.timeseries_ms, peers);
  if (FaultLayer::needed(m_sc)) start_faults();  // before the first gap is drawn
  next_query_arrival();  // the first one: always
  run_until_idle("queries");
}

// The rows of peers.csv (40 bytes a peer) take the place of the peers: what they need from the
// peers is copied out first (zone degrees only when zones were installed; file and record counts
// of the few peers that have any), then the peers and their timers are freed.
void FloodSimulation::collect_peer_loads() {
  struct Held {
    PeerId peer;
    std::uint32_t files;
    std::uint32_t records;
  };
  std::vector<Held> held;
  std::vector<std::uint32_t> zone_degree;
  for (PeerId p = 0; p < m_peers.size(); ++p) {
    const Peer& peer = m_peers[p];
    const auto files = static_cast<std::uint32_t>(peer.index().local().size());
    const auto records = static_cast<std::uint32_t>(peer.index().record_count());
    if (files != 0 || records != 0) held.push_back(Held{p, files, records});
    const auto zone = static_cast<std::uint32_t>(peer.zone_neighbours().size());
    if (zone != 0 && zone_degree.empty()) zone_degree.resize(m_peers.size(), 0);
    if (zone != 0) zone_degree[p] = zone;
  }
  decltype(m_peers)().swap(m_peers);
  m_timers = TimerTable(0);
  std::size_t next = 0;  // rows are filled in peer order
  m_measure.collect_peer_loads(
      m_result, [&](PeerId p) { return m_tracker.zone_of(p); },
      [&](PeerId p, PeerLoad& load) {
        load.degree = static_cast<std::uint32_t>(m_topo.neighbours(p).size());
        load.zone_degree = zone_degree.empty() ? 0 : zone_degree[p];
        if (next < held.size() && held[next].peer != p) {
          next = static_cast<std::size_t>(std::lower_bound(held.begin(), held.end(), p,
                                                           [](const Held& h, PeerId q) { return h.peer < q; }) -
                                          held.begin());
        }
        if (next < held.size() && held[next].peer == p) {
          load.files = held[next].files;
          load.records = held[next].records;
          ++next;
        }
      });
}

}  // namespace zonal::sim
