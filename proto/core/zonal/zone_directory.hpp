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
  ZoneDirectory(std::vector<std::vector<PeerId>> members, std::uint64_t epoch);

  /// Number of zones; home zones are computed against this.
  std::uint32_t zone_count() const noexcept { return static_cast<std::uint32_t>(m_offsets.size() - 1); }
  /// Members of `zone` (empty when out of range).
  std::span<const PeerId> members(ZoneId zone) const noexcept;
  /// Tracker epoch this snapshot belongs to.
  std::uint64_t epoch() const noexcept { return m_epoch; }

 private:
  std::vector<std::uint32_t> m_offsets;  // CSR offsets, size zone_count + 1
  std::vector<PeerId> m_members;
  std::uint64_t m_epoch;
};

}  // namespace zonal
