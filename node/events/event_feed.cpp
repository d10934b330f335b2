#include "event_feed.hpp"

#include <chrono>
#include <cstdio>
#include <random>

namespace zonal::node {

EventFeed::EventFeed(std::unique_ptr<EventSink> inner, std::size_t recent_max)
    : m_inner(std::move(inner)), m_recent_max(std::max<std::size_t>(1, recent_max)) {
  std::random_device rd;
  const std::uint64_t run = (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(run));
  m_run_id = text;
}

void EventFeed::publish(const std::string& routing_key, nlohmann::json body) {
  body["event"] = routing_key;
  body["time_ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  {
    std::lock_guard lock(m_mutex);
    body["event_id"] = m_run_id + "-" + std::to_string(m_count++);
    m_recent.push_back(body);
    if (m_recent.size() > m_recent_max) m_recent.pop_front();
  }
  m_changed.notify_all();
  m_inner->publish(routing_key, std::move(body));
}

FeedSlice EventFeed::recent(std::uint64_t after, std::chrono::milliseconds wait) {
  std::unique_lock lock(m_mutex);
  m_changed.wait_for(lock, wait, [&] { return m_closed || m_count > after; });
  FeedSlice out;
  out.next = m_count;
  const std::uint64_t first = m_count - m_recent.size();
  for (std::uint64_t i = std::max(after, first); i < m_count; ++i) out.events.push_back(m_recent[i - first]);
  return out;
}

void EventFeed::wake_all() {
  {
    std::lock_guard lock(m_mutex);
    m_closed = true;
  }
  m_changed.notify_all();
}

}  // namespace zonal::node
