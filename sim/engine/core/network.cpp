#include "engine/core/network.hpp"

#include <algorithm>
#include <cmath>

#include "zonal/time.hpp"

namespace zonal::sim {

Network::Network(const LatencySpec& latency, const FaultSpec& faults, std::uint64_t seed)
    : m_latency(latency), m_loss(faults.loss), m_engine(seed) {
  if (m_latency.kind == LatencyKind::lognormal && m_latency.mean_ms > 0)  // E[exp(N(mu, s))] = mean_ms
    m_log_mu = std::log(m_latency.mean_ms) - m_latency.sigma * m_latency.sigma / 2.0;
  m_constant_us = us_from_ms(m_latency.mean_ms);
}

TimeUs Network::draw_us() {
  double ms = m_latency.mean_ms;
  switch (m_latency.kind) {
    case LatencyKind::constant: return m_constant_us;
    case LatencyKind::uniform: ms = uniform_ms(); break;
    case LatencyKind::lognormal:
      ms = m_latency.mean_ms > 0 ? std::exp(m_log_mu + m_latency.sigma * m_normal(m_engine)) : 0.0;
      break;
  }
  return delay_us_from_ms(ms);
}

TimeUs Network::typical_delay_us() const noexcept {
  const double ms = m_latency.kind == LatencyKind::uniform ? std::max(m_latency.min_ms, (m_latency.min_ms + m_latency.max_ms) / 4)
                                                           : m_latency.mean_ms;
  return std::max<TimeUs>(1, static_cast<TimeUs>(ms * 1000.0));  // floors: a bucket-width hint (zonal/time.hpp)
}

}  // namespace zonal::sim
