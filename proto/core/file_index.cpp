#include "zonal/file_index.hpp"

#include <algorithm>

namespace zonal {

FileIndex::Data& FileIndex::data() {
  if (!m_data) m_data = std::make_unique<Data>();
  return *m_data;
}

void FileIndex::add_local(FileKey key) {
  auto& local = data().local;
  auto it = std::lower_bound(local.begin(), local.end(), key);
  if (it == local.end() || *it != key) local.insert(it, key);
}

bool FileIndex::has_local(FileKey key) const noexcept {
  return m_data && std::binary_search(m_data->local.begin(), m_data->local.end(), key);
}

void FileIndex::add_record(FileKey key, PeerId holder) {
  auto& records = data().records;
  const Record rec{key, holder};
  auto it = std::lower_bound(records.begin(), records.end(), rec);
  if (it == records.end() || *it != rec) records.insert(it, rec);
}

std::optional<PeerId> FileIndex::record_holder(FileKey key) const noexcept {
  if (!m_data) return std::nullopt;
  const auto& records = m_data->records;
  auto it = std::lower_bound(records.begin(), records.end(), Record{key, 0});
  if (it == records.end() || it->key != key) return std::nullopt;
  return it->holder;
}

}  // namespace zonal
