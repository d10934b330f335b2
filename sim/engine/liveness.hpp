#pragma once
/// Fault state of one simulation run (faults.churn, faults.failures, faults.partitions): which
/// peers are online, the timed fault actions in order, the partition windows and the counters.
/// The engine asks it before delivering, sending and starting queries; runs without these
/// faults never build one.
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "model/churn.hpp"
#include "engine/run_result.hpp"
#include "scenario/scenario.hpp"

namespace zonal::sim {

/// One timed fault action: a churn event, or mass failure number `failure`.
struct FaultAction {
  enum class Kind : std::uint8_t { crash, leave, join, mass_failure };
  TimeUs at_us = 0;
  Kind kind = Kind::crash;
  PeerId peer = no_peer;      ///< crash, leave, join
  std::uint32_t failure = 0;  ///< mass_failure: index into faults.failures
};

class QueryStream;

/// How an engine carries out fault actions: its own crash, leave and rejoin of a peer, and the
/// zones it knows (the tracker's), for mass failures of a zone.
struct FaultHandlers {
  std::function<void(PeerId)> crash;
  std::function<void(PeerId)> leave;
  std::function<void(PeerId)> rejoin;
  std::function<ZoneId(PeerId)> zone_of;
};

/// Time from the query phase start to the arrival of query number `queries` of `stream` (a copy
/// draws exactly what the run's stream will). Plus the query timeout, this is when the last query
/// is done: the `end_us` of the Liveness (and of make_churn_schedule) of a run.
TimeUs last_arrival_us(QueryStream stream, std::uint32_t queries);

class Liveness {
 public:
  /// True if `faults` needs fault handling in the engine (churn, failures or partitions; loss
  /// alone is the network's business).
  static bool needed(const FaultSpec& faults) noexcept;

  /// All `peers` online; actions from [start_us, end_us) (the query phase until its last query
  /// is done), drawn from `seed`. Call once when the query phase starts.
  Liveness(const FaultSpec& faults, std::uint32_t peers, TimeUs start_us, TimeUs end_us, std::uint64_t seed);

  bool online(PeerId p) const noexcept { return p >= m_online.size() || m_online[p] != 0; }
  /// Mark `p` online or offline; call when the engine applies an action.
  void set_online(PeerId p, bool online) noexcept {
    m_online_count += static_cast<std::uint32_t>(online) - static_cast<std::uint32_t>(m_online[p] != 0);
    m_online[p] = online ? 1 : 0;
  }
  /// Number of online peers now.
  std::uint32_t online_count() const noexcept { return m_online_count; }
  /// Online peers, ascending.
  std::vector<PeerId> live_peers() const;
  /// The entries of `to` that are online (ids beyond the peers, i.e. the tracker, count as
  /// online); counts the others as offline_dropped. Valid until the next call.
  std::span<const PeerId> online_only(std::span<const PeerId> to);

  /// True if some partition holds at `now`; call before filtering a send with blocks().
  bool partitioned(TimeUs now) const noexcept;
  /// True if a message between peers of zones `a` and `b` must not cross at `now` (one zone
  /// listed in an active partition, the other not; no_zone counts as an unlisted zone).
  bool blocks(TimeUs now, ZoneId a, ZoneId b) const noexcept;

  /// Fault actions of the run, by time (ties: churn before mass failures, then in order).
  const std::vector<FaultAction>& actions() const noexcept { return m_actions; }
  /// The online peers mass failure `failure` crashes now (zones as `zone_of` says).
  std::vector<PeerId> victims(std::uint32_t failure, const std::function<ZoneId(PeerId)>& zone_of) const;
  /// Time of the next fault action not yet applied, if any; schedule an engine event for it.
  std::optional<TimeUs> next_action_us() const noexcept {
    if (m_next_action == m_actions.size()) return std::nullopt;
    return m_actions[m_next_action].at_us;
  }
  /// Carry out the next fault action through `h` (a mass failure crashes its victims one by
  /// one and counts them); call when the time from next_action_us() is reached.
  void apply_next(const FaultHandlers& h);

  TimeUs start_us() const noexcept { return m_start_us; }
  TimeUs end_us() const noexcept { return m_end_us; }
  TimeUs heartbeat_us() const noexcept { return m_heartbeat_us; }

  FaultCounters counters;

 private:
  struct Window {
    TimeUs from_us;
    TimeUs until_us;
    std::vector<ZoneId> zones;
  };
  bool listed(const Window& w, ZoneId z) const noexcept;

  const FaultSpec& m_faults;
  std::uint64_t m_seed;
  TimeUs m_start_us;
  TimeUs m_end_us;
  TimeUs m_heartbeat_us;
  std::vector<std::uint8_t> m_online;
  std::uint32_t m_online_count = 0;
  std::vector<FaultAction> m_actions;
  std::size_t m_next_action = 0;
  std::vector<Window> m_windows;
  std::vector<PeerId> m_scratch;
};

}  // namespace zonal::sim
