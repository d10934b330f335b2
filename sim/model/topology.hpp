#pragma once
/// Overlay graphs for the simulator: generators (via Boost.Graph where it has one) and
/// SNAP edge-list loading, all producing one compact undirected CSR graph.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "zonal/types.hpp"

namespace zonal::sim {

/// Undirected simple graph in CSR form: each edge appears in both endpoints' lists,
/// no self-loops, no parallel edges, each neighbour list sorted ascending.
struct Topology {
  std::vector<std::uint32_t> offsets;  ///< size peer_count() + 1
  std::vector<PeerId> targets;         ///< concatenated neighbour lists
  std::vector<std::uint64_t> labels;   ///< external node id per dense peer (edge-list files); empty = identity

  std::size_t peer_count() const noexcept { return offsets.empty() ? 0 : offsets.size() - 1; }
  std::size_t edge_count() const noexcept { return targets.size() / 2; }
  std::span<const PeerId> neighbours(PeerId p) const noexcept {
    return {targets.data() + offsets[p], targets.data() + offsets[p + 1]};
  }
  /// Identifier printed in outputs: the file's node id for edge lists, else the dense id.
  std::uint64_t label(PeerId p) const noexcept { return labels.empty() ? p : labels[p]; }
};

/// Error while building or loading a topology; what() names the file/line or parameter.
struct TopologyError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Called while a topology is built, about every 2^20 links: (links so far, links expected).
/// May throw to abandon the build (an interrupted sweep does).
using TopologyProgressFn = std::function<void(std::uint64_t links, std::uint64_t expected)>;

/// Build a CSR topology from an undirected edge list over `peers` nodes (duplicates,
/// reversed duplicates and self-loops are dropped). Call from every generator.
Topology topology_from_edges(std::size_t peers, std::vector<std::pair<PeerId, PeerId>> edges);

/// Give the memory freed while building a topology (edge lists as big as the graph, generator
/// state) back to the system; call once the build's temporaries are gone (build_topology does):
/// glibc may have carved them from its heap, where they would stay resident for the whole run.
void release_freed_memory();

/// Random d-regular graph (configuration model, pairing retried; leftover stubs dropped). peers*degree must be even.
Topology make_random_regular(std::uint32_t peers, std::uint32_t degree, std::uint64_t seed,
                             const TopologyProgressFn& progress = {});
/// Erdos-Renyi G(n, p) with p = degree_mean / (n - 1), via boost::sorted_erdos_renyi_iterator.
Topology make_erdos_renyi(std::uint32_t peers, double degree_mean, std::uint64_t seed,
                          const TopologyProgressFn& progress = {});
/// Barabasi-Albert preferential attachment: each new node attaches to `attach` distinct existing nodes.
Topology make_barabasi_albert(std::uint32_t peers, std::uint32_t attach, std::uint64_t seed,
                              const TopologyProgressFn& progress = {});
/// Watts-Strogatz small world (ring lattice of even degree k, rewiring probability p), via boost::small_world_iterator.
Topology make_watts_strogatz(std::uint32_t peers, std::uint32_t degree, double rewire, std::uint64_t seed,
                              const TopologyProgressFn& progress = {});
/// PeerSim's WireKOut made undirected: each peer links to `k` distinct other peers drawn uniformly;
/// links drawn from both ends are kept once, so degrees are >= k (mean just under 2k).
Topology make_k_out(std::uint32_t peers, std::uint32_t k, std::uint64_t seed, const TopologyProgressFn& progress = {});
/// What loading an edge list dropped: links from a node to itself, and links listed more than
/// once (in either direction).
struct EdgeListStats {
  std::size_t lines = 0;       ///< link lines read
  std::size_t self_loops = 0;
  std::size_t duplicates = 0;
};

/// Load a SNAP edge list ("# comment" lines, then "from<TAB or space>to" per line); links are undirected.
/// Node ids become labels; dense ids follow first appearance order. Throws TopologyError naming file:line.
/// `stats`, when given, receives what was dropped (scenario validation reports it).
Topology load_edge_list(const std::filesystem::path& file, EdgeListStats* stats = nullptr);

}  // namespace zonal::sim
