#include "zonal/chord_records.hpp"

#include <algorithm>

namespace zonal {

bool ChordRecords::add(const ChordRecord& record) {
  if (!m_records) m_records = std::make_unique<std::vector<ChordRecord>>();
  auto& records = *m_records;
  const auto it = std::lower_bound(records.begin(), records.end(), record);
  if (it != records.end() && *it == record) {
    it->expires_s = record.expires_s;  // renewed by the holder's republication
    return false;
  }
  records.insert(it, record);
  return true;
}

std::size_t ChordRecords::expire(TimeUs now) {
  if (!m_records) return 0;
  const auto now_s = static_cast<std::uint64_t>(now / 1'000'000);
  const std::size_t dropped = std::erase_if(*m_records, [now_s](const ChordRecord& r) { return r.expires_s != 0 && r.expires_s <= now_s; });
  if (m_records->empty()) m_records.reset();
  return dropped;
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
