/// CSR construction shared by every topology source (generators and edge-list files).
#include "model/topology.hpp"

#include <algorithm>
#include <limits>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace zonal::sim {
namespace {

/// Throw unless every endpoint is a valid dense id below `peers`.
void check_endpoints(std::size_t peers, const std::vector<std::pair<PeerId, PeerId>>& edges) {
  for (const auto& [a, b] : edges) {
    if (a >= peers || b >= peers) {
      throw TopologyError("topology: link (" + std::to_string(a) + ", " + std::to_string(b) +
                          ") names a peer outside [0, " + std::to_string(peers) + ")");
    }
  }
}

/// Offsets (size peers + 1) from the degree of each endpoint, self-loops excluded.
std::vector<std::uint32_t> count_offsets(std::size_t peers, const std::vector<std::pair<PeerId, PeerId>>& edges) {
  std::vector<std::uint32_t> offsets(peers + 1, 0);
  for (const auto& [a, b] : edges) {
    if (a == b) continue;
    ++offsets[a + 1];
    ++offsets[b + 1];
  }
  for (std::size_t p = 0; p < peers; ++p) offsets[p + 1] += offsets[p];
  return offsets;
}

/// Sort every neighbour list and drop repeated neighbours, compacting `targets` in place.
void sort_and_dedup(Topology& topo) {
  std::uint32_t write = 0;
  std::uint32_t begin = topo.offsets[0];
  for (std::size_t p = 0; p + 1 < topo.offsets.size(); ++p) {
    const std::uint32_t end = topo.offsets[p + 1];  // read before offsets[p + 1] is rewritten
    const auto first = topo.targets.begin() + begin;
    std::sort(first, topo.targets.begin() + end);
    const auto last = std::unique(first, topo.targets.begin() + end);
    if (write != begin) std::move(first, last, topo.targets.begin() + write);  // write < begin: no overlap hazard
    topo.offsets[p] = write;
    write += static_cast<std::uint32_t>(last - first);
    begin = end;
  }
  topo.offsets.back() = write;
  topo.targets.resize(write);
  topo.targets.shrink_to_fit();
}

}  // namespace

Topology topology_from_edges(std::size_t peers, std::vector<std::pair<PeerId, PeerId>> edges) {
  if (peers >= std::numeric_limits<PeerId>::max()) throw TopologyError("topology: too many peers");
  if (edges.size() > std::numeric_limits<std::uint32_t>::max() / 2) throw TopologyError("topology: too many links");
  check_endpoints(peers, edges);
  Topology topo;
  topo.offsets = count_offsets(peers, edges);
  topo.targets.resize(topo.offsets.back());
  std::vector<std::uint32_t> cursor(topo.offsets.begin(), topo.offsets.end() - 1);
  for (const auto& [a, b] : edges) {
    if (a == b) continue;
    topo.targets[cursor[a]++] = b;
    topo.targets[cursor[b]++] = a;
  }
  std::vector<std::pair<PeerId, PeerId>>().swap(edges);  // release before compaction (`= {}` would keep
  std::vector<std::uint32_t>().swap(cursor);               // the capacity): the caller's copy was moved in
  sort_and_dedup(topo);
  return topo;
}

void release_freed_memory() {
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
}

}  // namespace zonal::sim
