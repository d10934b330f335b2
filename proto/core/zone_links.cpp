#include "zonal/zone_links.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <unordered_set>

#include "zonal/hash.hpp"
#include "zonal/rng.hpp"
#include "zonal/zone_directory.hpp"

namespace zonal {
namespace {

constexpr std::uint64_t overlay_salt = 0x6f7665726c6179ull;  // "overlay"

std::uint64_t edge_key(std::uint32_t a, std::uint32_t b) noexcept {
  return (std::uint64_t{std::min(a, b)} << 32) | std::max(a, b);
}

/// Builds one group's links over member positions.
class GroupLinker {
 public:
  GroupLinker(std::span<const PeerId> members, std::uint64_t seed) : m_members(members), m_rng(seed), m_adj(members.size()) {}

  void add_ring() {
    const auto n = static_cast<std::uint32_t>(m_members.size());
    if (n == 2) link(0, 1);
    if (n < 3) return;
    for (std::uint32_t i = 0; i < n; ++i) link(i, (i + 1) % n);
  }

  void add_chords(std::uint32_t degree) {
    const std::uint64_t n = m_members.size();
    if (n < 2) return;
    const std::uint64_t wanted = std::min(n * (n - 1) / 2, (n * degree + 1) / 2);
    const auto bound = static_cast<std::uint32_t>(n);
    while (m_edges.size() < wanted) link(m_rng.below(bound), m_rng.below(bound));
  }

  std::vector<std::vector<PeerId>> finish() {
    std::vector<std::vector<PeerId>> out(m_adj.size());
    for (std::size_t i = 0; i < m_adj.size(); ++i) {
      for (std::uint32_t j : m_adj[i]) out[i].push_back(m_members[j]);
      std::sort(out[i].begin(), out[i].end());
    }
    return out;
  }

 private:
  void link(std::uint32_t a, std::uint32_t b) {
    if (a == b || !m_edges.insert(edge_key(a, b)).second) return;
    m_adj[a].push_back(b);
    m_adj[b].push_back(a);
  }

  std::span<const PeerId> m_members;
  Rng m_rng;
  std::vector<std::vector<std::uint32_t>> m_adj;
  std::unordered_set<std::uint64_t> m_edges;
};

void check_unique(std::span<const PeerId> members) {
  std::vector<PeerId> sorted(members.begin(), members.end());
  std::sort(sorted.begin(), sorted.end());
  const auto repeat = std::adjacent_find(sorted.begin(), sorted.end());
  if (repeat != sorted.end())
    throw std::invalid_argument("zone links: peer " + std::to_string(*repeat) + " listed twice in a zone");
}

std::vector<PeerId> neighbours_in(PeerId self, std::span<const PeerId> members, std::uint32_t degree,
                                  std::uint64_t seed) {
  const auto it = std::find(members.begin(), members.end(), self);
  if (it == members.end()) return {};
  auto links = group_links(members, degree, seed);
  return std::move(links[static_cast<std::size_t>(it - members.begin())]);
}

}  // namespace

std::vector<std::vector<PeerId>> group_links(std::span<const PeerId> members, std::uint32_t degree,
                                             std::uint64_t seed) {
  check_unique(members);
  GroupLinker linker(members, seed);
  linker.add_ring();
  linker.add_chords(degree);
  return linker.finish();
}

std::uint64_t zone_links_seed(std::uint64_t links_seed, ZoneId zone) noexcept {
  return mix64(links_seed ^ mix64(zone));
}

std::vector<std::vector<PeerId>> make_zone_links(std::size_t peers, std::span<const std::vector<PeerId>> zones,
                                                 std::uint32_t degree, std::uint64_t seed) {
  std::vector<std::vector<PeerId>> links(peers);
  for (ZoneId z = 0; z < zones.size(); ++z) {
    const auto& members = zones[z];
    for (const PeerId p : members) {
      if (p >= peers)
        throw std::invalid_argument("zone links: member " + std::to_string(p) + " outside [0, " +
                                    std::to_string(peers) + ")");
    }
    auto group = group_links(members, degree, zone_links_seed(seed, z));
    for (std::size_t i = 0; i < members.size(); ++i) links[members[i]] = std::move(group[i]);
  }
  return links;
}

std::vector<PeerId> zone_neighbours_of(PeerId self, const ZoneDirectory& directory, std::uint32_t degree) {
  for (ZoneId z = 0; z < directory.zone_count(); ++z) {
    const auto members = directory.members(z);
    if (std::find(members.begin(), members.end(), self) != members.end())
      return neighbours_in(self, members, degree, zone_links_seed(directory.links_seed(), z));
  }
  return {};
}

std::vector<PeerId> overlay_neighbours_of(PeerId self, const ZoneDirectory& directory, std::uint32_t degree) {
  std::vector<PeerId> all;
  for (ZoneId z = 0; z < directory.zone_count(); ++z) {
    const auto members = directory.members(z);
    all.insert(all.end(), members.begin(), members.end());
  }
  std::sort(all.begin(), all.end());
  return neighbours_in(self, all, degree, mix64(directory.links_seed() ^ overlay_salt));
}

}  // namespace zonal
