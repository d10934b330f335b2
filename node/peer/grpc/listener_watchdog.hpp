#pragma once
/// Keeps a listener alive: probes it every `period` through a fresh connection; after
/// `failures_max` failed probes in a row it restarts it; if restarting keeps failing it gives up
/// (the node then leaves the tracker instead of staying registered while unreachable). Needed
/// because gRPC's listener stops accepting for good after accept4 fails with EMFILE.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

namespace zonal::node {

class ListenerWatchdog {
 public:
  struct Hooks {
    std::function<bool()> probe;     ///< true when a fresh connection got an answer
    std::function<bool()> restart;   ///< rebuild the listener; true on success
    std::function<void()> give_up;   ///< restarting failed `restarts_max` times in a row
  };
  /// Start watching (a thread of its own).
  ListenerWatchdog(Hooks hooks, std::chrono::milliseconds period, std::uint32_t failures_max = 3, std::uint32_t restarts_max = 5);
  ~ListenerWatchdog();
  ListenerWatchdog(const ListenerWatchdog&) = delete;
  ListenerWatchdog& operator=(const ListenerWatchdog&) = delete;

  /// Listener restarts so far.
  std::uint64_t restarts() const;

 private:
  void run();

  Hooks m_hooks;
  std::chrono::milliseconds m_period;
  std::uint32_t m_failures_max;
  std::uint32_t m_restarts_max;
  mutable std::mutex m_mutex;
  std::condition_variable m_wake;
  bool m_stopping = false;
  std::uint64_t m_restarts = 0;
  std::thread m_thread;
};

}  // namespace zonal::node
