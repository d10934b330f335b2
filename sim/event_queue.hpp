#pragma once
/// Calendar queue of simulator events: a ring of time buckets, each drained in (time, seq)
/// order, plus a heap for events beyond the ring's horizon. Amortised O(1) for the
/// near-future traffic that dominates flooding. Message deliveries go to the buckets;
/// the rare control events (timers, query arrivals, joins) live in a small heap of their
/// own, so with constant latency every bucket is filled already sorted.
#include <cstdint>
#include <vector>

#include "event.hpp"

namespace zonal::sim {

class EventQueue {
 public:
  /// `bucket_width_us` should be a fraction of typical latency; `bucket_count` * width = horizon.
  explicit EventQueue(TimeUs bucket_width_us = 1000, std::uint32_t bucket_count = 4096);

  /// Schedule `e` (its seq is assigned here). e.time_us must be >= the last popped time.
  void push(Event e);
  /// Remove and return the earliest event; call only when !empty().
  Event pop();
  /// The delivery `ahead` positions after the next one in the current bucket, or nullptr.
  /// Only a hint for prefetching: control and late events may come first.
  const Event* peek(std::size_t ahead) const noexcept {
    const std::size_t at = m_active_head + ahead;
    return at < m_active.size() ? &m_active[at] : nullptr;
  }
  /// True when no event is pending.
  bool empty() const noexcept { return m_size == 0; }
  /// Pending events.
  std::size_t size() const noexcept { return m_size; }
  /// Events pushed so far (the next sequence number).
  std::uint64_t pushed() const noexcept { return m_seq; }

 private:
  std::int64_t epoch_of(TimeUs t) const noexcept { return t / m_width_us; }
  void open_next_bucket();
  void migrate_overflow();
  bool active_empty() const noexcept { return m_active_head == m_active.size() && m_late.empty(); }
  Event pop_heap_top(std::vector<Event>& heap);
  std::vector<Event> spare_buffer();

  TimeUs m_width_us;
  std::uint32_t m_bucket_count;
  std::vector<std::vector<Event>> m_buckets;
  std::int64_t m_epoch = 0;      // epoch of the bucket being drained (m_active)
  bool m_active_open = false;    // m_active holds the bucket of m_epoch
  std::vector<Event> m_active;   // sorted events of the current epoch
  std::size_t m_active_head = 0;
  std::vector<Event> m_late;     // heap: events pushed into the current epoch while draining it
  std::vector<Event> m_overflow; // heap: events beyond the ring's horizon
  std::vector<Event> m_control;  // heap: timers, query arrivals, joins
  std::vector<std::vector<Event>> m_spares;  // drained bucket buffers kept for reuse (bounded)
  std::size_t m_ring_size = 0;   // events in m_buckets
  std::size_t m_size = 0;
  std::uint64_t m_seq = 0;
};

}  // namespace zonal::sim
