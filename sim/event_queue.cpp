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

void EventQueue::push(Event e) {
  e.seq = m_seq++;
  ++m_size;
  const std::int64_t epoch = epoch_of(e.time_us);
  if (epoch < m_epoch || (epoch == m_epoch && m_active_open)) {
    // Same epoch as the bucket being drained (the past is clamped to it: time never runs backwards).
    m_late.push_back(std::move(e));
    std::push_heap(m_late.begin(), m_late.end(), later);
  } else if (epoch < m_epoch + m_bucket_count) {
    m_buckets[static_cast<std::size_t>(epoch % m_bucket_count)].push_back(std::move(e));
    ++m_ring_size;
  } else {
    m_overflow.push_back(std::move(e));
    std::push_heap(m_overflow.begin(), m_overflow.end(), later);
  }
}

Event EventQueue::pop() {
  if (m_size == 0) throw std::logic_error("EventQueue::pop on empty queue");
  while (active_empty()) open_next_bucket();
  --m_size;
  const bool take_late = m_active_head == m_active.size() ||
                         (!m_late.empty() && earlier(m_late.front(), m_active[m_active_head]));
  if (!take_late) return std::move(m_active[m_active_head++]);
  std::pop_heap(m_late.begin(), m_late.end(), later);
  Event e = std::move(m_late.back());
  m_late.pop_back();
  return e;
}

void EventQueue::open_next_bucket() {
  if (m_active_open) ++m_epoch;
  m_active.clear();
  m_active_head = 0;
  if (m_ring_size == 0 && !m_overflow.empty())  // nothing near: jump to the overflow's earliest epoch
    m_epoch = std::max(m_epoch, epoch_of(m_overflow.front().time_us));
  migrate_overflow();
  // Take the bucket's buffer and free the previous one, so idle buckets hold no memory and
  // the queue's footprint follows the events in flight, not every bucket's historic peak.
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
    m_buckets[static_cast<std::size_t>(epoch_of(e.time_us) % m_bucket_count)].push_back(std::move(e));
    ++m_ring_size;
  }
}

}  // namespace zonal::sim
