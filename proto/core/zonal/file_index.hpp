#pragma once
/// A peer's local file index: files it holds and index records published to it.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "zonal/types.hpp"

namespace zonal {

/// Sorted vectors: small per peer, cache-friendly, and deterministic to iterate. Allocated
/// on first use, so the many peers that hold nothing cost one pointer.
class FileIndex {
 public:
  FileIndex() = default;
  FileIndex(FileIndex&&) noexcept = default;
  FileIndex& operator=(FileIndex&&) noexcept = default;

  /// Record that this peer holds `key`; call when a file is shared.
  void add_local(FileKey key);
  /// True when this peer holds `key` itself.
  bool has_local(FileKey key) const noexcept;
  /// Store an index record "holder has key" that lapses at `expires_us` (core time; 0: never),
  /// or renew it when already kept; call on Publish.
  void add_record(FileKey key, PeerId holder, TimeUs expires_us = 0);
  /// Drop the records that lapsed by `now` (whole seconds); returns how many. Call periodically.
  std::size_t expire_records(TimeUs now);
  /// Lowest-id holder recorded for `key`, if any.
  std::optional<PeerId> record_holder(FileKey key) const noexcept;
  /// Files held locally, sorted by key.
  std::span<const FileKey> local() const noexcept {
    return m_data ? std::span<const FileKey>(m_data->local) : std::span<const FileKey>();
  }
  /// Number of index records kept for others.
  std::size_t record_count() const noexcept { return m_data ? m_data->records.size() : 0; }

 private:
  struct Record {
    FileKey key;
    PeerId holder;
    std::uint32_t expires_s = 0;  ///< core time in whole seconds, rounded up; 0: never (fits the padding)
  };
  struct Data {
    std::vector<FileKey> local;
    std::vector<Record> records;
  };
  Data& data();

  std::unique_ptr<Data> m_data;
};

}  // namespace zonal
