#pragma once
/// Churn and mass failures of a run, as data: the engines turn these events into crashes,
/// graceful leaves and (re)joins through the tracker. Deterministic for equal inputs.
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "scenario/scenario.hpp"
#include "zonal/types.hpp"

namespace zonal::sim {

enum class ChurnKind : std::uint8_t {
  crash,  ///< the peer stops without a word: nothing is delivered to or from it any more
  leave,  ///< graceful departure (Leave to the tracker; Chord hands its records over)
  join,   ///< an offline peer comes back and joins through the tracker
};

struct ChurnEvent {
  TimeUs at_us = 0;
  PeerId peer = no_peer;
  ChurnKind kind = ChurnKind::crash;
  bool operator==(const ChurnEvent&) const = default;
};

/// Model choices (fresh first sessions, Chord-style Poisson failures and joins, one draw per
/// departure for leave vs crash) are documented in churn.cpp and docs/scenarios.md.
/// The churn of faults.churn for `peers` peers (all online at `start_us`), from `start_us` until
/// `end_us`, sorted by time (ties in generation order). A peer alternates departures and joins.
/// Call once per run with a seed from the run's own stream.
std::vector<ChurnEvent> make_churn_schedule(const ChurnSpec& churn, std::uint32_t peers, TimeUs start_us,
                                            TimeUs end_us, std::uint64_t seed);

/// The peers that crash in `failure`, among `live` (sorted ids): a whole zone (`zone_of(p)`) or
/// round(fraction * live.size()) peers drawn without replacement. Call at the failure's time.
std::vector<PeerId> mass_failure_victims(const MassFailure& failure, std::span<const PeerId> live,
                                         const std::function<ZoneId(PeerId)>& zone_of, std::uint64_t seed);

}  // namespace zonal::sim
