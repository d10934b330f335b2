#include "engine/liveness.hpp"

#include <algorithm>
#include <cmath>

#include "model/workload.hpp"
#include "zonal/hash.hpp"

namespace zonal::sim {
namespace {

/// `start_us` plus `ms` milliseconds.
TimeUs at_us(TimeUs start_us, double ms) { return start_us + static_cast<TimeUs>(std::llround(ms * 1000.0)); }

FaultAction::Kind action_kind(ChurnKind k) {
  switch (k) {
    case ChurnKind::crash:
      return FaultAction::Kind::crash;
    case ChurnKind::leave:
      return FaultAction::Kind::leave;
    case ChurnKind::join:
      return FaultAction::Kind::join;
  }
  return FaultAction::Kind::crash;
}

}  // namespace

TimeUs last_arrival_us(QueryStream stream, std::uint32_t queries) {
  TimeUs at_us = 0;
  for (std::uint32_t i = 0; i < queries; ++i) {
    at_us += stream.next_gap_us();
    stream.next();
  }
  return at_us;
}

bool Liveness::needed(const FaultSpec& faults) noexcept {
  return faults.churn.model != ChurnModel::none || !faults.failures.empty() || !faults.partitions.empty();
}

Liveness::Liveness(const FaultSpec& faults, std::uint32_t peers, TimeUs start_us, TimeUs end_us, std::uint64_t seed)
    : m_faults(faults),
      m_seed(seed),
      m_start_us(start_us),
      m_end_us(end_us),
      m_heartbeat_us(std::max<TimeUs>(1, static_cast<TimeUs>(std::llround(faults.heartbeat_ms * 1000.0)))),
      m_online(peers, 1),
      m_online_count(peers) {
  for (const ChurnEvent& e : make_churn_schedule(faults.churn, peers, start_us, end_us, mix64(seed))) {
    m_actions.push_back(FaultAction{e.at_us, action_kind(e.kind), e.peer, 0});
  }
  const std::size_t churn_actions = m_actions.size();
  for (std::uint32_t i = 0; i < faults.failures.size(); ++i) {
    const TimeUs t = at_us(start_us, faults.failures[i].at_ms);
    if (t < end_us) m_actions.push_back(FaultAction{t, FaultAction::Kind::mass_failure, no_peer, i});
  }
  // Churn is sorted already; mass failures (in file order) merge in after churn at equal times.
  std::stable_sort(m_actions.begin() + static_cast<std::ptrdiff_t>(churn_actions), m_actions.end(),
                   [](const FaultAction& a, const FaultAction& b) { return a.at_us < b.at_us; });
  std::inplace_merge(m_actions.begin(), m_actions.begin() + static_cast<std::ptrdiff_t>(churn_actions), m_actions.end(),
                     [](const FaultAction& a, const FaultAction& b) { return a.at_us < b.at_us; });
  for (const PartitionSpec& p : faults.partitions) {
    m_windows.push_back(Window{at_us(start_us, p.from_ms), at_us(start_us, p.until_ms), p.zones});
  }
}

std::vector<PeerId> Liveness::live_peers() const {
  std::vector<PeerId> out;
  for (PeerId p = 0; p < m_online.size(); ++p) {
    if (m_online[p] != 0) out.push_back(p);
  }
  return out;
}

std::span<const PeerId> Liveness::online_only(std::span<const PeerId> to) {
  m_scratch.clear();
  for (const PeerId p : to) {
    if (online(p)) m_scratch.push_back(p);
  }
  counters.offline_dropped += to.size() - m_scratch.size();
  return m_scratch;
}

bool Liveness::partitioned(TimeUs now) const noexcept {
  return std::any_of(m_windows.begin(), m_windows.end(),
                     [now](const Window& w) { return now >= w.from_us && now < w.until_us; });
}

bool Liveness::listed(const Window& w, ZoneId z) const noexcept {
  return std::find(w.zones.begin(), w.zones.end(), z) != w.zones.end();
}

bool Liveness::blocks(TimeUs now, ZoneId a, ZoneId b) const noexcept {
  for (const Window& w : m_windows) {
    if (now >= w.from_us && now < w.until_us && listed(w, a) != listed(w, b)) return true;
  }
  return false;
}

std::vector<PeerId> Liveness::victims(std::uint32_t failure, const std::function<ZoneId(PeerId)>& zone_of) const {
  const std::vector<PeerId> live = live_peers();
  return mass_failure_victims(m_faults.failures[failure], live, zone_of, mix64(m_seed + 1 + failure));
}

void Liveness::apply_next(const FaultHandlers& h) {
  const FaultAction& a = m_actions[m_next_action++];
  switch (a.kind) {
    case FaultAction::Kind::crash: return h.crash(a.peer);
    case FaultAction::Kind::leave: return h.leave(a.peer);
    case FaultAction::Kind::join: return h.rejoin(a.peer);
    case FaultAction::Kind::mass_failure: {
      const auto dead = victims(a.failure, h.zone_of);
      for (const PeerId p : dead) h.crash(p);
      counters.mass_failed += dead.size();
      return;
    }
  }
}

}  // namespace zonal::sim
