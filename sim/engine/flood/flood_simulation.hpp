#pragma once
/// The flood-family node kind (flood, zone-flood, random walks, expanding ring): every peer a
/// sans-IO zonal::Peer, the tracker a zonal::Tracker. Its concerns live in their own files:
/// flood_run.cpp (run planning: the phases), flood_loop.cpp (the event loop and its dispatch),
/// flood_traffic.cpp (sending through the network model, delivery, timers), flood_queries.cpp
/// (the query workload and its measurement), flood_faults.cpp (the node side of the fault
/// layer, heartbeats, partitions), flood_check.cpp (per-event invariant checks), flood_parallel.cpp
/// (--threads: partitioned conservative windows; flood_partition.cpp: one partition's work). The shared
/// layers are in engine/core/.
#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/core/event_queue.hpp"
#include "engine/core/fault_layer.hpp"
#include "engine/core/huge_page_allocator.hpp"
#include "engine/core/measurement.hpp"
#include "engine/core/network.hpp"
#include "engine/core/timer_table.hpp"
#include "engine/flood/flood_parallel.hpp"
#include "engine/engine.hpp"
#include "model/workload.hpp"
#include "zonal/peer.hpp"
#include "zonal/tracker.hpp"

namespace zonal::sim {

class FloodSimulation {
 public:
  /// Build the peers of `topo`, which must outlive the simulation: the peers borrow its
  /// adjacency array. `check` turns on the per-event invariant checks (flood_check.cpp; tests).
  FloodSimulation(const Scenario& sc, std::uint64_t seed, const Topology& topo, const ProgressFn& progress,
                  const DeliveryTap& tap, bool check, const RunOptions& options = {});

  /// Register, install zones, publish, run the queries; call once.
  RunResult run();

  // The node side of the fault layer (engine/core/fault_layer.hpp).
  void schedule_fault(TimeUs at_us);
  ZoneId zone_of(PeerId p) const { return m_tracker.zone_of(p); }
  void fault_leave(PeerId p);
  void fault_offline(PeerId) {}  // a crashed peer keeps its state frozen: nothing reaches it, its timers wait
  void fault_rejoined(PeerId p);

 private:
  // flood_run.cpp: run planning
  static constexpr std::uint32_t bucket_count = 4096;  // the event queues' ring
  TimeUs bucket_width_us() const noexcept { return std::max<TimeUs>(1, m_network.typical_delay_us() / 4); }
  void create_peers(const Topology& topo);
  void register_all();
  void join(PeerId id);
  void install_zones();
  void install_directory(std::shared_ptr<const ZoneDirectory> directory, bool live_only);
  void borrow_zone_links(std::vector<std::vector<PeerId>>& links);
  void share_content();
  void run_queries();
  void collect_peer_loads();
  // flood_loop.cpp: the event loop
  void run_until_idle(std::string_view phase);
  std::size_t handle(const EventQueue::Popped& run);
  void dispatch(const Event& e);
  void prefetch_ahead(std::size_t taken);
  void prefetch_runs(std::size_t taken);
  void prefetch_peer(PeerId to);
  // The prefetch pipeline's distances in deliveries (the one-thread loop and --threads' phase A):
  // what a peer's message touches (seen-table slot, links) is requested this far ahead, the
  // peer itself (loaded by then) further ahead.
  static constexpr std::size_t prefetch_slots_ahead = 4;
  static constexpr std::size_t prefetch_peers_ahead = 16;
  /// The pipeline over `queue`'s upcoming shared-message copies (random latency: one copy per
  /// pop); `load(to)` requests peer `to`. Call once per popped copy.
  template <class Load>
  void prefetch_copies(const EventQueue& queue, Load load) {
    PeerId to = no_peer;
    const Message* msg = nullptr;
    if (queue.upcoming_copy(prefetch_slots_ahead - 1, to, msg) && to < m_peers.size()) m_peers[to].prefetch(*msg);
    if (queue.upcoming_copy(prefetch_peers_ahead - 1, to, msg) && to < m_peers.size()) load(to);
  }
  // flood_traffic.cpp: network model, delivery, timers
  void deliver_run(const Event& e, std::span<const PeerId> to);
  QueryRecord* delivery_record(const Message& msg);
  /// The query a delivered message counts under (its record's reach), if any.
  static std::optional<QueryId> delivery_query(const Message& msg) noexcept {
    if (const Query* query = std::get_if<Query>(&msg)) return query->query_id;
    if (const Walk* walk = std::get_if<Walk>(&msg)) return walk->query_id;  // walkers count like query copies: revisits as duplicates
    return std::nullopt;
  }
  inline void count_arrival(PeerId from, PeerId dest, const Message& msg, Arrival arrival, QueryRecord* record);
  /// A delivery's `arrival` in a query's reach: `reach` is its QueryRecord, or a window's tally
  /// of it (--threads). The one rule of what counts as reached and as a duplicate.
  template <class Reach>
  static void count_reach(Reach& reach, Arrival arrival) noexcept {
    reach.reached += arrival == Arrival::fresh;
    reach.duplicates += arrival == Arrival::duplicate || arrival == Arrival::revisit;
  }
  void drain_peer(PeerId id);
  void drain_tracker();
  void send_batch(PeerId from, const TransmitBatch& batch);
  void send_shared(PeerId from, const TransmitBatch& batch);
  void count_transmissions(PeerId from, const Message& msg, std::uint32_t copies);
  void count_by_class(const Message& msg, std::uint32_t copies);
  void arm_timer(PeerId id, std::optional<TimeUs> deadline);
  void fire_timer(PeerId id);
  // flood_parallel.cpp: --threads, partitioned conservative windows; phase B
  bool windows_apply();
  void run_windows(std::string_view phase);
  void move_queued_deliveries();
  void share_queue_memory();
  std::vector<Event>& take_queued_deliveries();
  void each_part(bool parallel, const std::function<void(std::uint32_t)>& task);
  std::size_t run_window(EventQueue::Key bound, bool pushes_pending);
  void window_merge(EventQueue::Key bound);
  void window_counts(const FloodPartitions::Window& out);
  void window_send(std::uint32_t s, const FloodPartitions::Window& src, std::uint32_t b);
  // flood_partition.cpp: phases A and C of one partition
  void partition_handle(std::uint32_t p, EventQueue::Key bound);
  void partition_prefetch(const EventQueue& queue, std::span<const PeerId> popped);
  void partition_deliver(FloodPartitions::Window& me, const Event& e, std::uint32_t k, PeerId dest);
  void partition_count(FloodPartitions::Window& me, const Message& msg, Arrival arrival, PeerId dest);
  void partition_send(FloodPartitions::Window& me, TimeUs now_us, PeerId from, const TransmitBatch& batch);
  void partition_push(std::uint32_t p, unsigned buffers);
  void push_batch_copies(FloodPartitions::Part& me, const FloodPartitions::Window& src, std::uint32_t s, std::uint32_t p);
  // flood_queries.cpp: the query workload and its records
  void start_query();
  void next_query_arrival();
  void on_event(const PeerEvent& ev);
  QueryRecord* record_of(QueryId id);
  // flood_faults.cpp
  void start_faults();
  void heartbeat_round();
  void drop_partitioned(PeerId from);
  // flood_check.cpp
  void check_event(const Event& e, std::span<const PeerId> to);
  void check_peer(PeerId p) const;

  const Scenario& m_sc;
  const Topology& m_topo;  // the peers' overlay links point into it
  std::uint64_t m_seed;
  const DeliveryTap& m_tap;
  PeerId m_tracker_id;
  Tracker m_tracker;
  Network m_network;
  EventQueue m_queue;
  Measurement m_measure;
  FaultLayer m_faults;
  TimerTable m_timers;
  PeerConfig m_peer_config;              // every peer borrows it
  std::vector<PeerId> m_links_with_zones;  // each peer's overlay then zone links, once zones are installed
  std::vector<Peer, HugePageAllocator<Peer>> m_peers;  // random access on every delivery: huge pages
  std::vector<PeerId> m_batch_to;  // destinations of the broadcast being batched
  std::vector<EventQueue::Copy> m_copies;  // its copies' arrival times under random latency
  PeerId m_late_prefetched = no_peer;      // prefetch_ahead(): the late delivery's peer last requested
  std::unique_ptr<Content> m_content;
  std::unique_ptr<QueryStream> m_stream;
  std::unordered_map<QueryId, std::uint32_t> m_query_index;
  QueryId m_cached_id = 0;
  QueryRecord* m_cached = nullptr;
  std::uint32_t m_queries_started = 0;
  TimeUs m_join_gap_us = 1;
  TimeUs m_now = 0;
  bool m_faults_active = false;  // one well-predicted branch on the hot paths of fault-free runs
  bool m_check = false;          // per-event invariant checks (tests)
  RunResult m_result;
  std::shared_ptr<const ZoneDirectory> m_directory;  // the last one handed to the peers
  std::size_t m_window_parallel_min;  // --threads: smaller windows run on the calling thread (RunOptions)
  std::unique_ptr<FloodPartitions> m_parts;  // --threads: the partitions and the workers, once needed
};

}  // namespace zonal::sim
