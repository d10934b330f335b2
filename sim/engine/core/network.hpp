#pragma once
/// Link model: per-message latency drawn from the scenario's distribution, and loss.
#include <bit>
#include <cstdint>
#include <optional>

#include <boost/random/mersenne_twister.hpp>
#include <boost/random/normal_distribution.hpp>

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
    if (m_loss > 0.0 && unit() < m_loss) return std::nullopt;
    if (m_latency.kind == LatencyKind::uniform)
      return delay_us_from_ms(uniform_ms());
    return draw_us();
  }
  /// transit_us()'s draws for one copy, for --threads (which turns them into delays on other
  /// threads): false when the copy is lost, else true and `unit`, the draw its delay is made of
  /// (uniform latency; constant latency draws none: 0). delay_from_unit_us(unit) is then what
  /// transit_us() returns. Call once per copy, in the run's order; constant or uniform latency only.
  bool draw_copy(double& unit) {
    if (m_loss > 0.0 && this->unit() < m_loss) return false;
    unit = m_latency.kind == LatencyKind::uniform ? this->unit() : 0.0;
    return true;
  }
  /// draw_copy() of a lossless uniform model split in two, for --threads: the stream's next
  /// draw as the engine gave it (call in the run's order), which unit_from_raw() turns into
  /// draw_copy()'s unit on any thread.
  std::uint64_t raw_draw() {
    for (;;) {
      const std::uint64_t raw = m_engine();
      if (raw < raw_rejected_from) [[likely]] return raw;  // else uniform_01 draws again
    }
  }
  /// The unit boost::random::uniform_01<double> makes of engine output `raw` (< raw_rejected_from):
  /// double(raw) * 2^-64, the conversion rounded to nearest as the compiler's, without its branch
  /// on the top bit (a draw's top bit is a coin toss: the branch mispredicts every other time).
  static double unit_from_raw(std::uint64_t raw) noexcept {
    const auto low = static_cast<double>(static_cast<std::int64_t>(raw & ~(std::uint64_t{1} << 63)));  // top bit cleared: exact rounding
    const auto halved = static_cast<double>(static_cast<std::int64_t>((raw >> 1) | (raw & 1))) * 2.0;  // the compiler's way for the top half
    const std::uint64_t top = -(raw >> 63);
    const std::uint64_t bits = (std::bit_cast<std::uint64_t>(halved) & top) | (std::bit_cast<std::uint64_t>(low) & ~top);
    return std::bit_cast<double>(bits) * 0x1p-64;
  }
  /// Engine outputs from here up make uniform_01 round to 1.0 and draw again: double(raw)
  /// rounds up to 2^64 (doubles below it are 2048 apart; the tie at 2^64 - 1024 goes to even).
  static constexpr std::uint64_t raw_rejected_from = 0xFFFF'FFFF'FFFF'FC00;
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
  /// The stream's next draw in [0, 1): boost::random::uniform_01<double> on the engine.
  double unit() { return unit_from_raw(raw_draw()); }
  double uniform_ms() { return uniform_ms(unit()); }
  double uniform_ms(double unit) const noexcept { return m_latency.min_ms + (m_latency.max_ms - m_latency.min_ms) * unit; }

  LatencySpec m_latency;
  double m_loss;
  double m_log_mu = 0.0;
  TimeUs m_constant_us = 0;  // the delay of a constant-latency model, rounded once
  boost::random::mt19937_64 m_engine;
  boost::random::normal_distribution<double> m_normal;
};

}  // namespace zonal::sim
