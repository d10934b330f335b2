/// `--threads N` for the flood family: the partitions, the window loop and phase B (the
/// sequential bookkeeping in the window's global order); see flood_parallel.hpp and
/// docs/performance.md ("Threads"). Phases A and C are in flood_partition.cpp.
#include "engine/flood/flood_parallel.hpp"

#include <algorithm>
#include <bit>
#include <functional>
#include <string>

#include "engine/core/event_loop.hpp"
#include "engine/flood/flood_simulation.hpp"
#include "zonal/time.hpp"

namespace zonal::sim {
namespace {

/// Batches between the prefetch of one in phase B and its use: phase A wrote them on another
/// core, so each is a cache-to-cache transfer.
constexpr std::uint32_t batches_ahead = 6;

}  // namespace

TimeUs conservative_window_us(const LatencySpec& latency) noexcept {
  switch (latency.kind) {
    case LatencyKind::constant: return us_from_ms(latency.mean_ms);  // Network::constant_delay_us()
    case LatencyKind::uniform: return us_from_ms(latency.min_ms);    // draws are min_ms + (max - min) * [0, 1)
    case LatencyKind::lognormal: return 0;                           // no positive minimum
  }
  return 0;
}

FloodPartitions::FloodPartitions(unsigned threads, std::size_t peers, TimeUs window, TimeUs bucket_width_us,
                                 std::uint32_t bucket_count)
    : pool(threads),
      window_us(window),
      scale((std::uint64_t{threads} << 32) / (peers + 1)),
      serial(threads),
      batch_first(threads) {
  for (unsigned p = 0; p < threads; ++p) parts.push_back(std::make_unique<Part>(bucket_width_us, bucket_count, threads));
}

std::optional<EventQueue::Key> FloodPartitions::front() {
  std::optional<EventQueue::Key> first;
  for (const auto& part : parts) {
    const auto key = part->queue.front_bound();
    if (key && (!first || earlier(*key, *first))) first = key;
  }
  return first;
}

std::optional<EventQueue::Key> FloodPartitions::next_front() const {
  std::optional<EventQueue::Key> first;
  if (push_min) first = EventQueue::Key{*push_min, 0};  // a lower bound of the pushes' keys: their times are exact
  for (const auto& part : parts)
    if (part->front && (!first || earlier(*part->front, *first))) first = part->front;
  return first;
}

void FloodPartitions::merge() {
  order.clear();
  heads.clear();
  for (std::uint32_t p = 0; p < parts.size(); ++p) {
    const std::vector<Delivery>& mine = window(p).deliveries;
    heads.push_back(Span{mine.data(), mine.data() + mine.size()});
  }
  if (heads.size() == 2) {  // the common case: a plain two-way merge
    Span a = heads[0], b = heads[1];
    while (a.next != a.end && b.next != b.end) {
      if (earlier(*b.next, *a.next)) order.push_back(Ref{b.next++, 1});
      else order.push_back(Ref{a.next++, 0});
    }
    for (; a.next != a.end; ++a.next) order.push_back(Ref{a.next, 0});
    for (; b.next != b.end; ++b.next) order.push_back(Ref{b.next, 1});
    return;
  }
  for (;;) {
    std::uint32_t best = 0;
    const Delivery* first = nullptr;
    for (std::uint32_t p = 0; p < heads.size(); ++p) {
      if (heads[p].next != heads[p].end && (first == nullptr || earlier(*heads[p].next, *first))) best = p, first = heads[p].next;
    }
    if (first == nullptr) return;
    order.push_back(Ref{heads[best].next++, best});
  }
}

// The partitioned loop applies when more than one thread is asked for, the query phase runs
// (registration and publication stay sequential: a join event every microsecond), the latency
// model has a positive minimum, and the run has no faults (crashes filter deliveries,
// partitions the sends) and no per-event checks; otherwise the sequential loop runs, with the
// same results.
bool FloodSimulation::windows_apply() {
  if (m_sc.threads <= 1 || !m_measure.measuring() || m_faults_active || m_check || m_peers.empty()) return false;
  if (!m_parts) {
    const TimeUs window_us = conservative_window_us(m_sc.latency);
    if (window_us <= 0) return false;
    m_parts = std::make_unique<FloodPartitions>(std::min<unsigned>(m_sc.threads, threads_max), m_peers.size(), window_us,
                                                bucket_width_us(), bucket_count);
    m_parts->raw_draws = m_sc.latency.kind == LatencyKind::uniform && !m_network.lossy();
  }
  return true;
}

// The event loop of run_until_idle() in windows: the earliest pending event decides; a control
// event (timer, query arrival) runs alone, as in the sequential loop, and the deliveries it
// sent move to their partitions; a delivery opens a window. A window's phase C runs with the
// next window's phase A (a partition's queue takes pushes only from its own phase C), so a
// window costs the threads one start and one wait; the next window's start is known before
// the pushes: the earliest of the partitions' fronts and of the copies to push (phase B).
void FloodSimulation::run_windows(std::string_view phase) {
  FloodPartitions& w = *m_parts;
  std::uint64_t handled = 0;
  std::uint64_t next_report = progress_every_events;
  move_queued_deliveries();
  share_queue_memory();
  std::optional<EventQueue::Key> first = w.front();
  bool pushes_pending = false;  // the last window's phase C has not run yet
  for (;;) {
    const auto control = m_queue.front_bound();
    if (!control && !first) break;
    if (control && (!first || earlier(*control, *first))) {
      if (pushes_pending) each_part(false, [this](std::uint32_t p) { partition_push(p, m_parts->current); });
      pushes_pending = false;
      const auto popped = m_queue.pop();
      ZONAL_ASSERT(popped.at_us() >= m_now, "an event popped out of time order");
      m_now = popped.at_us();
      handled += handle(popped);
      move_queued_deliveries();
      first = w.front();
    } else {
      EventQueue::Key bound{first->time_us + w.window_us, 0};
      if (control && earlier(*control, bound)) bound = *control;
      handled += run_window(bound, pushes_pending);
      pushes_pending = true;
      first = w.next_front();
    }
    if (handled >= next_report) {
      m_measure.report(phase, m_queue.pushed(), m_queries_started, m_now);
      next_report = handled + progress_every_events;
    }
  }
  if (pushes_pending) each_part(false, [this](std::uint32_t p) { partition_push(p, m_parts->current); });  // none: nothing left
  m_measure.report(phase, m_queue.pushed(), m_queries_started, m_now);
}

// Memory: the main queue's pools of records and copy chunks, idle once its deliveries moved to
// the partitions, go to the first partition, and every partition reserves as many records as
// the main queue held, so that no record array copies itself while it grows (peak RSS at 10^6
// with two threads: docs/performance.md).
void FloodSimulation::share_queue_memory() {
  FloodPartitions& w = *m_parts;
  const std::size_t records = m_queue.records_capacity();
  m_queue.give_idle_pools(w.parts.front()->queue);
  for (const auto& part : w.parts) part->queue.reserve_records(records);
}

// Run `task(p)` for every partition: on the threads, or on the calling thread alone.
void FloodSimulation::each_part(bool parallel, const std::function<void(std::uint32_t)>& task) {
  FloodPartitions& w = *m_parts;
  const auto parts = static_cast<std::uint32_t>(w.parts.size());
  if (parallel) return w.pool.run(parts, task);
  for (std::uint32_t p = 0; p < parts; ++p) task(p);
}

// The deliveries the main queue got from the calling thread (a control event's sends) go to
// their partitions' queues, in number order.
void FloodSimulation::move_queued_deliveries() {
  FloodPartitions& w = *m_parts;
  for (Event& e : take_queued_deliveries()) w.parts[w.part_of(e.to)]->queue.push_at(std::move(e));
}

// The deliveries the calling thread pushed into the main queue since the last call, taken out
// of it in number order (FloodPartitions::taken, valid until the next call).
std::vector<Event>& FloodSimulation::take_queued_deliveries() {
  std::vector<Event>& taken = m_parts->taken;
  taken.clear();
  m_queue.take_deliveries(taken);
  std::sort(taken.begin(), taken.end(), [](const Event& a, const Event& b) { return a.seq < b.seq; });
  return taken;
}

// One window: the deliveries before `bound` in every partition (after the last window's pushes
// when `pushes_pending`). Small windows (a flood's first and last hops) cost the workers more to
// start and finish than their work: the calling thread runs them alone, through the same code
// (the size of the previous window decides).
std::size_t FloodSimulation::run_window(EventQueue::Key bound, bool pushes_pending) {
  FloodPartitions& w = *m_parts;
  const bool parallel = w.last_deliveries >= m_window_parallel_min;
  w.current ^= 1;  // the last window's buffers stay for its pushes
  each_part(parallel, [this, bound, pushes_pending](std::uint32_t p) {
    if (pushes_pending) partition_push(p, m_parts->current ^ 1);
    partition_handle(p, bound);
    m_parts->parts[p]->front = m_parts->parts[p]->queue.front_bound();
  });
  window_merge(bound);
  w.last_deliveries = 0;
  for (std::uint32_t p = 0; p < w.parts.size(); ++p) w.last_deliveries += w.window(p).delivered;
  m_result.parallel_windows += parallel;
  return w.last_deliveries;
}

// Phase B: deliver_run() and drain_peer() without the peers' part and the counts phase A made,
// in the window's order; the tracker's deliveries whole. What the tracker sends goes through
// the main queue to the partitions' serial lists.
void FloodSimulation::window_merge(EventQueue::Key bound) {
  FloodPartitions& w = *m_parts;
  w.merge();
  std::size_t copies = 0;
  for (std::uint32_t p = 0; p < w.parts.size(); ++p) {
    FloodPartitions::Window& out = w.window(p);
    out.batch_at = out.event_at = 0;
    w.batch_first[p].resize(out.batches.size());
    copies += out.to.size();
    window_counts(out);
  }
  w.copy_seq.resize(copies);  // every batch of the window is sent below
  w.copy_draw.resize(copies);
  w.copy_at = 0;
  w.push_min.reset();
  for (const FloodPartitions::Ref& ref : w.order) {
    FloodPartitions::Window& src = w.window(ref.part);
    const FloodPartitions::Delivery& d = *ref.delivery;
    m_now = d.time_us;
    if (d.dest == m_tracker_id) {
      m_tracker.handle_message(m_now, d.from, src.messages[d.message]);
      drain_tracker();
      continue;
    }
    if (m_tap) [[unlikely]] m_tap(d.from, d.dest, src.messages[d.message], d.arrival);
    if (d.arrival == Arrival::duplicate || d.arrival == Arrival::dropped) continue;
    if (src.batch_at + batches_ahead < src.batches.size()) __builtin_prefetch(&src.batches[src.batch_at + batches_ahead]);
    for (; src.batch_at < d.batches_end; ++src.batch_at) window_send(ref.part, src, src.batch_at);
    for (; src.event_at < d.events_end; ++src.event_at) on_event(src.events[src.event_at]);
    // A deadline inside the window would be a timer the sequential run fires between two of
    // its deliveries; deliveries never set deadlines (searches and timeouts do), so it is a bug.
    ZONAL_ASSERT(!d.timeout || *d.timeout >= bound.time_us || *d.timeout >= m_timers.queued_at(d.dest),
                 "--threads: peer " + std::to_string(d.dest) + " set a deadline at " + std::to_string(*d.timeout) +
                     " us inside the window ending at " + std::to_string(bound.time_us) + " us");
    if (d.timeout) arm_timer(d.dest, d.timeout);
  }
  for (Event& e : take_queued_deliveries()) {
    w.pushed_at(e.time_us);
    w.serial[w.part_of(e.to)].push_back(std::move(e));
  }
}

// The counts phase A kept for phase B: the queries' reach (the records are shared) and the
// carries of the peers' load counters. Sums: their order does not matter.
void FloodSimulation::window_counts(const FloodPartitions::Window& out) {
  for (const FloodPartitions::Tally& t : out.tallies) {
    if (QueryRecord* record = record_of(t.query)) {
      record->reached += t.reached;
      record->duplicates += t.duplicates;
    }
  }
  for (const PeerId p : out.received_carries) m_measure.carry_received(p);
  for (const auto& [p, carry] : out.sent_carries) m_measure.carry_sent(p, carry);
}

// send_batch() of batch `b` of partition `s` (its buffers `src`) without the pushes and the
// sender's count: the same counts, the same draws from the run's stream in the same order, and
// the numbers the pushes would have taken (kept copies only), in copy_seq and copy_draw for
// phase C.
void FloodSimulation::window_send(std::uint32_t s, const FloodPartitions::Window& src, std::uint32_t b) {
  FloodPartitions& w = *m_parts;
  const FloodPartitions::Batch& batch = src.batches[b];
  const std::uint32_t sent = batch.copies_end - batch.copies_begin;
  w.batch_first[s][b] = w.copy_at;
  ZONAL_ASSERT(w.copy_at + sent <= w.copy_seq.size(), "--threads: a window sent more copies than it holds");
  std::uint64_t* const seq = w.copy_seq.data() + w.copy_at;  // plain pointers: the loops keep them in registers
  std::uint64_t* const draws = w.copy_draw.data() + w.copy_at;
  w.copy_at += sent;
  const bool constant = m_network.constant_delay();
  if (constant) count_by_class(batch.msg, sent);  // send_batch counts before the draws
  std::uint64_t next = m_queue.pushed();
  std::uint64_t lost = 0;
  double unit_min = 1.0;  // the delay grows with the draw: the batch's earliest copy has the smallest
  if (w.raw_draws) {  // the common case: only the engine's outputs here, their units in phase C
    std::uint64_t raw_min = ~std::uint64_t{0};
    for (std::uint32_t c = 0; c < sent; ++c) {
      const std::uint64_t raw = m_network.raw_draw();
      raw_min = std::min(raw_min, raw);
      draws[c] = raw;
      seq[c] = next + c;
    }
    next += sent;
    unit_min = Network::unit_from_raw(raw_min);  // the unit grows with the output
  } else {
    const bool drawn = !constant || m_network.lossy();
    for (std::uint32_t c = 0; c < sent; ++c) {
      double unit = 0.0;
      if (drawn && !m_network.draw_copy(unit)) {
        seq[c] = FloodPartitions::lost_seq;
        ++lost;
        continue;
      }
      unit_min = std::min(unit_min, unit);
      seq[c] = next++;
      draws[c] = std::bit_cast<std::uint64_t>(unit);
    }
  }
  m_queue.reserve_seqs(sent - lost);
  if (sent > lost) w.pushed_at(batch.time_us + m_network.delay_from_unit_us(unit_min));
  if (!constant) count_by_class(batch.msg, sent);  // send_shared counts after them
  if (lost > 0 || (constant && m_network.lossy())) {  // send_batch observes its losses even when none
    m_result.lost_messages += lost;
    m_measure.observe(m_now, MessageClass::lost, lost);
  }
}

}  // namespace zonal::sim
