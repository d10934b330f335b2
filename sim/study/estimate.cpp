#include "study/estimate.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "engine/core/query_log.hpp"


namespace zonal::sim {
namespace {

// Calibration constants (bytes), fitted to peak RSS measured with /usr/bin/time on flood,
// zone-flood, random-walk and Chord runs of 20,000 to 200,000 peers (docs/results.md).
constexpr double base_bytes = 16e6;           ///< program, allocator arenas, small tables
constexpr double per_peer_bytes = 250;        ///< Peer (96 B), tracker record, per-peer loads; fitted when they were 168 B: generous now
constexpr double per_link_bytes = 8;          ///< neighbour ids, per directed link
constexpr double per_seen_id_bytes = 16;      ///< one remembered query id (two generations, load 3/4)
constexpr double per_query_bytes = 100;       ///< QueryRecord, open-search state, workload entry (rows in memory)
constexpr double per_file_copy_bytes = 64;    ///< a held file or an index record
constexpr double per_in_flight_bytes = 16;    ///< a message in the event queue (batched deliveries)
constexpr double per_chord_node_bytes = 500;  ///< Chord: fingers, successor list, pending lookups

double mean_degree(const Scenario& sc) {
  switch (sc.topology.kind) {
    case TopologyKind::random_regular: return sc.topology.degree;
    case TopologyKind::erdos_renyi: return sc.topology.degree_mean;
    case TopologyKind::barabasi_albert: return 2.0 * sc.topology.attach;
    case TopologyKind::k_out: return 2.0 * sc.topology.k;  // at most; a few links are drawn twice
    case TopologyKind::watts_strogatz: return sc.topology.degree;
    case TopologyKind::edge_list: return 10.0;  // unknown before loading; SNAP P2P graphs are sparse
  }
  return 8.0;
}

/// Transmissions of a TTL-limited flood over `peers` nodes of mean degree `d`.
double flood_messages(double peers, double d, double ttl) {
  double reached = 0, frontier = 1;
  for (int hop = 1; hop <= static_cast<int>(ttl) && reached < peers; ++hop) {
    frontier *= hop == 1 ? d : std::max(1.0, d - 1.0);
    reached = std::min(peers, reached + frontier);
  }
  return reached * d;
}

double messages_per_query(const Scenario& sc, double d) {
  const double peers = sc.peers;
  const double ttl = sc.search.params.ttl_hops;
  switch (sc.search.strategy) {
    case Strategy::flood: return flood_messages(peers, d, ttl);
    case Strategy::zone_flood: {
      const double zone = peers / std::max<double>(1, sc.zones.count);
      return zone * std::max<double>(1, sc.zones.degree);
    }
    case Strategy::random_walk: return static_cast<double>(sc.search.params.walkers) * std::min<double>(sc.search.params.walk_ttl_hops, peers);
    case Strategy::expanding_ring: {
      double total = 0;
      for (double t = sc.search.params.ring_ttl_start; t < ttl; t += std::max<double>(1, sc.search.params.ring_ttl_step)) {
        total += flood_messages(peers, d, t);
      }
      return total + flood_messages(peers, d, ttl);
    }
    case Strategy::chord: return 3.0 * std::log2(std::max(2.0, peers)) + 4.0;
  }
  return 0;
}

/// Most queries of the workload that start within one `window_s` of simulated time.
double queries_within(const Scenario& sc, double queries, double window_s) {
  const auto& script = sc.workload.script;
  if (script.empty()) return std::min(queries, std::ceil(sc.workload.rate_per_s * window_s));
  std::size_t most = 0;  // the script is sorted by time: slide a window over it
  for (std::size_t first = 0, last = 0; last < script.size(); ++last) {
    while (script[last].at_ms - script[first].at_ms >= window_s * 1000.0) ++first;
    most = std::max(most, last - first + 1);
  }
  return static_cast<double>(most);
}

}  // namespace

/// Distinct peers one query reaches (each remembers its id).
double reached_per_query(const Scenario& sc, double d, double per_query) {
  switch (sc.search.strategy) {
    case Strategy::zone_flood: return static_cast<double>(sc.peers) / std::max<double>(1, sc.zones.count);
    case Strategy::chord: return 0.0;  // Chord nodes keep no seen table
    default: return std::min<double>(sc.peers, per_query / std::max(1.0, d));
  }
}

RunEstimate estimate_run(const Scenario& sc) {
  const double peers = sc.peers;
  const double d = mean_degree(sc);
  const double queries = sc.workload.script.empty() ? sc.workload.queries : sc.workload.script.size();
  const double per_query = messages_per_query(sc, d);
  const double copies = static_cast<double>(sc.content.files) * sc.content.replicas;
  RunEstimate e;
  e.events = 3.0 * peers + copies * (1.0 + sc.zones.publish_replicas) + queries * per_query * 1.2;
  // Messages in flight: the query phase's message rate (its busiest second) times the mean latency.
  const double in_flight = queries_within(sc, queries, 1.0) * per_query * std::max(0.001, sc.latency.mean_ms / 1000.0);
  // zonal-sim spools query rows older than the horizon to disk (query_log.hpp), and peers forget
  // query ids after a timeout (two generations): only the queries of those windows cost memory.
  const double timeout_s = sc.search.timeout_ms / 1000.0;
  const double rows_in_memory = queries_within(sc, queries, query_rows_horizon_us(sc.search.timeout_us()) / 1e6);
  const double ids_remembered = queries_within(sc, queries, 2.0 * timeout_s);
  const double seen_ids_per_peer = std::min<double>(
      sc.search.seen_capacity, ids_remembered * reached_per_query(sc, d, per_query) / std::max(1.0, peers));
  const double chord_bytes = sc.search.strategy == Strategy::chord ? peers * per_chord_node_bytes : 0.0;
  e.memory_bytes = base_bytes + chord_bytes + peers * per_peer_bytes + peers * d * per_link_bytes +
                   peers * seen_ids_per_peer * per_seen_id_bytes + rows_in_memory * per_query_bytes +
                   copies * per_file_copy_bytes + std::min(e.events, in_flight) * per_in_flight_bytes;
  return e;
}

std::uint64_t physical_memory_bytes() {
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page = ::sysconf(_SC_PAGE_SIZE);
  return pages > 0 && page > 0 ? static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page) : 0;
}

std::string format_bytes(double bytes) {
  char buf[32];
  if (bytes >= 1e9) std::snprintf(buf, sizeof buf, "%.1f GB", bytes / 1e9);
  else std::snprintf(buf, sizeof buf, "%.0f MB", std::ceil(bytes / 1e6));
  return buf;
}

}  // namespace zonal::sim
