#pragma once
/// Member definitions of CalendarQueue (event_queue.hpp) for --threads' several queues in one
/// global numbering (engine/flood/flood_parallel.cpp): explicit-sequence pushes, a bound of
/// the front, taking the pending deliveries out. Included by event_queue_impl.hpp.
#include "engine/core/event_queue_impl.hpp"

namespace zonal::sim {

// push_shared() with each copy's own number: the same storage (a shared record, a Slim entry
// per copy when it fits one, else a whole event).
template <class Ev>
void CalendarQueue<Ev>::push_shared_at(PeerId from, const decltype(Ev::msg)& msg, std::span<const CopyAt> copies)
  requires Traits::batches
{
  store_shared(from, msg, copies, [this](const CopyAt& c) {
    ZONAL_ASSERT(c.time_us >= m_last_popped_us && c.seq >= m_seq,
                 "EventQueue::push_shared_at: a copy at " + std::to_string(c.time_us) + " us, seq " +
                     std::to_string(c.seq) + ", before the last popped time or pushed seq");
    m_seq = c.seq;
  });
}

template <class Ev>
std::optional<typename CalendarQueue<Ev>::Key> CalendarQueue<Ev>::front_bound() const noexcept {
  std::optional<Key> first;
  const auto consider = [&first](Key k) {
    if (!first || earlier(k, *first)) first = k;
  };
  if (!m_control.empty()) consider(Key{m_control.front().time_us, m_control.front().seq});
  Key next;
  bool take_late = false;
  if (ring_or_late_front(next, take_late)) {
    consider(next);
    return first;
  }
  if (m_ring_size > 0) {
    for (std::int64_t epoch = m_active_open ? m_epoch + 1 : m_epoch; epoch < m_epoch + m_bucket_count; ++epoch) {
      const Bucket& bucket = m_buckets[slot_of(epoch)];
      if (bucket.count + bucket.slim_count == 0) continue;
      consider(Key{static_cast<TimeUs>(epoch) << m_width_shift, 0});
      return first;
    }
  }
  if (!m_overflow.empty()) consider(Key{m_overflow.front().time_us, m_overflow.front().seq});
  return first;
}

template <class Ev>
void CalendarQueue<Ev>::take_deliveries(std::vector<Ev>& out)
  requires Traits::batches
{
  ZONAL_ASSERT(m_slim_head == m_active_slim.size() && m_active_head == m_active.size() && m_active_chunk == no_chunk,
               "EventQueue::take_deliveries while a bucket is being drained");
  release_consumed_chunk();
  const std::size_t before = out.size();
  for (std::uint32_t i = 0; i < m_bucket_count && m_ring_size > 0; ++i) {  // from the clock on: stops once all are found
    const std::int64_t epoch = m_epoch + i;
    Bucket& bucket = m_buckets[slot_of(epoch)];
    for (std::uint32_t c = bucket.slim_head; c != no_chunk;) {
      const SlimChunk& chunk = *m_slim_chunks[c];
      for (std::uint32_t k = 0; k < chunk.count; ++k) {
        const Slim& s = chunk.entries[k];
        Record& record = m_records[s.record];
        Ev& e = out.emplace_back(Traits::single((static_cast<TimeUs>(epoch) << m_width_shift) + s.offset_us, record.from,
                                                s.to, record.msg));
        e.seq = bucket.base_seq + s.seq_delta;
        if (--record.refs == 0) m_free_records.push_back(s.record);
      }
      m_free_slim_chunks.push_back(c);
      c = chunk.next;
    }
    for (std::uint32_t c = bucket.head; c != no_chunk;) {
      Chunk& chunk = *m_chunks[c];
      for (std::uint32_t k = 0; k < chunk.count; ++k) {
        Ev& e = chunk.events[k];
        if (!is_batch(e)) out.push_back(std::move(e));
        else
          for (std::uint32_t j = 0; j < e.to; ++j) out.push_back(Traits::copy(e, j, chunk.batch_to[e.aux + j]));
      }
      m_free_chunks.push_back(c);
      c = chunk.next;
    }
    m_ring_size -= bucket.count + bucket.slim_count;
    bucket = Bucket{};
  }
  for (std::vector<Ev>* heap : {&m_late, &m_overflow}) {
    for (Ev& e : *heap) out.push_back(std::move(e));
    heap->clear();
  }
  m_size -= out.size() - before;
}

template <class Ev>
bool CalendarQueue<Ev>::give_idle_pools(CalendarQueue& to) noexcept {
  const bool idle = m_free_records.size() == m_records.size() && m_free_slim_chunks.size() == m_slim_chunks.size();
  const bool empty = to.m_records.empty() && to.m_slim_chunks.empty();
  if (!idle || !empty) return false;
  std::swap(m_records, to.m_records);  // the records keep their indices: every one is free
  std::swap(m_free_records, to.m_free_records);
  std::swap(m_slim_chunks, to.m_slim_chunks);  // no bucket refers to a free chunk
  std::swap(m_free_slim_chunks, to.m_free_slim_chunks);
  return true;
}

}  // namespace zonal::sim
