#pragma once
/// Link model: per-message latency drawn from the scenario's distribution, and loss.
#include <cstdint>
#include <optional>

#include <boost/random/mersenne_twister.hpp>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_01.hpp>

#include "scenario/scenario.hpp"

namespace zonal::sim {

class Network {
 public:
  /// One network stream per run, seeded from the run seed.
  Network(const LatencySpec& latency, const FaultSpec& faults, std::uint64_t seed);
  /// Delay for the next transmission, or nullopt when the message is lost. Call once per transmit.
  std::optional<TimeUs> transit_us();
  /// True when every message takes the same time (constant latency): copies can share an event.
  bool constant_delay() const noexcept { return m_latency.kind == LatencyKind::constant; }
  /// The delay of a constant-latency model (what transit_us() returns for a kept message).
  TimeUs constant_delay_us() const noexcept { return m_constant_us; }
  /// True when messages can be lost (transit_us() may return nullopt).
  bool lossy() const noexcept { return m_loss > 0.0; }
  /// Smallest positive delay this model produces, used to size the event queue's buckets.
  TimeUs typical_delay_us() const noexcept;

 private:
  TimeUs draw_us();

  LatencySpec m_latency;
  double m_loss;
  double m_log_mu = 0.0;
  TimeUs m_constant_us = 0;  // the delay of a constant-latency model, rounded once
  boost::random::mt19937_64 m_engine;
  boost::random::normal_distribution<double> m_normal;
  boost::random::uniform_01<double> m_unit;
};

}  // namespace zonal::sim
