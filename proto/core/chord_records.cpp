#include "zonal/chord_records.hpp"

#include <algorithm>

namespace zonal {

bool ChordRecords::add(const ChordRecord& record) {
  if (!m_records) m_records = std::make_unique<std::vector<ChordRecord>>();
  auto& records = *m_records;
  const auto it = std::lower_bound(records.begin(), records.end(), record);
  if (it != records.end() && *it == record) return false;
  records.insert(it, record);
  return true;
}

std::span<const ChordRecord> ChordRecords::of(ChordId key, FileKey file) const noexcept {
  if (!m_records) return {};
  const auto& records = *m_records;
  const auto first = std::lower_bound(records.begin(), records.end(), ChordRecord{key, file, 0});
  auto last = first;
  while (last != records.end() && last->key == key && last->file == file) ++last;
  return {first, last};
}

std::vector<ChordRecord> ChordRecords::take(const ChordSpace& space, ChordId from, ChordId to, bool erase) {
  std::vector<ChordRecord> out;
  if (!m_records) return out;
  const auto inside = [&](const ChordRecord& r) { return space.in_half_open(r.key, from, to); };
  std::copy_if(m_records->begin(), m_records->end(), std::back_inserter(out), inside);
  if (erase) std::erase_if(*m_records, inside);
  if (m_records->empty()) m_records.reset();
  return out;
}

}  // namespace zonal
