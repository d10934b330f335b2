#include "listener_watchdog.hpp"

#include <spdlog/spdlog.h>

namespace zonal::node {

ListenerWatchdog::ListenerWatchdog(Hooks hooks, std::chrono::milliseconds period, std::uint32_t failures_max, std::uint32_t restarts_max)
    : m_hooks(std::move(hooks)), m_period(period), m_failures_max(failures_max), m_restarts_max(restarts_max), m_thread([this] { run(); }) {}

ListenerWatchdog::~ListenerWatchdog() {
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
  }
  m_wake.notify_all();
  m_thread.join();
}

std::uint64_t ListenerWatchdog::restarts() const {
  std::lock_guard lock(m_mutex);
  return m_restarts;
}

void ListenerWatchdog::run() {
  std::uint32_t failures = 0;
  std::uint32_t failed_restarts = 0;
  std::unique_lock lock(m_mutex);
  while (!m_wake.wait_for(lock, m_period, [this] { return m_stopping; })) {
    lock.unlock();
    const bool alive = m_hooks.probe();
    lock.lock();
    if (m_stopping) break;
    if (alive) {
      failures = 0;
      failed_restarts = 0;
      continue;
    }
    if (++failures < m_failures_max) continue;
    spdlog::error("the gRPC listener did not answer {} probes in a row: restarting it", failures);
    lock.unlock();
    const bool restarted = m_hooks.restart();
    lock.lock();
    failures = 0;
    if (restarted) {
      ++m_restarts;
      failed_restarts = 0;
      spdlog::warn("gRPC listener restarted");
    } else if (++failed_restarts >= m_restarts_max) {
      spdlog::critical("the gRPC listener cannot be restored after {} attempts: giving up", failed_restarts);
      lock.unlock();
      m_hooks.give_up();
      lock.lock();
      break;
    }
  }
}

}  // namespace zonal::node
