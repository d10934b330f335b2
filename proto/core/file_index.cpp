#include "zonal/file_index.hpp"

#include <algorithm>
#include <limits>

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

namespace {

constexpr TimeUs us_per_s = 1'000'000;

bool before(FileKey a_key, PeerId a_holder, FileKey b_key, PeerId b_holder) {
  return a_key != b_key ? a_key < b_key : a_holder < b_holder;
}

/// `us` (> 0) in whole seconds rounded up, clamped to the 32-bit field (136 years of node uptime).
std::uint32_t seconds_up(TimeUs us) {
  const TimeUs s = (us + us_per_s - 1) / us_per_s;
  return static_cast<std::uint32_t>(std::clamp<TimeUs>(s, 1, std::numeric_limits<std::uint32_t>::max()));
}

}  // namespace

void FileIndex::add_record(FileKey key, PeerId holder, TimeUs expires_us) {
  auto& records = data().records;
  auto it = std::lower_bound(records.begin(), records.end(), key, [holder](const Record& r, FileKey k) {
    return before(r.key, r.holder, k, holder);
  });
  const std::uint32_t expires_s = expires_us > 0 ? seconds_up(expires_us) : 0;
  if (it != records.end() && it->key == key && it->holder == holder) {
    it->expires_s = expires_s;  // renewed by the holder's republication
  } else {
    records.insert(it, Record{key, holder, expires_s});
  }
}

std::size_t FileIndex::expire_records(TimeUs now) {
  if (!m_data) return 0;
  const TimeUs now_s = now / us_per_s;
  return std::erase_if(m_data->records, [now_s](const Record& r) { return r.expires_s != 0 && r.expires_s <= now_s; });
}

std::optional<PeerId> FileIndex::record_holder(FileKey key) const noexcept {
  if (!m_data) return std::nullopt;
  const auto& records = m_data->records;
  auto it = std::lower_bound(records.begin(), records.end(), key, [](const Record& r, FileKey k) { return r.key < k; });
  if (it == records.end() || it->key != key) return std::nullopt;
  return it->holder;
}

}  // namespace zonal
