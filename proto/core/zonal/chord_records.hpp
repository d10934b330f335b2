#pragma once
/// The index records a Chord node keeps for the keys it is responsible for (or replicates).
#include <cstdint>
#include <memory>
#include <span>
#include <tuple>
#include <vector>

#include "zonal/chord_id.hpp"

namespace zonal {

/// "holder has file", filed under the file's Chord key.
struct ChordRecord {
  ChordId key = 0;
  FileKey file = 0;
  PeerId holder = no_peer;
  std::uint32_t expires_s = 0;  ///< core time in whole seconds, rounded up; 0: never (fits the padding)
  /// Records are ordered and equal by (key, file, holder); the lifetime is not part of their identity.
  auto operator<=>(const ChordRecord& o) const noexcept {
    return std::tie(key, file, holder) <=> std::tie(o.key, o.file, o.holder);
  }
  bool operator==(const ChordRecord& o) const noexcept { return key == o.key && file == o.file && holder == o.holder; }
};

/// Sorted by (key, file, holder); allocated on first use so nodes that index nothing cost one pointer.
class ChordRecords {
 public:
  /// Add a record; false when it was already there (its lifetime is then renewed). Call on ChordStore.
  bool add(const ChordRecord& record);
  /// Drop the records that lapsed by `now` (whole seconds); returns how many. Call periodically.
  std::size_t expire(TimeUs now);
  /// Records of `file` (filed under `key`), holders in increasing PeerId order.
  std::span<const ChordRecord> of(ChordId key, FileKey file) const noexcept;
  /// All records, sorted.
  std::span<const ChordRecord> all() const noexcept {
    return m_records ? std::span<const ChordRecord>(*m_records) : std::span<const ChordRecord>();
  }
  std::size_t size() const noexcept { return m_records ? m_records->size() : 0; }
  /// Records whose key lies in (from, to] of `space`, removed when `erase`; call to hand a range on.
  std::vector<ChordRecord> take(const ChordSpace& space, ChordId from, ChordId to, bool erase);
  /// Heap bytes held.
  std::size_t heap_bytes() const noexcept {
    return m_records ? sizeof(*m_records) + m_records->capacity() * sizeof(ChordRecord) : 0;
  }

 private:
  std::unique_ptr<std::vector<ChordRecord>> m_records;
};

}  // namespace zonal
