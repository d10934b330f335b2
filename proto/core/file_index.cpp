#include "zonal/file_index.hpp"

#include <algorithm>

namespace zonal {

void FileIndex::add_local(FileKey key) {
  auto it = std::lower_bound(m_local.begin(), m_local.end(), key);
  if (it == m_local.end() || *it != key) m_local.insert(it, key);
}

bool FileIndex::has_local(FileKey key) const noexcept {
  return std::binary_search(m_local.begin(), m_local.end(), key);
}

void FileIndex::add_record(FileKey key, PeerId holder) {
  const Record rec{key, holder};
  auto it = std::lower_bound(m_records.begin(), m_records.end(), rec);
  if (it == m_records.end() || *it != rec) m_records.insert(it, rec);
}

std::optional<PeerId> FileIndex::record_holder(FileKey key) const noexcept {
  auto it = std::lower_bound(m_records.begin(), m_records.end(), Record{key, 0});
  if (it == m_records.end() || it->key != key) return std::nullopt;
  return it->holder;
}

}  // namespace zonal
