#pragma once
/// SIGINT/SIGTERM during a sweep: blocked in every thread and received by one watcher thread
/// (sigtimedwait), which sets a stop flag; no signal handler, no global state.
#include <atomic>
#include <thread>

namespace zonal::sim::cli {

class InterruptWatcher {
 public:
  /// Block SIGINT and SIGTERM (construct before starting worker threads, which inherit the mask)
  /// and start watching; `stop` becomes true when one arrives.
  explicit InterruptWatcher(std::atomic<bool>& stop);
  /// Stop watching and restore the signal mask.
  ~InterruptWatcher();
  InterruptWatcher(const InterruptWatcher&) = delete;
  InterruptWatcher& operator=(const InterruptWatcher&) = delete;

  /// The signal received (SIGINT, SIGTERM), or 0.
  int received() const noexcept { return m_signal.load(); }

 private:
  std::atomic<bool>& m_stop;
  std::atomic<bool> m_done{false};
  std::atomic<int> m_signal{0};
  std::thread m_thread;
};

}  // namespace zonal::sim::cli
