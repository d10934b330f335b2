#pragma once
/// The Chord node kind: its state and phases (ring formation, publication, queries) over the
/// shared layers of engine/core/ (event loop, network, fault layer, measurement). run_chord() in
/// chord_engine.hpp is the entry point; tests use this class to inspect the ring after a run.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include <boost/random/mersenne_twister.hpp>

#include "engine/chord/chord_active_queries.hpp"
#include "engine/chord/chord_engine.hpp"
#include "engine/core/fault_layer.hpp"
#include "engine/core/measurement.hpp"
#include "engine/core/network.hpp"
#include "engine/core/event_queue.hpp"
#include "engine/core/timer_table.hpp"
#include "model/workload.hpp"
#include "zonal/chord_node.hpp"
#include "zonal/chord_ring_check.hpp"
#include "zonal/tracker.hpp"

namespace zonal::sim {

/// What a Chord-engine event does.
enum class ChordEventKind : std::uint8_t {
  deliver,        ///< ChordMessage `msg` from `from` arrives at `to`
  timer,          ///< `to`'s poll_timeout() deadline
  query_arrival,  ///< the workload starts its next query
  register_peer,  ///< `to` (a joining node) sends Register to the tracker
  tracker_in,     ///< tracker-bound zonal::Message from `from` arrives (Register, Leave)
  assignment,     ///< the tracker's ZoneAssignment arrives at `to`: it joins the ring
  rejoin,         ///< `to` retries its join through another member
  settle_check,   ///< join ring: is the ring exact yet?
  publish_next,   ///< a store finished: start the next one
  fault,          ///< the next fault action (churn event or mass failure) is due
  query_deadline, ///< the last query's timeout passed: searches still running have failed
};

struct ChordSimEvent {
  TimeUs time_us = 0;
  std::uint64_t seq = 0;  ///< assigned by CalendarQueue::push
  PeerId to = no_peer;
  PeerId from = no_peer;
  ChordEventKind kind = ChordEventKind::deliver;
  std::uint32_t aux = 0;
  ChordMessage msg;
};

// One cache line, as the flood family's events (docs/performance.md).
static_assert(sizeof(void*) != 8 || sizeof(ChordSimEvent) <= 64, "ChordSimEvent must stay within 64 bytes");

/// Chord events in the calendar queue: deliveries fill its buckets, everything else (timers,
/// query arrivals, joins, faults) is a control event; no batches (Chord sends point to point).
template <>
struct QueueTraits<ChordSimEvent> {
  static constexpr bool batches = false;
  /// Whether `e` goes to the control heap.
  static bool control(const ChordSimEvent& e) noexcept { return e.kind != ChordEventKind::deliver; }
};
extern template class CalendarQueue<ChordSimEvent>;

/// A simulated peer: its Chord node and the engine's state about it side by side, so that the
/// one random access an event makes (prefetched ahead, prefetch_upcoming) brings both.
struct alignas(64) ChordPeer {
  ChordPeer(ChordRef self, std::shared_ptr<const ChordConfig> config, std::uint64_t rng_seed)
      : node(self, std::move(config), rng_seed) {}

  ChordNode node;
  /// The earliest timer event queued for the node (TimerTable's rule: a new event only when the
  /// node's deadline moves earlier than this; none once it fired).
  TimeUs timer_at = TimerTable::none;
  std::uint32_t sent = 0;      ///< messages it sent during the query phase (peers.csv)
  std::uint32_t received = 0;  ///< messages delivered to it during the query phase
};
// Three cache lines (docs/performance.md, "Chord in the simulator").
static_assert(sizeof(void*) != 8 || sizeof(ChordPeer) <= 192, "ChordPeer must stay within three cache lines");

class ChordSimulation {
 public:
  /// Lookup ids of publication stores have this bit set; queries use their ordinal (1, 2, ...).
  static constexpr ChordLookupId store_flag = 0x80000000u;
  /// ChordSimEvent::aux of tracker_in events.
  static constexpr std::uint32_t tracker_register = 0;
  static constexpr std::uint32_t tracker_leave = 1;
  /// Failed joins of one node (each retried after rpc_timeout through another member) before it gives up.
  static constexpr std::uint8_t join_attempts_max = 8;
  /// Publication stores in flight at once.
  static constexpr std::uint64_t publish_window = 1024;

  /// Build every node (not yet on a ring); `labels` empty = dense ids; `check` turns on the
  /// per-event invariant checks (check_event; tests).
  ChordSimulation(const Scenario& sc, std::uint64_t seed, std::uint32_t peers, std::vector<std::uint64_t> labels,
                  const ProgressFn& progress, bool check = false, const RunOptions& options = {});
  ~ChordSimulation();

  /// Form the ring, publish, run the queries; call once.
  RunResult run();

  /// Ring-checker violations of the live nodes now (empty = every live node's successor,
  /// predecessor and successor list are the exact ones). Call after run() or between phases.
  std::vector<ChordViolation> ring_violations() const;
  /// The node of peer `p`.
  const ChordNode& node(PeerId p) const { return m_peers[p].node; }
  std::uint32_t peer_count() const noexcept { return static_cast<std::uint32_t>(m_peers.size()); }
  /// True while `p` has not crashed or left and is a ring member.
  bool live_member(PeerId p) const noexcept { return m_live[p] && m_peers[p].node.state() == ChordState::member; }

  // The node side of the fault layer (engine/core/fault_layer.hpp; chord_faults.cpp).
  void schedule_fault(TimeUs at_us);
  ZoneId zone_of(PeerId p) const { return m_tracker.zone_of(p); }
  void fault_leave(PeerId p);
  void fault_offline(PeerId p);
  void fault_rejoined(PeerId p);

 private:
  // chord_simulation.cpp: phases
  void create_nodes();
  void redraw_taken_ids(std::vector<ChordId>& ids) const;
  void form_ring();
  void install_stable_ring();
  void join_ring();
  void publish();
  bool publish_next();
  void run_queries();
  template <class Done>
  void run_until(std::string_view phase, Done done);
  void dispatch(const ChordSimEvent& e);
  void prefetch_upcoming() noexcept;
  /// Queue `e` to happen at `at_us`.
  void schedule(TimeUs at_us, ChordSimEvent e) {
    e.time_us = at_us;
    m_queue.push(e);
  }
  void check_event(const ChordSimEvent& e) const;
  void collect_peer_loads();

  // chord_traffic.cpp: messages, timers, joins, queries
  std::uint64_t label(PeerId p) const noexcept { return m_measure.label(p); }
  void drain(PeerId p);
  void arm_timer(PeerId p);
  void send(PeerId from, PeerId to, const ChordMessage& msg);
  void account(PeerId from, PeerId to, const ChordMessage& msg);
  void transit(const ChordSimEvent& e);
  void deliver(const ChordSimEvent& e);
  void fire_timer(PeerId p);
  void send_register(PeerId p);
  void tracker_in(const ChordSimEvent& e);
  void join_through_member(PeerId p);
  void on_event(PeerId p, const ChordEvent& ev);
  void on_joined(PeerId p);
  void next_join(PeerId p);
  void on_done(PeerId p, const ChordLookupDone& d);
  void start_query();
  void begin_query(const QueryRequest& req);
  void finish_query(std::uint32_t ordinal, const ChordLookupDone* d, bool interrupted = false);
  void count_outcome(const ChordLookupDone* d, bool interrupted, bool found);
  PeerId live_successor(ChordId key) const;
  void add_member(PeerId p);
  bool add_bootstrap(PeerId p);
  void remove_member(PeerId p);
  void settle_check();
  void observe(MessageClass c) { m_measure.observe(m_now, c, 1); }

  // chord_faults.cpp: churn, mass failures, partitions (faults.*), during the query phase
  void start_faults();
  void fail_queries_of(PeerId origin);
  bool partition_drops(PeerId from, PeerId to);
  void query_deadline();
  std::uint64_t queries_skipped() const noexcept {
    return m_faults.active() ? m_faults.state().counters.queries_skipped : 0;
  }

  const Scenario& m_sc;
  std::uint64_t m_seed;
  std::shared_ptr<const ChordConfig> m_config;
  PeerId m_tracker_id;
  Tracker m_tracker;
  Network m_network;
  CalendarQueue<ChordSimEvent> m_queue;
  Measurement m_measure;
  FaultLayer m_faults;
  std::vector<ChordPeer> m_peers;
  std::vector<bool> m_live;                 // false once crashed or left
  std::vector<PeerId> m_members;            // live ring members (bootstrap candidates), any order
  std::vector<std::uint32_t> m_member_slot; // position in m_members, or no_slot
  std::map<ChordId, PeerId> m_member_ring;  // the live members by id: the exact ring
  std::vector<std::uint8_t> m_join_failures;
  boost::random::mt19937_64 m_join_rng;
  std::unique_ptr<Content> m_content;
  std::unique_ptr<QueryStream> m_stream;
  ChordActiveQueries m_active;  // searches in flight, by ordinal
  std::uint64_t m_stores_pending = 0;
  std::uint64_t m_store_messages_in_flight = 0;
  std::uint32_t m_store_counter = 0;
  std::size_t m_publish_file = 0;    // next (file, holder) to store
  std::size_t m_publish_holder = 0;
  std::uint32_t m_queries_started = 0;
  std::uint32_t m_queries_done = 0;
  PeerId m_next_join = 0;       // join ring: next peer to register
  bool m_joins_done = false;
  bool m_settled = false;
  TimeUs m_settle_start_us = 0;
  TimeUs m_now = 0;
  bool m_check = false;  // per-event invariant checks (tests)
  std::uint8_t m_prefetch_turn = 0;  // prefetch_upcoming looks ahead every other event
  RunResult m_result;
};

}  // namespace zonal::sim
