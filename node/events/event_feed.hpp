#pragma once
/// The front of a process's events: stamps each event with `event` (its routing key), a unique
/// `event_id` ("<16 hex digits of this run>-<n>", unique across runs and processes, for consumers'
/// deduplication) and `time_ms`, keeps the most recent ones for the web page's live feed, and
/// passes them on to the real sink (the AMQP outbox or the log).
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>

#include "event_sink.hpp"

namespace zonal::node {

/// Events after a position of the feed, and the position to ask from next time.
struct FeedSlice {
  std::uint64_t next = 0;
  nlohmann::json events = nlohmann::json::array();
};

class EventFeed final : public EventSink {
 public:
  /// Forward to `inner`, remembering the last `recent_max` events.
  EventFeed(std::unique_ptr<EventSink> inner, std::size_t recent_max = 200);

  void publish(const std::string& routing_key, nlohmann::json body) override;
  bool has_room() const override { return m_inner->has_room(); }
  EventStats stats() const override { return m_inner->stats(); }

  /// Remembered events numbered `after` or later (the feed numbers events 0, 1, ...), waiting up
  /// to `wait` for one when there is none yet. Call from REST handler threads.
  FeedSlice recent(std::uint64_t after, std::chrono::milliseconds wait);
  /// Wake every waiting recent() call (at shutdown).
  void wake_all();

 private:
  std::unique_ptr<EventSink> m_inner;
  std::size_t m_recent_max;
  std::string m_run_id;
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::deque<nlohmann::json> m_recent;
  std::uint64_t m_count = 0;  ///< events published so far (the next event's number)
  bool m_closed = false;
};

}  // namespace zonal::node
