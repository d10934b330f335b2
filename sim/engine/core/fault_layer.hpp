#pragma once
/// The fault layer shared by both node kinds (faults.churn, faults.failures, faults.partitions):
/// builds the run's fault schedule when the query phase starts, applies each action when its
/// time comes and keeps the online set and the counters; the node kind does what only it knows
/// through these hooks of its `Node` adapter:
///   void schedule_fault(TimeUs at_us)  -- queue an event that calls apply_next() at `at_us`
///   ZoneId zone_of(PeerId p)           -- p's zone as the tracker assigned it (mass failures)
///   void fault_leave(PeerId p)         -- p leaves gracefully (still online): its goodbyes
///   void fault_offline(PeerId p)       -- p has just gone offline (crash or leave)
///   void fault_rejoined(PeerId p)      -- p has just come back online
/// Runs without these faults never start it (active() is false: one predictable branch).
#include <cstdint>
#include <memory>

#include "engine/core/liveness.hpp"
#include "engine/core/measurement.hpp"
#include "engine/core/run_setup.hpp"
#include "model/workload.hpp"

namespace zonal::sim {

class FaultLayer {
 public:
  /// True if `sc` simulates churn, mass failures or partitions (loss is the network's business).
  static bool needed(const Scenario& sc) noexcept { return Liveness::needed(sc.faults); }

  /// Build the schedule for the query phase starting at `now_us` with `peers` peers (all online):
  /// actions run until the last query of `stream` is done (its arrival plus the query timeout).
  /// Call once, before the first query gap is drawn.
  void start(const Scenario& sc, std::uint32_t peers, TimeUs now_us, const QueryStream& stream,
             std::uint64_t run_seed) {
    const TimeUs end_us =
        now_us + last_arrival_us(stream, sc.workload.queries) + sc.search.timeout_us();
    m_state = std::make_unique<Liveness>(sc.faults, peers, now_us, end_us, stream_seed(run_seed, Stream::faults));
  }
  /// True once start() ran.
  bool active() const noexcept { return m_state != nullptr; }
  /// The online set, partitions and counters; call only when active().
  Liveness& state() noexcept { return *m_state; }
  const Liveness& state() const noexcept { return *m_state; }

  /// Queue the next action (if any) through `node.schedule_fault`; call after start().
  template <class Node>
  void schedule_next(Node& node) {
    if (const auto at_us = m_state->next_action_us()) node.schedule_fault(*at_us);
  }
  /// Carry out the action that is due now, then queue the next one.
  template <class Node>
  void apply_next(Node& node, Measurement& measure, TimeUs now_us) {
    m_state->apply_next(FaultHandlers{[&](PeerId p) { crash(node, measure, now_us, p); },
                                      [&](PeerId p) { leave(node, measure, now_us, p); },
                                      [&](PeerId p) { rejoin(node, measure, now_us, p); },
                                      [&](PeerId p) { return node.zone_of(p); }});
    schedule_next(node);
  }

  /// The run's fault counters into `result` (fault metrics apply); call once at the end.
  void finish(RunResult& result) const {
    if (!m_state) return;
    result.faults_active = true;
    result.faults = m_state->counters;
  }

 private:
  // A crashed peer is silenced (what it does while offline is the node kind's business).
  template <class Node>
  void crash(Node& node, Measurement& measure, TimeUs now_us, PeerId p) {
    if (!m_state->online(p)) return;  // e.g. a churn crash of a mass-failure victim
    m_state->set_online(p, false);
    ++m_state->counters.crashed;
    measure.online_changed(now_us, m_state->online_count());
    node.fault_offline(p);
  }
  template <class Node>
  void leave(Node& node, Measurement& measure, TimeUs now_us, PeerId p) {
    if (!m_state->online(p)) return;
    node.fault_leave(p);
    m_state->set_online(p, false);
    ++m_state->counters.left;
    measure.online_changed(now_us, m_state->online_count());
    node.fault_offline(p);
  }
  template <class Node>
  void rejoin(Node& node, Measurement& measure, TimeUs now_us, PeerId p) {
    if (m_state->online(p)) return;
    ++m_state->counters.joined;
    m_state->set_online(p, true);
    measure.online_changed(now_us, m_state->online_count());
    node.fault_rejoined(p);
  }

  std::unique_ptr<Liveness> m_state;
};

}  // namespace zonal::sim
