#pragma once
/// Bounds on Store uploads received from other peers: a cap on uploads running at once, a quota
/// of bytes per sending peer, and a watchdog that cancels uploads running past their deadline or
/// silent for too long (so an abandoned stream releases its file name instead of blocking it).
/// Thread-safe; the watchdog is a thread of its own.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace zonal::node {

struct StoreLimitsConfig {
  std::uint32_t uploads_max = 8;
  std::uint64_t quota_bytes = 4ull << 30;  ///< per sending peer
  std::chrono::milliseconds deadline{600'000};
  std::chrono::milliseconds idle{30'000};
};

struct StoreLimitsCounters {
  std::uint64_t running = 0;         ///< uploads running now
  std::uint64_t refused_busy = 0;    ///< refused: uploads_max running
  std::uint64_t refused_quota = 0;   ///< refused: the peer's quota would be exceeded
  std::uint64_t cancelled = 0;       ///< cancelled by the deadline or the idle timeout
};

class StoreLimits {
 public:
  /// One admitted upload; destroying it ends the upload (its bytes stay charged only if committed).
  class Ticket {
   public:
    Ticket(StoreLimits& limits, std::uint64_t id, std::string peer, std::uint64_t bytes)
        : m_limits(limits), m_id(id), m_peer(std::move(peer)), m_bytes(bytes) {}
    ~Ticket();
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;
    /// Note progress (a chunk arrived); call for every chunk.
    void progress();
    /// The upload succeeded: its bytes count against the peer's quota for good.
    void commit() { m_committed = true; }
    /// Why the watchdog cancelled it, or empty.
    std::string cancel_reason() const;

   private:
    StoreLimits& m_limits;
    std::uint64_t m_id;
    std::string m_peer;
    std::uint64_t m_bytes;
    bool m_committed = false;
  };

  explicit StoreLimits(StoreLimitsConfig config);
  ~StoreLimits();
  StoreLimits(const StoreLimits&) = delete;
  StoreLimits& operator=(const StoreLimits&) = delete;

  /// Admit an upload of `bytes` from `peer`; `cancel` is called (once, from the watchdog) when
  /// it overruns. Returns the ticket, or nullopt with `why` set (busy or over quota).
  std::unique_ptr<Ticket> admit(const std::string& peer, std::uint64_t bytes, std::function<void()> cancel, std::string& why,
                                bool& over_quota);
  StoreLimitsCounters counters() const;

 private:
  struct Running {
    std::chrono::steady_clock::time_point started;
    std::chrono::steady_clock::time_point last_progress;
    std::function<void()> cancel;
    std::string reason;  ///< set when cancelled
  };
  void watch();
  void finish(std::uint64_t id, const std::string& peer, std::uint64_t bytes, bool committed);

  StoreLimitsConfig m_config;
  mutable std::mutex m_mutex;
  std::condition_variable m_wake;
  bool m_stopping = false;
  std::uint64_t m_next_id = 1;
  std::map<std::uint64_t, Running> m_running;
  std::map<std::string, std::uint64_t> m_charged;  ///< bytes per peer: committed plus running
  StoreLimitsCounters m_counters;
  std::thread m_watchdog;
};

}  // namespace zonal::node
