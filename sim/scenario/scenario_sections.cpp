/// Per-section parsing of one scenario run: every value is type- and range-checked.
#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <system_error>

#include "scenario/scenario_detail.hpp"
#include "model/topology.hpp"
#include "zonal/settings.hpp"
#include "zonal/strategy.hpp"
#include "zonal/time.hpp"

namespace zonal::sim::detail {
namespace {

namespace fs = std::filesystem;

constexpr std::uint32_t peers_max = 10'000'000;
constexpr std::uint32_t queries_max = 100'000'000;
constexpr std::uint32_t files_max = 10'000'000;
constexpr std::uint32_t replicas_max = 1000;
/// Links a generated topology may have: keeps every generator below its own limit (2^31 - 1 links).
constexpr std::uint64_t links_max = 1'000'000'000;
constexpr double latency_ms_max = 3'600'000;   ///< 1 hour: keeps microsecond clocks far from overflow
constexpr double rate_per_s_min = 0.001;
constexpr double rate_per_s_max = 1'000'000;
constexpr double start_ms_max = 86'400'000;  ///< 1 day

constexpr std::array<Choice<TopologyKind>, 6> topology_kinds{{{"random-regular", TopologyKind::random_regular},
                                                              {"erdos-renyi", TopologyKind::erdos_renyi},
                                                              {"barabasi-albert", TopologyKind::barabasi_albert},
                                                              {"watts-strogatz", TopologyKind::watts_strogatz},
                                                              {"k-out", TopologyKind::k_out},
                                                              {"edge-list", TopologyKind::edge_list}}};
constexpr std::array<Choice<LatencyKind>, 3> latency_kinds{
    {{"constant", LatencyKind::constant}, {"uniform", LatencyKind::uniform}, {"lognormal", LatencyKind::lognormal}}};
constexpr std::array<Choice<ZonePlacement>, 2> placements{
    {{zone_placement_name(ZonePlacement::random), ZonePlacement::random},
     {zone_placement_name(ZonePlacement::rendezvous), ZonePlacement::rendezvous}}};
constexpr std::array<Choice<ZoneEntry>, 2> entries{
    {{zone_entry_name(ZoneEntry::top), ZoneEntry::top}, {zone_entry_name(ZoneEntry::any_keeper), ZoneEntry::any_keeper}}};

/// Spelling of `value` in `choices` (for error messages).
template <class E, std::size_t N>
std::string_view name_of(const std::array<Choice<E>, N>& choices, E value) {
  for (const auto& c : choices) {
    if (c.value == value) return c.name;
  }
  return "?";
}

/// Keys a topology of `kind` accepts.
std::span<const std::string_view> topology_kind_keys(TopologyKind kind) noexcept {
  static constexpr std::array<std::string_view, 2> regular{"kind", "degree"};
  static constexpr std::array<std::string_view, 2> erdos{"kind", "degree_mean"};
  static constexpr std::array<std::string_view, 2> barabasi{"kind", "attach"};
  static constexpr std::array<std::string_view, 3> watts{"kind", "degree", "rewire"};
  static constexpr std::array<std::string_view, 2> k_out{"kind", "k"};
  static constexpr std::array<std::string_view, 2> edges{"kind", "file"};
  switch (kind) {
    case TopologyKind::random_regular: return regular;
    case TopologyKind::erdos_renyi: return erdos;
    case TopologyKind::barabasi_albert: return barabasi;
    case TopologyKind::watts_strogatz: return watts;
    case TopologyKind::k_out: return k_out;
    case TopologyKind::edge_list: return edges;
  }
  return {};
}

/// Keys a latency model of `kind` accepts.
std::span<const std::string_view> latency_kind_keys(LatencyKind kind) noexcept {
  static constexpr std::array<std::string_view, 2> constant{"kind", "mean_ms"};
  static constexpr std::array<std::string_view, 3> uniform{"kind", "min_ms", "max_ms"};
  static constexpr std::array<std::string_view, 3> lognormal{"kind", "mean_ms", "sigma"};
  switch (kind) {
    case LatencyKind::constant: return constant;
    case LatencyKind::uniform: return uniform;
    case LatencyKind::lognormal: return lognormal;
  }
  return {};
}

/// Resolve and check the edge-list file named by topology.file.
fs::path resolve_edge_list(const Section& s, const fs::path& base_dir) {
  const std::string path = s.path_of("file");
  const Json* v = s.find("file");
  if (v == nullptr) fail(path, "missing required key for kind \"edge-list\"");
  const std::string text = to_string(*v, path);
  if (text.empty()) fail(path, "must not be empty");
  std::error_code ec;
  fs::path full = fs::absolute(base_dir / text, ec).lexically_normal();
  const auto status = fs::status(full, ec);
  const std::string where = " (resolved to " + full.string() + ")";
  if (!fs::exists(status)) fail(path, "cannot open \"" + text + "\"" + where);
  if (!fs::is_regular_file(status)) fail(path, "\"" + text + "\" is not a regular file" + where);
  if (!std::ifstream(full)) fail(path, "cannot open \"" + text + "\"" + where);
  return full;
}

/// Watts-Strogatz lattice degree: even and >= 2.
std::uint32_t lattice_degree(const Section& s, std::uint32_t fallback) {
  const std::uint32_t degree = s.get_uint<std::uint32_t>("degree", fallback, 2);
  if (degree % 2 != 0) fail(s.path_of("degree"), "must be even, got " + std::to_string(degree));
  return degree;
}

/// The topology section's own values (checks against peers come later).
TopologySpec parse_topology(const Section& s, const fs::path& base_dir) {
  s.reject_unknown(section_keys("topology"));
  TopologySpec t;
  t.kind = s.get_choice<TopologyKind>("kind", t.kind, topology_kinds);
  s.reject_unknown(topology_kind_keys(t.kind), " for kind \"" + std::string(name_of(topology_kinds, t.kind)) + "\"");
  switch (t.kind) {
    case TopologyKind::random_regular: t.degree = s.get_uint<std::uint32_t>("degree", t.degree, 1); break;
    case TopologyKind::erdos_renyi: t.degree_mean = s.get_number("degree_mean", t.degree_mean, Bound{0, false}); break;
    case TopologyKind::barabasi_albert: t.attach = s.get_uint<std::uint32_t>("attach", t.attach, 1); break;
    case TopologyKind::watts_strogatz:
      t.degree = lattice_degree(s, t.degree);
      t.rewire = s.get_number("rewire", t.rewire, Bound{0}, Bound{1});
      break;
    case TopologyKind::k_out: t.k = s.get_uint<std::uint32_t>("k", t.k, 1); break;
    case TopologyKind::edge_list: t.file = resolve_edge_list(s, base_dir); break;
  }
  return t;
}

/// "must be < peers (N), got X" unless value < peers.
void require_below_peers(double value, std::uint32_t peers, const std::string& path) {
  if (value >= peers) fail(path, "must be < peers (" + std::to_string(peers) + "), got " + format_number(value));
}

/// "must be <= M for N peers (at most 1000000000 links), got X": the link cap of generated topologies.
[[noreturn]] void fail_links(const std::string& path, double max, std::uint32_t peers, double value) {
  fail(path, "must be <= " + format_number(max) + " for " + std::to_string(peers) + " peers (at most " +
                 std::to_string(links_max) + " links), got " + format_number(value));
}

/// Links of a Barabasi-Albert graph: a clique of attach + 1 peers, then attach links per further peer.
std::uint64_t barabasi_links(std::uint64_t peers, std::uint64_t attach) {
  return attach * (attach + 1) / 2 + (peers - attach - 1) * attach;
}

/// Topology parameters that depend on the peer count: exactly the generators' preconditions
/// (sim/model/topology_generators.cpp) plus the link cap, so a validated scenario always generates.
void check_topology_peers(const TopologySpec& t, std::uint32_t peers) {
  const std::uint64_t n = peers;
  switch (t.kind) {
    case TopologyKind::random_regular:  // degree < peers, peers * degree even
    case TopologyKind::watts_strogatz:  // degree even (checked when parsed), < peers; < peers - 1 if rewiring
      require_below_peers(t.degree, peers, "topology.degree");
      if (t.kind == TopologyKind::random_regular && (n * t.degree) % 2 != 0) {
        fail("topology.degree", "peers * degree must be even, got " + std::to_string(peers) + " * " +
                                    std::to_string(t.degree));
      }
      // Rewiring draws a target outside the lattice neighbourhood: a complete ring has none.
      if (t.kind == TopologyKind::watts_strogatz && t.rewire > 0 && t.degree + std::uint64_t{1} >= n) {
        fail("topology.degree", "must be < peers - 1 (" + std::to_string(n - 1) + ") when topology.rewire > 0, got " +
                                    std::to_string(t.degree));
      }
      if (n * t.degree / 2 > links_max) {
        std::uint64_t max = 2 * links_max / n;
        if (t.kind == TopologyKind::watts_strogatz) max -= max % 2;
        fail_links("topology.degree", static_cast<double>(max), peers, t.degree);
      }
      break;
    case TopologyKind::erdos_renyi:  // degree_mean <= peers - 1 (so peers >= 2, as degree_mean > 0)
      if (t.degree_mean > peers - 1.0) {
        fail("topology.degree_mean", "must be <= peers - 1 (" + std::to_string(n - 1) + "), got " +
                                         format_number(t.degree_mean));
      }
      if (n * t.degree_mean / 2 > static_cast<double>(links_max)) {
        fail_links("topology.degree_mean", 2.0 * static_cast<double>(links_max) / static_cast<double>(n), peers,
                   t.degree_mean);
      }
      break;
    case TopologyKind::barabasi_albert:  // attach < peers
      require_below_peers(t.attach, peers, "topology.attach");
      if (barabasi_links(n, t.attach) > links_max) {
        std::uint64_t max = 1;  // largest attach within the cap (links grow with attach below peers)
        for (std::uint64_t step = std::uint64_t{1} << 31; step > 0; step /= 2) {
          if (max + step < n && barabasi_links(n, max + step) <= links_max) max += step;
        }
        fail_links("topology.attach", static_cast<double>(max), peers, t.attach);
      }
      break;
    case TopologyKind::k_out:  // k distinct others per peer: k < peers; at most peers * k links
      require_below_peers(t.k, peers, "topology.k");
      if (n * t.k > links_max) fail_links("topology.k", static_cast<double>(links_max / n), peers, t.k);
      break;
    case TopologyKind::edge_list: break;
  }
}

/// Peer count: required absent for edge lists (0 = taken from the file).
std::uint32_t parse_peers(const Section& root, TopologyKind kind) {
  if (kind != TopologyKind::edge_list) return root.get_uint<std::uint32_t>("peers", 1000, 1, peers_max);
  if (root.has("peers")) fail("peers", "must be absent for edge-list topologies (the count comes from the file)");
  return 0;
}

/// The key `u` of section `s` within the core's range for it, else `fallback`.
template <class T>
T get_setting(const Section& s, const UintSetting& u, T fallback) {
  return s.get_uint<T>(u.key, fallback, static_cast<T>(u.min), static_cast<T>(u.max));
}

ZonesSpec parse_zones(const Section& s) {
  s.reject_unknown(section_keys("zones"));
  ZonesSpec z;
  z.count = s.get_uint<std::uint32_t>("count", z.count, 1);
  z.min_size = s.get_uint<std::uint32_t>("min_size", z.min_size, 1);
  z.degree = s.get_uint<std::uint32_t>("degree", z.degree, 1);
  z.placement = s.get_choice<ZonePlacement>("placement", z.placement, placements);
  z.publish_replicas = get_setting(s, setting::publish_replicas, z.publish_replicas);
  z.entry = s.get_choice<ZoneEntry>("entry", z.entry, entries);
  if (s.has("links_seed")) z.links_seed = s.get_uint<std::uint64_t>("links_seed", 0, 0);
  return z;
}

LatencySpec parse_latency(const Section& s) {
  s.reject_unknown(section_keys("latency"));
  LatencySpec l;
  l.kind = s.get_choice<LatencyKind>("kind", l.kind, latency_kinds);
  s.reject_unknown(latency_kind_keys(l.kind), " for kind \"" + std::string(name_of(latency_kinds, l.kind)) + "\"");
  l.mean_ms = at_most(s.get_number("mean_ms", l.mean_ms, Bound{0}), latency_ms_max, s.path_of("mean_ms"));
  l.min_ms = at_most(s.get_number("min_ms", l.min_ms, Bound{0}), latency_ms_max, s.path_of("min_ms"));
  l.max_ms = at_most(s.get_number("max_ms", l.max_ms, Bound{0}), latency_ms_max, s.path_of("max_ms"));
  l.sigma = s.get_number("sigma", l.sigma, Bound{0, false}, Bound{5});
  if (l.kind == LatencyKind::uniform && l.max_ms < l.min_ms) {
    fail(s.path_of("max_ms"), "must be >= latency.min_ms (" + format_number(l.min_ms) + "), got " +
                                  format_number(l.max_ms));
  }
  return l;
}

/// Content; replicas are checked against `peers` (for edge lists: the file's node count).
ContentSpec parse_content(const Section& s, std::uint32_t peers, bool from_file, const PeerIds& ids) {
  s.reject_unknown(section_keys("content"));
  ContentSpec c;
  c.files = s.get_uint<std::uint32_t>("files", c.files, 1, files_max);
  if (s.has("files_per_peer")) {  // scales the file count with a swept peer count
    if (s.has("files")) fail(s.path_of("files_per_peer"), "cannot be combined with files");
    const double per_peer = s.get_number("files_per_peer", 1.0, Bound{0, false});
    const double files = std::max(1.0, std::round(per_peer * peers));
    c.files = static_cast<std::uint32_t>(at_most(files, files_max, s.path_of("files_per_peer") + " * peers"));
  }
  c.replicas = s.get_uint<std::uint32_t>("replicas", c.replicas, 1, replicas_max);
  c.placement = parse_placement(s, ids);
  if (!c.placement.empty()) {
    if (s.has("files") || s.has("replicas")) fail(s.path_of("placement"), "cannot be combined with files or replicas");
    if (s.has("files_per_peer")) fail(s.path_of("placement"), "cannot be combined with files_per_peer");
    c.files = static_cast<std::uint32_t>(c.placement.size());
    return c;
  }
  if (c.replicas > peers) {
    fail(s.path_of("replicas"), "must be <= peers (" + std::to_string(peers) + (from_file ? ", from topology.file" : "") +
                                    "), got " + std::to_string(c.replicas));
  }
  return c;
}

WorkloadSpec parse_workload(const Section& s, const PeerIds& ids) {
  s.reject_unknown(section_keys("workload"));
  WorkloadSpec w;
  w.script = parse_script(s, ids);
  if (!w.script.empty()) {
    if (s.has("queries")) fail(s.path_of("script"), "cannot be combined with queries (the script sets the count)");
    if (s.has("start_ms")) fail(s.path_of("script"), "cannot be combined with start_ms (the script sets the times)");
    w.queries = static_cast<std::uint32_t>(w.script.size());
    return w;
  }
  w.queries = s.get_uint<std::uint32_t>("queries", w.queries, 1, queries_max);
  w.rate_per_s = at_most(s.get_number("rate_per_s", w.rate_per_s, Bound{rate_per_s_min}), rate_per_s_max,
                         s.path_of("rate_per_s"));
  w.zipf_alpha = s.get_number("zipf_alpha", w.zipf_alpha, Bound{0});
  w.missing_fraction = s.get_number("missing_fraction", w.missing_fraction, Bound{0}, Bound{1});
  w.start_ms = at_most(s.get_number("start_ms", w.start_ms, Bound{0}), start_ms_max, s.path_of("start_ms"));
  return w;
}

SearchSpec parse_search(const Section& s) {
  s.reject_unknown(section_keys("search"));
  std::array<Choice<Strategy>, strategy_count> strategies{};
  for (std::size_t i = 0; i < strategy_count; ++i) strategies[i] = {strategy_name(all_strategies[i]), all_strategies[i]};
  SearchSpec q;
  SearchParams& p = q.params;
  q.strategy = s.get_choice<Strategy>("strategy", q.strategy, strategies);
  p.ttl_hops = get_setting(s, setting::ttl, p.ttl_hops);
  q.seen_capacity = get_setting(s, setting::seen_capacity, q.seen_capacity);
  q.timeout_ms = at_most(s.get_number("timeout_ms", q.timeout_ms, Bound{0, false}),
                         static_cast<double>(setting::timeout_ms.max), s.path_of("timeout_ms"));
  // Keys of the other strategies are validated but ignored, so one search section serves a
  // sweep over search.strategy.
  p.walkers = get_setting(s, setting::walkers, p.walkers);
  p.walk_ttl_hops = get_setting(s, setting::walk_ttl, p.walk_ttl_hops);
  p.walk_check_every = get_setting(s, setting::check_every, p.walk_check_every);
  p.ring_ttl_start = get_setting(s, setting::ring_start, p.ring_ttl_start);
  p.ring_ttl_step = get_setting(s, setting::ring_step, p.ring_ttl_step);
  p.ring_wait_us = us_from_ms(at_most(s.get_number("ring_wait_ms", ms_from_us(p.ring_wait_us), Bound{0, false}),
                                      static_cast<double>(setting::ring_wait_ms.max), s.path_of("ring_wait_ms")));
  return q;
}

}  // namespace

std::uint32_t EdgeListCache::peers(const fs::path& file, const std::string& path) {
  auto [it, inserted] = m_entries.try_emplace(file);
  Entry& entry = it->second;
  if (inserted) {
    try {
      EdgeListStats stats;
      const Topology topo = load_edge_list(file, &stats);
      entry.peers = static_cast<std::uint32_t>(topo.peer_count());
      for (PeerId p = 0; p < entry.peers; ++p) entry.ids.emplace(topo.label(p), p);
      entry.lines = stats.lines;
      entry.self_loops = stats.self_loops;
      entry.duplicates = stats.duplicates;
    } catch (const TopologyError& e) {
      entry.error = e.what();
    }
  }
  if (!entry.error.empty()) fail(path, entry.error);
  return entry.peers;
}

const std::unordered_map<std::uint64_t, PeerId>& EdgeListCache::ids(const fs::path& file) const {
  return m_entries.at(file).ids;
}

std::vector<std::string> EdgeListCache::drop_reports() const {
  std::vector<std::string> reports;
  for (const auto& [file, e] : m_entries) {
    if (!e.error.empty() || (e.self_loops == 0 && e.duplicates == 0)) continue;
    reports.push_back(file.string() + ": dropped " + std::to_string(e.self_loops) + " self-loop(s) and " +
                      std::to_string(e.duplicates) + " duplicate link(s) of " + std::to_string(e.lines) +
                      " link lines (links are undirected: a-b and b-a are one link)");
  }
  return reports;
}

Scenario parse_run(const Json& doc, const fs::path& base_dir, EdgeListCache& edge_lists) {
  const Section root(&doc, "");
  Scenario s;
  const Section topology = root.sub("topology");
  s.topology = parse_topology(topology, base_dir);
  s.peers = parse_peers(root, s.topology.kind);
  const bool from_file = s.topology.kind == TopologyKind::edge_list;
  const std::uint32_t peers = from_file ? edge_lists.peers(s.topology.file, topology.path_of("file")) : s.peers;
  check_topology_peers(s.topology, s.peers);
  s.zones = parse_zones(root.sub("zones"));
  s.latency = parse_latency(root.sub("latency"));
  s.faults = parse_faults(root.sub("faults"), s.zones);
  const PeerIds ids(peers, from_file ? &edge_lists.ids(s.topology.file) : nullptr, s.topology.file.string());
  s.content = parse_content(root.sub("content"), peers, from_file, ids);
  s.workload = parse_workload(root.sub("workload"), ids);
  s.search = parse_search(root.sub("search"));
  s.chord = parse_chord(root.sub("chord"), peers);
  check_churn_volume(s, peers);
  s.output = parse_output(root.sub("output"), s);
  return s;
}

}  // namespace zonal::sim::detail
