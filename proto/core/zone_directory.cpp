#include "zonal/zone_directory.hpp"

namespace zonal {

ZoneDirectory::ZoneDirectory(std::vector<std::vector<PeerId>> members, std::uint64_t epoch,
                             std::uint64_t links_seed)
    : m_epoch(epoch), m_links_seed(links_seed) {
  m_offsets.reserve(members.size() + 1);
  m_offsets.push_back(0);
  for (const auto& zone : members) {
    m_members.insert(m_members.end(), zone.begin(), zone.end());
    m_offsets.push_back(static_cast<std::uint32_t>(m_members.size()));
  }
}

std::span<const PeerId> ZoneDirectory::members(ZoneId zone) const noexcept {
  if (zone >= zone_count()) return {};
  return {m_members.data() + m_offsets[zone], m_members.data() + m_offsets[zone + 1]};
}

}  // namespace zonal
