/// Intra-zone overlays: a ring per zone for connectivity plus seeded random chords.
#include <algorithm>
#include <boost/random/mersenne_twister.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <unordered_set>

#include "topology.hpp"

namespace zonal::sim {
namespace {

/// Builds one zone at a time into the shared per-peer neighbour lists.
class ZoneLinker {
 public:
  ZoneLinker(std::size_t peers, std::uint32_t degree, std::uint64_t seed)
      : m_degree(degree), m_engine(seed), m_links(peers) {}

  void add_zone(const std::vector<PeerId>& members) {
    check_members(members);
    m_zone_edges.clear();
    add_ring(members);
    add_chords(members);
  }

  std::vector<std::vector<PeerId>> finish() {
    for (auto& list : m_links) std::sort(list.begin(), list.end());
    return std::move(m_links);
  }

 private:
  /// Members must be valid peers, each listed once (else chords could never complete a zone).
  void check_members(const std::vector<PeerId>& members) const {
    for (const PeerId p : members) {
      if (p >= m_links.size()) {
        throw TopologyError("zone links: member " + std::to_string(p) + " outside [0, " +
                            std::to_string(m_links.size()) + ")");
      }
    }
    std::vector<PeerId> sorted(members);
    std::sort(sorted.begin(), sorted.end());
    const auto repeat = std::adjacent_find(sorted.begin(), sorted.end());
    if (repeat != sorted.end()) {
      throw TopologyError("zone links: peer " + std::to_string(*repeat) + " listed twice in a zone");
    }
  }

  static std::uint64_t key(PeerId a, PeerId b) noexcept {
    return (std::uint64_t{std::min(a, b)} << 32) | std::max(a, b);
  }

  void link(PeerId a, PeerId b) {
    if (a == b || !m_zone_edges.insert(key(a, b)).second) return;
    if (std::find(m_links[a].begin(), m_links[a].end(), b) != m_links[a].end()) return;  // via another zone
    m_links[a].push_back(b);
    m_links[b].push_back(a);
  }

  void add_ring(const std::vector<PeerId>& members) {
    const std::size_t n = members.size();
    if (n == 2) link(members[0], members[1]);
    if (n < 3) return;
    for (std::size_t i = 0; i < n; ++i) link(members[i], members[(i + 1) % n]);
  }

  /// Random member pairs until the zone holds ceil(n * degree / 2) links or is complete.
  void add_chords(const std::vector<PeerId>& members) {
    const std::uint64_t n = members.size();
    if (n < 2) return;
    const std::uint64_t complete = n * (n - 1) / 2;
    const std::uint64_t wanted = std::min(complete, (n * m_degree + 1) / 2);
    boost::random::uniform_int_distribution<std::uint64_t> pick(0, n - 1);
    while (m_zone_edges.size() < wanted) link(members[pick(m_engine)], members[pick(m_engine)]);
  }

  std::uint32_t m_degree;
  boost::random::mt19937_64 m_engine;
  std::vector<std::vector<PeerId>> m_links;
  std::unordered_set<std::uint64_t> m_zone_edges;  ///< this zone's links, for duplicate rejection
};

}  // namespace

std::vector<std::vector<PeerId>> make_zone_links(std::size_t peers, std::span<const std::vector<PeerId>> zones,
                                                 std::uint32_t degree, std::uint64_t seed) {
  ZoneLinker linker(peers, degree, seed);
  for (const auto& members : zones) linker.add_zone(members);
  return linker.finish();
}

}  // namespace zonal::sim
