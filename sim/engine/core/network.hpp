#pragma once
/// Link model: per-message latency drawn from the scenario's distribution, and loss.
#include <cstdint>
#include <optional>

#include <boost/random/mersenne_twister.hpp>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_01.hpp>

#include "scenario/scenario.hpp"
#include "zonal/time.hpp"

namespace zonal::sim {

/// us_from_ms(ms) (zonal/time.hpp: llround(ms * 1000), halves away from zero) bit for bit, without
/// a library call below 2^52 us; call for every delay a latency model draws (once per copy).
inline TimeUs delay_us_from_ms(double ms) noexcept {
  const double us = ms * 1000.0;
  if (!(us < 0x1p52 && us > -0x1p52)) return us_from_ms(ms);  // huge or NaN: the library's rounding
  const auto whole = static_cast<TimeUs>(us);                  // toward zero
  const double fraction = us - static_cast<double>(whole);     // exact below 2^52
  return whole + (fraction >= 0.5) - (fraction <= -0.5);
}

class Network {
 public:
  /// One network stream per run, seeded from the run seed.
  Network(const LatencySpec& latency, const FaultSpec& faults, std::uint64_t seed);
  /// Delay for the next transmission, or nullopt when the message is lost. Call once per transmit.
  /// Inline: a flood under uniform latency draws one per copy.
  std::optional<TimeUs> transit_us() {
    if (m_loss > 0.0 && m_unit(m_engine) < m_loss) return std::nullopt;
    if (m_latency.kind == LatencyKind::uniform)
      return delay_us_from_ms(uniform_ms());
    return draw_us();
  }
  /// transit_us()'s draws for one copy, for --threads (which turns them into delays on other
  /// threads): false when the copy is lost, else true and `unit`, the draw its delay is made of
  /// (uniform latency; constant latency draws none: 0). delay_from_unit_us(unit) is then what
  /// transit_us() returns. Call once per copy, in the run's order; constant or uniform latency only.
  bool draw_copy(double& unit) {
    if (m_loss > 0.0 && m_unit(m_engine) < m_loss) return false;
    unit = m_latency.kind == LatencyKind::uniform ? m_unit(m_engine) : 0.0;
    return true;
  }
  /// The delay of a copy whose draw_copy() gave `unit`; safe to call from several threads.
  TimeUs delay_from_unit_us(double unit) const noexcept {
    return m_latency.kind == LatencyKind::uniform ? delay_us_from_ms(uniform_ms(unit)) : m_constant_us;
  }
  /// True when every message takes the same time (constant latency): copies can share an event.
  bool constant_delay() const noexcept { return m_latency.kind == LatencyKind::constant; }
  /// The delay of a constant-latency model (what transit_us() returns for a kept message).
  TimeUs constant_delay_us() const noexcept { return m_constant_us; }
  /// True when messages can be lost (transit_us() may return nullopt).
  bool lossy() const noexcept { return m_loss > 0.0; }
  /// Smallest positive delay this model produces, used to size the event queue's buckets.
  TimeUs typical_delay_us() const noexcept;

 private:
  TimeUs draw_us();  // the other latency kinds
  double uniform_ms() { return uniform_ms(m_unit(m_engine)); }
  double uniform_ms(double unit) const noexcept { return m_latency.min_ms + (m_latency.max_ms - m_latency.min_ms) * unit; }

  LatencySpec m_latency;
  double m_loss;
  double m_log_mu = 0.0;
  TimeUs m_constant_us = 0;  // the delay of a constant-latency model, rounded once
  boost::random::mt19937_64 m_engine;
  boost::random::normal_distribution<double> m_normal;
  boost::random::uniform_01<double> m_unit;
};

}  // namespace zonal::sim
