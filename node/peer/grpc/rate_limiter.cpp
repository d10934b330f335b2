#include "rate_limiter.hpp"

#include <algorithm>

namespace zonal::node {

RateLimiter::RateLimiter(double rate, std::uint32_t burst, std::size_t peers_max)
    : m_rate(std::max(rate, 1e-9)), m_burst(std::max<std::uint32_t>(burst, 1)), m_peers_max(std::max<std::size_t>(peers_max, 1)) {
  m_overflow.tokens = m_burst;
}

RateLimiter::Bucket& RateLimiter::bucket(PeerId peer, Clock::time_point now) {
  if (auto it = m_buckets.find(peer); it != m_buckets.end()) return it->second;
  if (m_buckets.size() >= m_peers_max) {
    std::erase_if(m_buckets, [&](const auto& entry) {
      const double idle_s = std::chrono::duration<double>(now - entry.second.last).count();
      return entry.second.tokens + idle_s * m_rate >= m_burst;  // full again: nothing to remember
    });
    if (m_buckets.size() >= m_peers_max) return m_overflow;
  }
  return m_buckets.emplace(peer, Bucket{m_burst, now}).first->second;
}

bool RateLimiter::allow(PeerId peer, Clock::time_point now) {
  std::lock_guard lock(m_mutex);
  Bucket& b = bucket(peer, now);
  const double elapsed_s = std::max(0.0, std::chrono::duration<double>(now - b.last).count());
  b.tokens = std::min(m_burst, b.tokens + elapsed_s * m_rate);
  b.last = now;
  if (b.tokens < 1.0) {
    ++m_refused;
    return false;
  }
  b.tokens -= 1.0;
  return true;
}

std::uint64_t RateLimiter::refused() const noexcept {
  std::lock_guard lock(m_mutex);
  return m_refused;
}

}  // namespace zonal::node
