#pragma once
/// The on-disk event outbox: every event is appended to a segment file in the outbox directory
/// before it may be published, and leaves the outbox only when the broker confirmed it. Layout:
/// `<20-digit first seq>.seg` files of lines `<seq> <routing key> <JSON body>` (append-only,
/// a new segment every `segment_events` events) and `confirmed` (the highest seq such that it and
/// every earlier event were confirmed; replaced atomically). Segments wholly confirmed are
/// deleted. A torn last line (crash mid-write) is cut off at load. Thread-safe.
#include <cstdint>
#include <deque>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

namespace zonal::node {

/// One event waiting in the outbox.
struct OutboxEntry {
  std::uint64_t seq = 0;
  std::string routing_key;
  std::string body;  ///< JSON text, one line
};

enum class AppendResult { ok, full, io_error };

class Outbox {
 public:
  /// Open (creating) `dir` and load the events not yet confirmed; at most `max_events` may wait.
  /// Throws std::runtime_error naming the path when the directory cannot be used.
  Outbox(std::filesystem::path dir, std::size_t max_events, std::size_t segment_events = 1024);
  ~Outbox();
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  /// Append one event (written, not yet fsync'd); `full` when max_events wait already, `io_error`
  /// when the write failed (nothing half-written stays behind). Call from any thread.
  AppendResult append(const std::string& routing_key, const std::string& body);
  /// fsync every appended event (one fsync covers the batch appended since the last call);
  /// false when fsync failed. Call before publishing: only synced events are handed out.
  bool sync();
  /// Up to `n` synced events not yet confirmed, oldest first, starting after `after_seq`.
  std::vector<OutboxEntry> synced_after(std::uint64_t after_seq, std::size_t n) const;
  /// Record that every event up to `seq` was confirmed by the broker: persist the mark, forget
  /// them and delete wholly confirmed segments. False when the mark could not be written.
  bool confirm_through(std::uint64_t seq);

  /// Events waiting (appended, not confirmed).
  std::size_t depth() const;
  /// True while another event fits.
  bool has_room() const;
  /// Highest confirmed seq.
  std::uint64_t confirmed_seq() const;
  std::size_t max_events() const noexcept { return m_max_events; }

 private:
  void load();
  void load_segment(const std::filesystem::path& file, bool last);
  bool open_segment(std::uint64_t first_seq);
  bool write_mark(std::uint64_t seq);
  void delete_confirmed_segments();

  std::filesystem::path m_dir;
  std::size_t m_max_events;
  std::size_t m_segment_events;
  mutable std::mutex m_mutex;
  std::deque<OutboxEntry> m_pending;  ///< appended, not confirmed, in seq order
  std::uint64_t m_next_seq = 1;
  std::uint64_t m_synced_seq = 0;     ///< every seq <= this is on disk (fsync'd)
  std::uint64_t m_confirmed_seq = 0;
  int m_fd = -1;                      ///< current segment
  std::uint64_t m_segment_first = 0;
  std::size_t m_segment_count = 0;    ///< events in the current segment
  std::vector<std::pair<std::uint64_t, std::filesystem::path>> m_segments;  ///< first seq, file (sorted)
};

}  // namespace zonal::node
