/// Random overlay generators. Every random draw goes through Boost.Random engines and
/// distributions so a seed yields the same graph with any standard library.
#include <algorithm>
#include <boost/graph/erdos_renyi_generator.hpp>
#include <boost/graph/graph_traits.hpp>
#include <boost/graph/small_world_generator.hpp>
#include <boost/random/mersenne_twister.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <cmath>

#include "model/topology.hpp"

namespace zonal::sim {
namespace {

using Engine = boost::random::mt19937_64;
using Edges = std::vector<std::pair<PeerId, PeerId>>;

/// Type-only stand-in for an undirected Boost graph: the generator iterators read its
/// traits, so no boost::adjacency_list is ever instantiated or filled.
struct UndirectedShape {
  using vertex_descriptor = std::size_t;
  using edge_descriptor = std::pair<std::size_t, std::size_t>;
  using directed_category = boost::undirected_tag;
  using edge_parallel_category = boost::disallow_parallel_edge_tag;
  using traversal_category = boost::incidence_graph_tag;
  using vertices_size_type = std::size_t;
  using edges_size_type = std::size_t;
  using degree_size_type = std::size_t;
};

/// Cheap-to-copy handle on an engine: boost::small_world_iterator copies its generator
/// twice per edge, which would otherwise copy the 2.5 KB Mersenne Twister state.
class EngineRef {
 public:
  using result_type = Engine::result_type;
  explicit EngineRef(Engine& engine) noexcept : m_engine(&engine) {}
  static result_type min() noexcept { return Engine::min(); }
  static result_type max() noexcept { return Engine::max(); }
  result_type operator()() { return (*m_engine)(); }

 private:
  Engine* m_engine;
};

/// Reports progress every 2^20 links (cheap to call per link).
class LinkTicker {
 public:
  LinkTicker(const TopologyProgressFn& progress, std::uint64_t expected) : m_progress(progress), m_expected(expected) {}
  void operator()(std::uint64_t links) {
    if (links < m_next || !m_progress) return;
    m_next = links + step;
    m_progress(links, m_expected);
  }

 private:
  static constexpr std::uint64_t step = std::uint64_t{1} << 20;
  const TopologyProgressFn& m_progress;
  std::uint64_t m_expected;
  std::uint64_t m_next = step;
};

/// Uniform integer in [0, bound); bound > 0.
std::uint64_t uniform_below(Engine& engine, std::uint64_t bound) {
  return boost::random::uniform_int_distribution<std::uint64_t>(0, bound - 1)(engine);
}

/// Fisher-Yates shuffle (std::shuffle's draw order is implementation-defined).
void shuffle(std::vector<PeerId>& items, Engine& engine) {
  for (std::size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[uniform_below(engine, i)]);
}

/// Configuration model with a flat per-peer adjacency table (peers * degree slots) for
/// O(degree) duplicate checks; failed pairs are retried through random edge switches.
class RegularBuilder {
 public:
  RegularBuilder(std::uint32_t peers, std::uint32_t degree, std::uint64_t seed)
      : m_degree(degree), m_engine(seed), m_adj(std::size_t{peers} * degree), m_fill(peers, 0) {}

  Edges build(const TopologyProgressFn& progress) {
    LinkTicker tick(progress, m_adj.size() / 2);
    std::vector<PeerId> stubs(m_adj.size());
    for (std::size_t i = 0; i < stubs.size(); ++i) stubs[i] = static_cast<PeerId>(i / m_degree);
    shuffle(stubs, m_engine);
    m_edges.reserve(stubs.size() / 2);
    Edges failed;
    for (std::size_t i = 0; i + 1 < stubs.size(); i += 2) {
      if (!try_link(stubs[i], stubs[i + 1])) failed.emplace_back(stubs[i], stubs[i + 1]);
      tick(i / 2);
    }
    std::vector<PeerId>().swap(stubs);
    for (const auto& [a, b] : failed) retry_by_switching(a, b);  // pairs still failing are dropped
    return std::move(m_edges);
  }

 private:
  static constexpr int switch_attempts = 64;

  bool linked(PeerId a, PeerId b) const {
    const auto row = m_adj.begin() + static_cast<std::ptrdiff_t>(std::size_t{a} * m_degree);
    return std::find(row, row + m_fill[a], b) != row + m_fill[a];
  }
  void add_half(PeerId a, PeerId b) { m_adj[std::size_t{a} * m_degree + m_fill[a]++] = b; }
  void remove_half(PeerId a, PeerId b) {
    const auto row = m_adj.begin() + static_cast<std::ptrdiff_t>(std::size_t{a} * m_degree);
    *std::find(row, row + m_fill[a], b) = row[--m_fill[a]];
  }
  bool try_link(PeerId a, PeerId b) {
    if (a == b || linked(a, b)) return false;
    add_half(a, b);
    add_half(b, a);
    m_edges.emplace_back(a, b);
    return true;
  }
  /// Replace a random existing edge {x, y} by {a, x} and {b, y} when both are new and simple.
  void retry_by_switching(PeerId a, PeerId b) {
    for (int attempt = 0; attempt < switch_attempts && !m_edges.empty(); ++attempt) {
      const std::size_t index = uniform_below(m_engine, m_edges.size());
      auto [x, y] = m_edges[index];
      if (uniform_below(m_engine, 2) == 1) std::swap(x, y);
      if (a == x || b == y || linked(a, x) || linked(b, y) || (a == b && x == y)) continue;
      remove_half(x, y);
      remove_half(y, x);
      add_half(a, x);
      add_half(x, a);
      m_edges[index] = {a, x};
      try_link(b, y);  // cannot fail: checked above, and {b, y} differs from {a, x}
      return;
    }
  }

  std::uint32_t m_degree;
  Engine m_engine;
  std::vector<PeerId> m_adj;
  std::vector<std::uint32_t> m_fill;
  Edges m_edges;
};

/// Pick `attach` distinct targets from the degree-weighted endpoint list.
void pick_targets(Engine& engine, const std::vector<PeerId>& endpoints, std::uint32_t attach,
                  std::vector<PeerId>& chosen) {
  chosen.clear();
  while (chosen.size() < attach) {
    const PeerId candidate = endpoints[uniform_below(engine, endpoints.size())];
    if (std::find(chosen.begin(), chosen.end(), candidate) == chosen.end()) chosen.push_back(candidate);
  }
}

/// All links absent from `sparse` (used for dense regular graphs, which pairing cannot reach).
Edges complement_edges(const Topology& sparse) {
  const auto peers = static_cast<PeerId>(sparse.peer_count());
  Edges edges;
  for (PeerId a = 0; a < peers; ++a) {
    const auto present = sparse.neighbours(a);
    auto next = std::upper_bound(present.begin(), present.end(), a);
    for (PeerId b = a + 1; b < peers; ++b) {
      if (next != present.end() && *next == b) {
        ++next;
      } else {
        edges.emplace_back(a, b);
      }
    }
  }
  return edges;
}

}  // namespace

Topology make_random_regular(std::uint32_t peers, std::uint32_t degree, std::uint64_t seed,
                             const TopologyProgressFn& progress) {
  if (peers == 0) throw TopologyError("random_regular: peers must be > 0");
  if (degree >= peers) throw TopologyError("random_regular: degree must be < peers");
  if ((std::uint64_t{peers} * degree) % 2 != 0) throw TopologyError("random_regular: peers * degree must be even");
  if (degree == 0) return topology_from_edges(peers, {});
  if (2 * std::uint64_t{degree} > peers) {  // dense: a sparse (peers - 1 - degree)-regular graph's complement
    return topology_from_edges(peers, complement_edges(make_random_regular(peers, peers - 1 - degree, seed)));
  }
  return topology_from_edges(peers, RegularBuilder(peers, degree, seed).build(progress));
}

Topology make_erdos_renyi(std::uint32_t peers, double degree_mean, std::uint64_t seed,
                          const TopologyProgressFn& progress) {
  if (peers == 0) throw TopologyError("erdos_renyi: peers must be > 0");
  if (!(degree_mean >= 0.0) || degree_mean > peers - 1.0) {
    throw TopologyError("erdos_renyi: degree_mean must be in [0, peers - 1]");
  }
  if (peers < 2 || degree_mean == 0.0) return topology_from_edges(peers, {});
  const double probability = degree_mean / (peers - 1.0);
  const double expected = peers * degree_mean / 2.0;
  Edges edges;
  edges.reserve(static_cast<std::size_t>(expected + 6.0 * std::sqrt(expected) + 16.0));
  if (probability >= 1.0) {  // the geometric skip needs p < 1
    for (PeerId a = 1; a < peers; ++a) {
      for (PeerId b = 0; b < a; ++b) edges.emplace_back(a, b);
    }
    return topology_from_edges(peers, std::move(edges));
  }
  Engine engine(seed);
  LinkTicker tick(progress, static_cast<std::uint64_t>(expected));
  using Iterator = boost::sorted_erdos_renyi_iterator<Engine, UndirectedShape>;
  for (Iterator it(engine, peers, probability), end; it != end; ++it) {
    edges.emplace_back(static_cast<PeerId>(it->first), static_cast<PeerId>(it->second));
    tick(edges.size());
  }
  return topology_from_edges(peers, std::move(edges));
}

Topology make_barabasi_albert(std::uint32_t peers, std::uint32_t attach, std::uint64_t seed,
                              const TopologyProgressFn& progress) {
  if (attach == 0) throw TopologyError("barabasi_albert: attach must be >= 1");
  if (peers <= attach) throw TopologyError("barabasi_albert: peers must be > attach");
  Engine engine(seed);
  Edges edges;
  edges.reserve(std::size_t{peers} * attach);
  std::vector<PeerId> endpoints;  // each edge's two ends: uniform pick = degree-proportional pick
  endpoints.reserve(2 * edges.capacity());
  for (PeerId a = 0; a <= attach; ++a) {  // seed clique of attach + 1 peers, each of degree attach
    for (PeerId b = 0; b < a; ++b) {
      edges.emplace_back(a, b);
      endpoints.insert(endpoints.end(), {a, b});
    }
  }
  std::vector<PeerId> chosen;
  LinkTicker tick(progress, std::uint64_t{peers} * attach);
  for (PeerId peer = attach + 1; peer < peers; ++peer) {
    tick(edges.size());
    pick_targets(engine, endpoints, attach, chosen);
    for (const PeerId target : chosen) {
      edges.emplace_back(peer, target);
      endpoints.insert(endpoints.end(), {peer, target});
    }
  }
  std::vector<PeerId>().swap(endpoints);
  return topology_from_edges(peers, std::move(edges));
}

Topology make_watts_strogatz(std::uint32_t peers, std::uint32_t degree, double rewire, std::uint64_t seed,
                              const TopologyProgressFn& progress) {
  if (peers == 0) throw TopologyError("watts_strogatz: peers must be > 0");
  if (degree % 2 != 0) throw TopologyError("watts_strogatz: degree must be even");
  if (degree >= peers) throw TopologyError("watts_strogatz: degree must be < peers");
  if (!(rewire >= 0.0 && rewire <= 1.0)) throw TopologyError("watts_strogatz: rewire must be in [0, 1]");
  if (rewire > 0.0 && degree + 1 >= peers) {  // boost would search forever for a target outside the lattice
    throw TopologyError("watts_strogatz: degree must be < peers - 1 when rewire > 0");
  }
  if (degree == 0) return topology_from_edges(peers, {});
  Engine engine(seed);
  EngineRef engine_ref(engine);
  Edges edges;
  edges.reserve(std::size_t{peers} * degree / 2);
  LinkTicker tick(progress, std::uint64_t{peers} * degree / 2);
  using Iterator = boost::small_world_iterator<EngineRef, UndirectedShape>;
  for (Iterator it(engine_ref, peers, degree, rewire), end; it != end; ++it) {
    edges.emplace_back(static_cast<PeerId>(it->first), static_cast<PeerId>(it->second));
    tick(edges.size());
  }
  return topology_from_edges(peers, std::move(edges));
}

Topology make_k_out(std::uint32_t peers, std::uint32_t k, std::uint64_t seed, const TopologyProgressFn& progress) {
  if (peers == 0) throw TopologyError("k_out: peers must be > 0");
  if (k >= peers) throw TopologyError("k_out: k must be < peers");
  Engine engine(seed);
  Edges edges;
  edges.reserve(std::size_t{peers} * k);
  LinkTicker tick(progress, std::uint64_t{peers} * k);
  // Floyd's sampling of k distinct values among the peers - 1 others (value v >= a is peer v + 1):
  // exactly k draws per peer; mark[v] == a + 1 says v is already taken for peer a.
  const std::uint32_t others = peers - 1;
  std::vector<std::uint32_t> mark(others, 0);
  for (PeerId a = 0; a < peers; ++a) {
    for (std::uint32_t j = others - k; j < others; ++j) {
      auto v = static_cast<std::uint32_t>(uniform_below(engine, std::uint64_t{j} + 1));
      if (mark[v] == a + 1) v = j;
      mark[v] = a + 1;
      edges.emplace_back(a, v >= a ? v + 1 : v);
    }
    tick(edges.size());
  }
  std::vector<std::uint32_t>().swap(mark);
  return topology_from_edges(peers, std::move(edges));
}

}  // namespace zonal::sim
