#include "event_queue.hpp"

#include <algorithm>
#include <stdexcept>

namespace zonal::sim {
namespace {

// std heaps are max-heaps: invert the order so the earliest event is on top.
bool later(const Event& a, const Event& b) noexcept { return earlier(b, a); }

int floor_log2(std::uint64_t v) { return v <= 1 ? 0 : 63 - __builtin_clzll(v); }

void heap_push(std::vector<Event>& heap, Event&& e) {
  heap.push_back(std::move(e));
  std::push_heap(heap.begin(), heap.end(), later);
}

}  // namespace

EventQueue::EventQueue(TimeUs bucket_width_us, std::uint32_t bucket_count)
    : m_width_shift(floor_log2(static_cast<std::uint64_t>(std::max<TimeUs>(1, bucket_width_us)))),
      m_bucket_count(1u << floor_log2(std::max<std::uint32_t>(1, bucket_count))),
      m_bucket_mask(m_bucket_count - 1),
      m_buckets(m_bucket_count) {}

EventQueue::~EventQueue() = default;

void EventQueue::push(Event e) {
  e.seq = m_seq++;
  ++m_size;
  if (e.kind != EventKind::deliver) return heap_push(m_control, std::move(e));
  const std::int64_t epoch = epoch_of(e.time_us);
  if (epoch < m_epoch || (epoch == m_epoch && m_active_open)) {
    heap_push(m_late, std::move(e));  // the bucket being drained (the past is clamped to it)
  } else if (epoch < m_epoch + m_bucket_count) {
    append(m_buckets[slot_of(epoch)], std::move(e));
    ++m_ring_size;
  } else {
    heap_push(m_overflow, std::move(e));
  }
}

void EventQueue::append(Bucket& bucket, Event&& e) {
  if (bucket.tail == no_chunk || m_chunks[bucket.tail]->count == chunk_events) {
    const std::uint32_t fresh = take_chunk();
    if (bucket.tail == no_chunk) bucket.head = fresh;
    else m_chunks[bucket.tail]->next = fresh;
    bucket.tail = fresh;
  }
  if (bucket.count > 0 && e.time_us < bucket.last_time_us) bucket.sorted = false;
  bucket.last_time_us = e.time_us;
  Chunk& chunk = *m_chunks[bucket.tail];
  chunk.events[chunk.count++] = std::move(e);
  ++bucket.count;
}

std::uint32_t EventQueue::take_chunk() {
  if (m_free_chunks.empty()) {
    m_chunks.push_back(std::make_unique<Chunk>());
    return static_cast<std::uint32_t>(m_chunks.size() - 1);
  }
  const std::uint32_t index = m_free_chunks.back();
  m_free_chunks.pop_back();
  m_chunks[index]->count = 0;
  m_chunks[index]->next = no_chunk;
  return index;
}

void EventQueue::release_chunk(std::uint32_t index) { m_free_chunks.push_back(index); }

bool EventQueue::active_empty() const noexcept { return active_front() == nullptr && m_late.empty(); }

const Event* EventQueue::active_front() const noexcept {
  if (m_active_chunk != no_chunk) return &m_chunks[m_active_chunk]->events[m_active_pos];
  return m_active_head < m_active.size() ? &m_active[m_active_head] : nullptr;
}

const Event* EventQueue::peek(std::size_t ahead) const noexcept {
  if (m_active_chunk != no_chunk) {
    const Chunk& chunk = *m_chunks[m_active_chunk];
    const std::size_t at = m_active_pos + ahead;
    return at < chunk.count ? &chunk.events[at] : nullptr;
  }
  const std::size_t at = m_active_head + ahead;
  return at < m_active.size() ? &m_active[at] : nullptr;
}

Event EventQueue::take_active() {
  if (m_active_chunk == no_chunk) return std::move(m_active[m_active_head++]);
  Chunk& chunk = *m_chunks[m_active_chunk];
  Event e = std::move(chunk.events[m_active_pos++]);
  if (m_active_pos == chunk.count) {  // chunk consumed: back to the free list
    const std::uint32_t done = m_active_chunk;
    m_active_chunk = chunk.next;
    m_active_pos = 0;
    release_chunk(done);
  }
  return e;
}

Event EventQueue::pop() {
  if (m_size == 0) throw std::logic_error("EventQueue::pop on empty queue");
  --m_size;
  for (;;) {
    if (!active_empty()) {
      const Event* front = active_front();
      const bool take_late = front == nullptr || (!m_late.empty() && earlier(m_late.front(), *front));
      const Event& next = take_late ? m_late.front() : *front;
      if (!m_control.empty() && earlier(m_control.front(), next)) return pop_heap_top(m_control);
      if (take_late) return pop_heap_top(m_late);
      return take_active();
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

void EventQueue::open_next_bucket() {
  if (m_active_open) ++m_epoch;
  m_active.clear();
  m_active_head = 0;
  if (m_ring_size == 0 && !m_overflow.empty()) {  // nothing near: jump to the next epoch with work
    std::int64_t next = epoch_of(m_overflow.front().time_us);
    if (!m_control.empty()) next = std::min(next, epoch_of(m_control.front().time_us));
    m_epoch = std::max(m_epoch, next);
  }
  migrate_overflow();
  Bucket bucket = m_buckets[slot_of(m_epoch)];
  m_buckets[slot_of(m_epoch)] = Bucket{};
  m_ring_size -= bucket.count;
  m_active_open = true;
  if (bucket.count == 0) return;
  if (bucket.sorted) {  // consume the chunks in place
    m_active_chunk = bucket.head;
    m_active_pos = 0;
    return;
  }
  m_active.reserve(bucket.count);
  for (std::uint32_t c = bucket.head; c != no_chunk;) {
    Chunk& chunk = *m_chunks[c];
    for (std::uint32_t i = 0; i < chunk.count; ++i) m_active.push_back(std::move(chunk.events[i]));
    const std::uint32_t next = chunk.next;
    release_chunk(c);
    c = next;
  }
  std::sort(m_active.begin(), m_active.end(), earlier);
}

void EventQueue::migrate_overflow() {
  while (!m_overflow.empty() && epoch_of(m_overflow.front().time_us) < m_epoch + m_bucket_count) {
    Event e = pop_heap_top(m_overflow);
    append(m_buckets[slot_of(epoch_of(e.time_us))], std::move(e));
    ++m_ring_size;
  }
}

}  // namespace zonal::sim
