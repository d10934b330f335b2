#include "engine/core/timeseries.hpp"

#include <algorithm>

#include "engine/core/query_spool.hpp"
#include "engine/core/run_result.hpp"

namespace zonal::sim {

const char* message_class_name(MessageClass c) noexcept {
  switch (c) {
    case MessageClass::search: return "search";
    case MessageClass::hit: return "hit";
    case MessageClass::publish: return "publish";
    case MessageClass::registration: return "registration";
    case MessageClass::maintenance: return "maintenance";
    case MessageClass::lost: return "lost";
  }
  return "?";
}

TimeseriesRecorder::TimeseriesRecorder(TimeUs window_us, TimeUs phase_start_us, std::uint32_t peers_online)
    : m_window_us(std::max<TimeUs>(1, window_us)), m_start_us(phase_start_us), m_online(peers_online) {
  m_windows.emplace_back();
}

std::size_t TimeseriesRecorder::index_of(TimeUs now_us) const noexcept {
  if (now_us <= m_start_us) return 0;
  const auto index = static_cast<std::size_t>((now_us - m_start_us) / m_window_us);
  return std::min(index, windows_max - 1);
}

// Windows between the last touched one and `now_us` saw no change: each ends with m_online.
TimeseriesWindow& TimeseriesRecorder::window_at(TimeUs now_us) {
  const std::size_t index = index_of(now_us);
  while (m_windows.size() <= index) {
    m_windows.back().peers_online = m_online;
    m_windows.emplace_back();
  }
  return m_windows[index];
}

void TimeseriesRecorder::online_changed(TimeUs now_us, std::uint32_t peers_online) {
  window_at(now_us);
  m_online = peers_online;
}

Timeseries TimeseriesRecorder::finish(TimeUs end_us, const RunResult& run) {
  window_at(end_us).peers_online = m_online;
  for_each_query(run, [&](const QueryRecord& q) {
    TimeseriesWindow& w = m_windows[std::min(index_of(q.started_us), m_windows.size() - 1)];
    ++w.queries_started;
    if (q.hits > 0) {
      ++w.queries_answered;
      w.hops_sum += static_cast<std::uint64_t>(std::max(0, q.first_hit_hops));
    } else {
      ++w.queries_failed;
    }
  });
  return Timeseries{m_window_us, std::move(m_windows)};
}

}  // namespace zonal::sim
