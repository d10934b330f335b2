#include "engine/event_queue.hpp"

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
    append(m_buckets[slot_of(epoch)], std::move(e), 1);
    ++m_ring_size;
  } else {
    heap_push(m_overflow, std::move(e));
  }
}

void EventQueue::push_batch(TimeUs time_us, PeerId from, const Message& msg, std::span<const PeerId> to) {
  if (to.size() < 2 || !in_ring(epoch_of(time_us))) {  // nothing to gain, or not bucketed: one by one
    for (PeerId dest : to) push(Event{time_us, 0, dest, from, EventKind::deliver, 0, msg});
    return;
  }
  Bucket& bucket = m_buckets[slot_of(epoch_of(time_us))];
  Chunk& chunk = tail_chunk(bucket);
  Event entry{time_us, m_seq, static_cast<PeerId>(to.size()), from, EventKind::deliver_batch,
              static_cast<std::uint32_t>(chunk.batch_to.size()), msg};
  chunk.batch_to.insert(chunk.batch_to.end(), to.begin(), to.end());
  m_seq += to.size();
  m_size += to.size();
  m_ring_size += to.size();
  append(bucket, std::move(entry), to.size());
}

EventQueue::Chunk& EventQueue::tail_chunk(Bucket& bucket) {
  if (bucket.tail == no_chunk || m_chunks[bucket.tail]->count == chunk_events) {
    const std::uint32_t fresh = take_chunk();
    if (bucket.tail == no_chunk) bucket.head = fresh;
    else m_chunks[bucket.tail]->next = fresh;
    bucket.tail = fresh;
  }
  return *m_chunks[bucket.tail];
}

void EventQueue::append(Bucket& bucket, Event&& e, std::size_t logical) {
  Chunk& chunk = tail_chunk(bucket);
  if (bucket.count > 0 && e.time_us < bucket.last_time_us) bucket.sorted = false;
  bucket.last_time_us = e.time_us;
  chunk.events[chunk.count++] = std::move(e);
  bucket.count += logical;
}

std::uint32_t EventQueue::take_chunk() {
  if (m_free_chunks.empty()) {
    m_chunks.push_back(std::make_unique<Chunk>());
    return static_cast<std::uint32_t>(m_chunks.size() - 1);
  }
  const std::uint32_t index = m_free_chunks.back();
  m_free_chunks.pop_back();
  Chunk& chunk = *m_chunks[index];
  chunk.count = 0;
  chunk.next = no_chunk;
  chunk.batch_to.clear();
  return index;
}

const Event* EventQueue::active_front() const noexcept {
  if (m_active_chunk == no_chunk) return m_active_head < m_active.size() ? &m_active[m_active_head] : nullptr;
  return &m_chunks[m_active_chunk]->events[m_active_pos];
}

std::size_t EventQueue::peek(std::span<Upcoming> out) const noexcept {
  std::size_t found = 0;
  if (m_active_chunk == no_chunk) {
    for (std::size_t at = m_active_head; at < m_active.size() && found < out.size(); ++at)
      out[found++] = Upcoming{{&m_active[at].to, 1}, &m_active[at].msg};
    return found;
  }
  std::uint32_t chunk_index = m_active_chunk;
  std::uint32_t pos = m_active_pos;
  while (found < out.size()) {
    const Chunk& chunk = *m_chunks[chunk_index];
    if (pos == chunk.count) {  // the bucket's chain continues in the next chunk
      chunk_index = chunk.next;
      pos = 0;
      if (chunk_index == no_chunk) break;
      continue;
    }
    const Event& e = chunk.events[pos++];
    out[found++] = e.kind == EventKind::deliver_batch ? Upcoming{{chunk.batch_to.data() + e.aux, e.to}, &e.msg}
                                                      : Upcoming{{&e.to, 1}, &e.msg};
  }
  return found;
}

EventQueue::Popped EventQueue::take_active() {
  if (m_active_chunk == no_chunk) {
    const Event& e = m_active[m_active_head++];
    --m_size;
    return Popped{&e, {&e.to, 1}};
  }
  Chunk& chunk = *m_chunks[m_active_chunk];
  const Event& e = chunk.events[m_active_pos];
  const bool batch = e.kind == EventKind::deliver_batch;
  const Popped out{&e, batch ? std::span<const PeerId>(chunk.batch_to.data() + e.aux, e.to)
                             : std::span<const PeerId>(&e.to, 1)};
  m_size -= out.to.size();
  if (++m_active_pos == chunk.count) {  // chunk consumed: freed on the next pop, once `out` is used
    m_consumed_chunk = m_active_chunk;
    m_active_chunk = chunk.next;
    m_active_pos = 0;
  }
  return out;
}

void EventQueue::release_consumed_chunk() {
  if (m_consumed_chunk == no_chunk) return;
  m_free_chunks.push_back(m_consumed_chunk);
  m_consumed_chunk = no_chunk;
}

EventQueue::Popped EventQueue::pop() {
  if (m_size == 0) throw std::logic_error("EventQueue::pop on empty queue");
  release_consumed_chunk();
  for (;;) {
    const Event* front = active_front();
    if (front != nullptr || !m_late.empty()) {
      const bool take_late = front == nullptr || (!m_late.empty() && earlier(m_late.front(), *front));
      const Event& next = take_late ? m_late.front() : *front;
      if (!m_control.empty() && earlier(m_control.front(), next)) return take_heap_top(m_control);
      if (take_late) return take_heap_top(m_late);
      return take_active();
    }
    const bool ring_idle = m_ring_size == 0 && m_overflow.empty();
    if (!m_control.empty() && (ring_idle || (m_active_open && epoch_of(m_control.front().time_us) <= m_epoch)))
      return take_heap_top(m_control);
    open_next_bucket();
  }
}

EventQueue::Popped EventQueue::take_heap_top(std::vector<Event>& heap) {
  std::pop_heap(heap.begin(), heap.end(), later);
  m_popped = std::move(heap.back());
  heap.pop_back();
  --m_size;
  return Popped{&m_popped, {&m_popped.to, 1}};
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
  const Bucket bucket = m_buckets[slot_of(m_epoch)];
  m_buckets[slot_of(m_epoch)] = Bucket{};
  m_ring_size -= bucket.count;
  m_active_open = true;
  if (bucket.count == 0) return;
  if (bucket.sorted) {  // consume the chunks in place
    m_active_chunk = bucket.head;
    m_active_pos = 0;
    return;
  }
  gather(bucket);
}

// Move an out-of-order bucket into m_active (batches expanded) and sort it.
void EventQueue::gather(const Bucket& bucket) {
  m_active.reserve(bucket.count);
  for (std::uint32_t c = bucket.head; c != no_chunk;) {
    Chunk& chunk = *m_chunks[c];
    for (std::uint32_t i = 0; i < chunk.count; ++i) {
      Event& e = chunk.events[i];
      if (e.kind != EventKind::deliver_batch) {
        m_active.push_back(std::move(e));
        continue;
      }
      for (std::uint32_t k = 0; k < e.to; ++k)
        m_active.push_back(Event{e.time_us, e.seq + k, chunk.batch_to[e.aux + k], e.from, EventKind::deliver, 0, e.msg});
    }
    const std::uint32_t next = chunk.next;
    m_free_chunks.push_back(c);
    c = next;
  }
  std::sort(m_active.begin(), m_active.end(), earlier);
}

void EventQueue::migrate_overflow() {
  while (!m_overflow.empty() && epoch_of(m_overflow.front().time_us) < m_epoch + m_bucket_count) {
    std::pop_heap(m_overflow.begin(), m_overflow.end(), later);
    Event e = std::move(m_overflow.back());
    m_overflow.pop_back();
    append(m_buckets[slot_of(epoch_of(e.time_us))], std::move(e), 1);
    ++m_ring_size;
  }
}

}  // namespace zonal::sim
