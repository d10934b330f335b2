#include "store_limits.hpp"

namespace zonal::node {

using Clock = std::chrono::steady_clock;

StoreLimits::StoreLimits(StoreLimitsConfig config) : m_config(config), m_watchdog([this] { watch(); }) {}

StoreLimits::~StoreLimits() {
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
  }
  m_wake.notify_all();
  m_watchdog.join();
}

std::unique_ptr<StoreLimits::Ticket> StoreLimits::admit(const std::string& peer, std::uint64_t bytes, std::function<void()> cancel,
                                                        std::string& why, bool& over_quota) {
  std::lock_guard lock(m_mutex);
  over_quota = false;
  if (m_running.size() >= m_config.uploads_max) {
    ++m_counters.refused_busy;
    why = "store: " + std::to_string(m_running.size()) + " uploads are running, the most this node accepts at once (files.store_uploads_max)";
    return nullptr;
  }
  std::uint64_t& charged = m_charged[peer];
  if (bytes > m_config.quota_bytes || charged > m_config.quota_bytes - bytes) {
    ++m_counters.refused_quota;
    over_quota = true;
    why = "store: " + std::to_string(bytes) + " more bytes from " + peer + " would exceed its quota of " +
          std::to_string(m_config.quota_bytes) + " bytes (" + std::to_string(charged) + " used; files.store_quota_bytes)";
    if (charged == 0) m_charged.erase(peer);
    return nullptr;
  }
  charged += bytes;
  const auto now = Clock::now();
  const std::uint64_t id = m_next_id++;
  m_running.emplace(id, Running{now, now, std::move(cancel), {}});
  return std::make_unique<Ticket>(*this, id, peer, bytes);
}

void StoreLimits::finish(std::uint64_t id, const std::string& peer, std::uint64_t bytes, bool committed) {
  std::lock_guard lock(m_mutex);
  m_running.erase(id);
  if (committed) return;
  auto it = m_charged.find(peer);
  if (it == m_charged.end()) return;
  it->second -= std::min(it->second, bytes);
  if (it->second == 0) m_charged.erase(it);
}

StoreLimits::Ticket::~Ticket() { m_limits.finish(m_id, m_peer, m_bytes, m_committed); }

void StoreLimits::Ticket::progress() {
  std::lock_guard lock(m_limits.m_mutex);
  if (auto it = m_limits.m_running.find(m_id); it != m_limits.m_running.end()) it->second.last_progress = Clock::now();
}

std::string StoreLimits::Ticket::cancel_reason() const {
  std::lock_guard lock(m_limits.m_mutex);
  const auto it = m_limits.m_running.find(m_id);
  return it == m_limits.m_running.end() ? std::string() : it->second.reason;
}

StoreLimitsCounters StoreLimits::counters() const {
  std::lock_guard lock(m_mutex);
  StoreLimitsCounters c = m_counters;
  c.running = m_running.size();
  return c;
}

void StoreLimits::watch() {
  std::unique_lock lock(m_mutex);
  while (!m_stopping) {
    m_wake.wait_for(lock, std::chrono::milliseconds(100));
    const auto now = Clock::now();
    for (auto& [id, r] : m_running) {
      if (!r.reason.empty()) continue;
      if (now - r.started > m_config.deadline) {
        r.reason = "store: not finished within " + std::to_string(m_config.deadline.count()) + " ms (files.store_deadline_ms)";
      } else if (now - r.last_progress > m_config.idle) {
        r.reason = "store: no data for " + std::to_string(m_config.idle.count()) + " ms (files.store_idle_ms)";
      } else {
        continue;
      }
      ++m_counters.cancelled;
      r.cancel();  // ServerContext::TryCancel: thread-safe, returns at once
    }
  }
}

}  // namespace zonal::node
