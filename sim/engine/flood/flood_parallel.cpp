/// `--threads N` for the flood family: the window loop, phase 1 (the peers, in parallel) and
/// phase 2 (the sequential bookkeeping in the window's global order); see flood_parallel.hpp
/// and docs/performance.md ("Threads").
#include "engine/flood/flood_parallel.hpp"

#include <algorithm>
#include <limits>
#include <string>

#include "engine/core/event_loop.hpp"
#include "engine/flood/flood_simulation.hpp"
#include "zonal/time.hpp"

namespace zonal::sim {
namespace {

/// Deliveries between a peer's prefetch and its use in phase 1, and between the prefetch of
/// what its message touches (seen-table slot, links) and the use.
constexpr std::size_t peers_ahead = 12;
constexpr std::size_t slots_ahead = 4;
/// Deliveries between the prefetch of a peer's counters and their use in phase 2.
constexpr std::size_t counters_ahead = 8;

}  // namespace

TimeUs conservative_window_us(const LatencySpec& latency) noexcept {
  switch (latency.kind) {
    case LatencyKind::constant: return us_from_ms(latency.mean_ms);  // Network::constant_delay_us()
    case LatencyKind::uniform: return us_from_ms(latency.min_ms);    // draws are min_ms + (max - min) * [0, 1)
    case LatencyKind::lognormal: return 0;                           // no positive minimum
  }
  return 0;
}

FloodWindow::FloodWindow(unsigned threads, std::size_t peers, TimeUs window)
    : pool(threads),
      window_us(window),
      chunk_scale((std::uint64_t{threads * chunks_per_thread} << 32) / std::max<std::size_t>(peers, 1)),
      chunks(threads * chunks_per_thread) {}

void FloodWindow::clear() {
  runs.clear();
  dests.clear();
  for (Chunk& c : chunks) c.mine.clear();
}

void FloodWindow::add(TimeUs time_us, PeerId from, const Message& msg, std::span<const PeerId> to, PeerId tracker) {
  runs.push_back(Run{time_us, from, static_cast<std::uint32_t>(dests.size()), static_cast<std::uint32_t>(to.size()), msg});
  const auto run = static_cast<std::uint32_t>(runs.size() - 1);
  for (const PeerId dest : to) {
    dests.push_back(dest);
    if (dest != tracker) chunks[chunk_of(dest)].mine.push_back(Chunk::Item{dest, run});
  }
}

// The parallel path applies when more than one thread is asked for, the latency model has a
// positive minimum, and the run has no faults (crashes filter deliveries, partitions the sends)
// and no per-event checks; otherwise the sequential loop runs, with the same results.
bool FloodSimulation::windows_apply() {
  if (m_sc.threads <= 1 || m_faults_active || m_check || m_peers.empty()) return false;
  if (!m_window) {
    const TimeUs window_us = conservative_window_us(m_sc.latency);
    if (window_us <= 0) return false;
    m_window = std::make_unique<FloodWindow>(std::min<unsigned>(m_sc.threads, threads_max), m_peers.size(), window_us);
  }
  return true;
}

// The event loop of run_until_idle() in windows: a control event (timer, query arrival, join,
// ...) runs alone, as in the sequential loop; the deliveries from the next one on, up to the
// window's end or the next control event, form a window.
void FloodSimulation::run_windows(std::string_view phase) {
  std::uint64_t handled = 0;
  std::uint64_t next_report = progress_every_events;
  while (!m_queue.empty()) {
    if (const auto first = m_queue.pop_before(std::numeric_limits<TimeUs>::max())) {
      handled += run_window(*first);
    } else {
      const auto popped = m_queue.pop();  // a control event
      ZONAL_ASSERT(popped.at_us() >= m_now, "an event popped out of time order");
      m_now = popped.at_us();
      handled += handle(popped);
    }
    if (handled >= next_report) {
      m_measure.report(phase, m_queue.pushed(), m_queries_started, m_now);
      next_report = handled + progress_every_events;
    }
  }
  m_measure.report(phase, m_queue.pushed(), m_queries_started, m_now);
}

std::size_t FloodSimulation::run_window(const EventQueue::Popped& first) {
  FloodWindow& w = *m_window;
  w.clear();
  ZONAL_ASSERT(first.at_us() >= m_now, "an event popped out of time order");
  const TimeUs end_us = first.at_us() + w.window_us;
  w.add(first.at_us(), first.event->from, first.event->msg, first.to, m_tracker_id);
  while (const auto next = m_queue.pop_before(end_us)) w.add(next->at_us(), next->event->from, next->event->msg, next->to, m_tracker_id);
  // Small windows (registration, publication, a flood's first and last hops) cost the workers
  // more to start and finish than their work: the sequential loop's work, from the copies.
  if (w.deliveries() < m_window_parallel_min) {
    for (const PeerId dest : w.dests)  // the sequential loop's prefetching, for the whole (small) window
      if (dest < m_peers.size()) prefetch_peer(dest);
    for (const FloodWindow::Run& run : w.runs) {
      m_now = run.time_us;
      deliver_run(Event{run.time_us, 0, no_peer, run.from, EventKind::deliver, 0, run.msg},
                  {w.dests.data() + run.first, run.count});
    }
    return w.deliveries();
  }
  ++m_result.parallel_windows;
  w.pool.run(static_cast<std::uint32_t>(w.chunks.size()), [this](std::uint32_t chunk) { window_peers(chunk); });
  window_merge(end_us);
  return w.deliveries();
}

// Phase 1 for one chunk: its peers take their deliveries in window order (a peer's inputs in
// the order the sequential run gives them) and their outputs are copied, exactly what
// drain_peer() polls; nothing shared is written.
void FloodSimulation::window_peers(std::uint32_t chunk) {
  FloodWindow& w = *m_window;
  FloodWindow::Chunk& me = w.chunks[chunk];
  me.outcomes.clear();
  me.batches.clear();
  me.to.clear();
  me.events.clear();
  const std::size_t n = me.mine.size();
  for (std::size_t k = 0; k < std::min(n, peers_ahead); ++k) m_peers[me.mine[k].dest].prefetch_state();
  for (std::size_t k = 0; k < n; ++k) {
    if (k + peers_ahead < n) m_peers[me.mine[k + peers_ahead].dest].prefetch_state();
    if (k + slots_ahead < n) {
      const FloodWindow::Chunk::Item& ahead = me.mine[k + slots_ahead];
      m_peers[ahead.dest].prefetch(w.runs[ahead.run].msg);
    }
    const FloodWindow::Run& run = w.runs[me.mine[k].run];
    Peer& peer = m_peers[me.mine[k].dest];
    FloodWindow::Outcome out{peer.handle_message(run.time_us, run.from, run.msg), 0, 0, std::nullopt};
    if (out.arrival != Arrival::duplicate && out.arrival != Arrival::dropped) {  // no output by contract
      while (const auto batch = peer.poll_transmit_batch()) {
        me.batches.push_back(FloodWindow::Batch{*batch->msg, static_cast<std::uint32_t>(me.to.size()),
                                                static_cast<std::uint32_t>(batch->to.size()), batch->except});
        for (const PeerId to : batch->to) me.to.push_back(to);  // a few ids: no memmove call
      }
      while (auto ev = peer.poll_event()) me.events.push_back(std::move(*ev));
      out.timeout = peer.poll_timeout();
    }
    out.batches_end = static_cast<std::uint32_t>(me.batches.size());
    out.events_end = static_cast<std::uint32_t>(me.events.size());
    me.outcomes.push_back(out);
  }
}

// Phase 2: deliver_run() and drain_peer() without the peers' part, in the window's order.
void FloodSimulation::window_merge(TimeUs end_us) {
  FloodWindow& w = *m_window;
  for (FloodWindow::Chunk& c : w.chunks) c.next = 0, c.batches_from = 0, c.events_from = 0;
  for (const FloodWindow::Run& run : w.runs) {
    m_now = run.time_us;
    const bool measuring = m_measure.measuring();
    QueryRecord* record = measuring ? delivery_record(run.msg) : nullptr;
    for (std::uint32_t d = run.first; d < run.first + run.count; ++d) {
      // Every delivery (and its forwards) is counted at its peer: load the counters ahead.
      if (d + counters_ahead < w.dests.size() && w.dests[d + counters_ahead] < m_peers.size())
        m_measure.prefetch_counters(w.dests[d + counters_ahead]);
      const PeerId dest = w.dests[d];
      if (dest == m_tracker_id) {
        m_tracker.handle_message(m_now, run.from, run.msg);
        drain_tracker();
        continue;
      }
      FloodWindow::Chunk& me = w.chunks[w.chunk_of(dest)];
      const FloodWindow::Outcome& out = me.outcomes[me.next++];
      if (measuring) count_arrival(run.from, dest, run.msg, out.arrival, record);
      for (; me.batches_from < out.batches_end; ++me.batches_from) {
        const FloodWindow::Batch& b = me.batches[me.batches_from];
        send_batch(dest, TransmitBatch{&b.msg, {me.to.data() + b.first, b.count}, b.except});
      }
      for (; me.events_from < out.events_end; ++me.events_from) on_event(me.events[me.events_from]);
      if (out.arrival == Arrival::duplicate || out.arrival == Arrival::dropped) continue;
      // A deadline inside the window would be a timer the sequential run fires between two of
      // its deliveries; deliveries never set deadlines (searches and timeouts do), so it is a bug.
      ZONAL_ASSERT(!out.timeout || *out.timeout >= end_us || *out.timeout >= m_timers.queued_at(dest),
                   "--threads: peer " + std::to_string(dest) + " set a deadline at " + std::to_string(*out.timeout) +
                       " us inside the window ending at " + std::to_string(end_us) + " us");
      arm_timer(dest, out.timeout);
    }
  }
}

}  // namespace zonal::sim
