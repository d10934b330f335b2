#pragma once
/// Immutable snapshot of zone membership, as the tracker publishes it.
#include <cstdint>
#include <span>
#include <vector>

#include "zonal/types.hpp"

namespace zonal {

/// Zone -> members table. Peers hold a shared snapshot; the tracker makes a new one per epoch.
class ZoneDirectory {
 public:
  /// Build from per-zone member lists (zone i = members[i]); call from the tracker or a driver.
  /// `links_seed` seeds the computed zone and overlay links (zonal/zone_links.hpp).
  ZoneDirectory(std::vector<std::vector<PeerId>> members, std::uint64_t epoch, std::uint64_t links_seed = 0);

  /// Number of zones; home zones are computed against this.
  std::uint32_t zone_count() const noexcept { return static_cast<std::uint32_t>(m_offsets.size() - 1); }
  /// Members of `zone` (empty when out of range).
  std::span<const PeerId> members(ZoneId zone) const noexcept;
  /// Tracker epoch this snapshot belongs to.
  std::uint64_t epoch() const noexcept { return m_epoch; }
  /// Seed every holder of this snapshot uses to compute the same zone links.
  std::uint64_t links_seed() const noexcept { return m_links_seed; }

 private:
  std::vector<std::uint32_t> m_offsets;  // CSR offsets, size zone_count + 1
  std::vector<PeerId> m_members;
  std::uint64_t m_epoch;
  std::uint64_t m_links_seed;
};

}  // namespace zonal
