#include "search_session.hpp"

namespace zonal::node {

std::size_t SearchSession::add_hits(std::vector<FoundHit> hits) {
  std::size_t count = 0;
  {
    std::lock_guard lock(m_mutex);
    if (m_done) return m_hits.size();
    for (auto& h : hits) m_hits.push_back(std::move(h));
    count = m_hits.size();
  }
  m_changed.notify_all();
  return count;
}

void SearchSession::finish(std::string error, std::optional<LookupSummary> lookup) {
  {
    std::lock_guard lock(m_mutex);
    if (m_done) return;
    m_done = true;
    m_error = std::move(error);
    m_lookup = lookup;
  }
  m_changed.notify_all();
}

std::optional<LookupSummary> SearchSession::lookup() const {
  std::lock_guard lock(m_mutex);
  return m_lookup;
}

std::size_t SearchSession::wait_beyond(std::size_t have, Clock::time_point deadline) const {
  std::unique_lock lock(m_mutex);
  m_changed.wait_until(lock, deadline, [&] { return m_done || m_hits.size() > have; });
  return m_hits.size();
}

bool SearchSession::wait_done(Clock::time_point deadline) const {
  std::unique_lock lock(m_mutex);
  return m_changed.wait_until(lock, deadline, [&] { return m_done; });
}

std::vector<FoundHit> SearchSession::hits(std::size_t from) const {
  std::lock_guard lock(m_mutex);
  if (from >= m_hits.size()) return {};
  return {m_hits.begin() + static_cast<std::ptrdiff_t>(from), m_hits.end()};
}

bool SearchSession::done() const {
  std::lock_guard lock(m_mutex);
  return m_done;
}

std::string SearchSession::error() const {
  std::lock_guard lock(m_mutex);
  return m_error;
}

}  // namespace zonal::node
