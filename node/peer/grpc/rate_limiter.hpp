#pragma once
/// Per-peer token buckets: each peer may send `rate` items per second on average and `burst` at
/// once. Thread-safe (gRPC threads call it). The table of peers is bounded: when it is full,
/// peers whose buckets have refilled (idle peers) are forgotten, and if none has, the new peer
/// shares one overflow bucket, so a flood of forged sender ids cannot grow memory.
#include <chrono>
#include <cstdint>
#include <mutex>
#include <unordered_map>

#include "zonal/types.hpp"

namespace zonal::node {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  /// `rate` items per second (> 0), bursts of up to `burst` (>= 1), at most `peers_max` peers tracked.
  RateLimiter(double rate, std::uint32_t burst, std::size_t peers_max = 4096);

  /// Take one token of `peer` at `now`; false (and counted) when its bucket is empty.
  bool allow(PeerId peer, Clock::time_point now = Clock::now());
  /// Items refused so far.
  std::uint64_t refused() const noexcept;

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point last;
  };
  Bucket& bucket(PeerId peer, Clock::time_point now);

  double m_rate;
  double m_burst;
  std::size_t m_peers_max;
  mutable std::mutex m_mutex;
  std::unordered_map<PeerId, Bucket> m_buckets;
  Bucket m_overflow;
  std::uint64_t m_refused = 0;
};

}  // namespace zonal::node
