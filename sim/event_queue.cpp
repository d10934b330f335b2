#include "event_queue.hpp"

#include <algorithm>
#include <stdexcept>

namespace zonal::sim {
namespace {
// std heaps are max-heaps: invert the order so the earliest event is on top.
bool later(const Event& a, const Event& b) noexcept { return earlier(b, a); }
}  // namespace

EventQueue::EventQueue(TimeUs bucket_width_us, std::uint32_t bucket_count)
    : m_width_us(std::max<TimeUs>(1, bucket_width_us)),
      m_bucket_count(std::max<std::uint32_t>(1, bucket_count)),
      m_buckets(m_bucket_count) {}

namespace {
constexpr std::size_t spare_buffers_max = 32;
}

void EventQueue::push(Event e) {
  e.seq = m_seq++;
  ++m_size;
  if (e.kind != EventKind::deliver) {
    m_control.push_back(std::move(e));
    std::push_heap(m_control.begin(), m_control.end(), later);
    return;
  }
  const std::int64_t epoch = epoch_of(e.time_us);
  if (epoch < m_epoch || (epoch == m_epoch && m_active_open)) {
    // Same epoch as the bucket being drained (the past is clamped to it: time never runs backwards).
    m_late.push_back(std::move(e));
    std::push_heap(m_late.begin(), m_late.end(), later);
  } else if (epoch < m_epoch + m_bucket_count) {
    auto& bucket = m_buckets[static_cast<std::size_t>(epoch % m_bucket_count)];
    if (bucket.capacity() == 0) bucket = spare_buffer();
    bucket.push_back(std::move(e));
    ++m_ring_size;
  } else {
    m_overflow.push_back(std::move(e));
    std::push_heap(m_overflow.begin(), m_overflow.end(), later);
  }
}

Event EventQueue::pop() {
  if (m_size == 0) throw std::logic_error("EventQueue::pop on empty queue");
  --m_size;
  for (;;) {
    if (!active_empty()) {
      const bool take_late = m_active_head == m_active.size() ||
                             (!m_late.empty() && earlier(m_late.front(), m_active[m_active_head]));
      const Event& next = take_late ? m_late.front() : m_active[m_active_head];
      if (!m_control.empty() && earlier(m_control.front(), next)) return pop_heap_top(m_control);
      if (take_late) return pop_heap_top(m_late);
      return std::move(m_active[m_active_head++]);
    }
    const bool ring_idle = m_ring_size == 0 && m_overflow.empty();
    if (!m_control.empty() && (ring_idle || (m_active_open && epoch_of(m_control.front().time_us) <= m_epoch)))
      return pop_heap_top(m_control);
    open_next_bucket();
  }
}

Event EventQueue::pop_heap_top(std::vector<Event>& heap) {
  std::pop_heap(heap.begin(), heap.end(), later);
  Event e = std::move(heap.back());
  heap.pop_back();
  return e;
}

std::vector<Event> EventQueue::spare_buffer() {
  if (m_spares.empty()) return {};
  std::vector<Event> buffer = std::move(m_spares.back());
  m_spares.pop_back();
  return buffer;
}

void EventQueue::open_next_bucket() {
  if (m_active_open) ++m_epoch;
  m_active.clear();
  m_active_head = 0;
  if (m_active.capacity() > 0 && m_spares.size() < spare_buffers_max) m_spares.push_back(std::move(m_active));
  if (m_ring_size == 0 && !m_overflow.empty()) {  // nothing near: jump to the next epoch with work
    std::int64_t next = epoch_of(m_overflow.front().time_us);
    if (!m_control.empty()) next = std::min(next, epoch_of(m_control.front().time_us));
    m_epoch = std::max(m_epoch, next);
  }
  migrate_overflow();
  // Take the bucket's buffer; the previous one went to a bounded pool of spares, so idle
  // buckets hold no memory and the footprint follows the events in flight.
  std::vector<Event> drained = std::move(m_buckets[static_cast<std::size_t>(m_epoch % m_bucket_count)]);
  m_buckets[static_cast<std::size_t>(m_epoch % m_bucket_count)] = std::vector<Event>();
  m_active = std::move(drained);
  m_ring_size -= m_active.size();
  if (!std::is_sorted(m_active.begin(), m_active.end(), earlier))
    std::sort(m_active.begin(), m_active.end(), earlier);
  m_active_open = true;
}

void EventQueue::migrate_overflow() {
  while (!m_overflow.empty() && epoch_of(m_overflow.front().time_us) < m_epoch + m_bucket_count) {
    std::pop_heap(m_overflow.begin(), m_overflow.end(), later);
    Event e = std::move(m_overflow.back());
    m_overflow.pop_back();
    auto& bucket = m_buckets[static_cast<std::size_t>(epoch_of(e.time_us) % m_bucket_count)];
    if (bucket.capacity() == 0) bucket = spare_buffer();
    bucket.push_back(std::move(e));
    ++m_ring_size;
  }
}

}  // namespace zonal::sim
