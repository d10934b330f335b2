#pragma once
/// Member definitions of CalendarQueue (event_queue.hpp). Include only where a queue type is
/// instantiated (`template class CalendarQueue<...>;`): event_queue.cpp for the flood family's
/// Event, engine/chord/chord_queue.cpp for Chord's.
#include <algorithm>
#include <string>
#include <utility>

#include "engine/core/event_queue.hpp"
#include "zonal/assert.hpp"

namespace zonal::sim {
namespace calendar_detail {

/// A chunk for a bucket's chain: a free one of `pool` (emptied and unlinked) if `free` lists one,
/// else a new one appended to `pool`; returns its index.
template <class C>
std::uint32_t take_pooled(std::vector<std::unique_ptr<C>>& pool, std::vector<std::uint32_t>& free, std::uint32_t none) {
  if (free.empty()) {
    pool.push_back(std::make_unique<C>());
    return static_cast<std::uint32_t>(pool.size() - 1);
  }
  const std::uint32_t index = free.back();
  free.pop_back();
  C& chunk = *pool[index];
  chunk.count = 0;
  chunk.next = none;
  return index;
}

// std heaps are max-heaps: invert the order so the earliest event is on top. A function
// object (not a function pointer) so that the heap operations inline the comparison.
struct Later {
  template <class Ev>
  bool operator()(const Ev& a, const Ev& b) const noexcept { return earlier(b, a); }
};
struct Earlier {
  template <class Ev>
  bool operator()(const Ev& a, const Ev& b) const noexcept { return earlier(a, b); }
};

inline int floor_log2(std::uint64_t v) { return v <= 1 ? 0 : 63 - __builtin_clzll(v); }

template <class T>
void heap_push(std::vector<T>& heap, T&& e) {
  heap.push_back(std::move(e));
  std::push_heap(heap.begin(), heap.end(), calendar_detail::Later{});
}

}  // namespace calendar_detail

template <class Ev>
CalendarQueue<Ev>::CalendarQueue(TimeUs bucket_width_us, std::uint32_t bucket_count)
    : m_width_shift(calendar_detail::floor_log2(static_cast<std::uint64_t>(std::max<TimeUs>(1, bucket_width_us)))),
      m_bucket_count(1u << calendar_detail::floor_log2(std::max<std::uint32_t>(1, bucket_count))),
      m_bucket_mask(m_bucket_count - 1),
      m_buckets(m_bucket_count) {}

template <class Ev>
CalendarQueue<Ev>::~CalendarQueue() = default;

template <class Ev>
void CalendarQueue<Ev>::push(Ev e) {
  ZONAL_ASSERT(e.time_us >= m_last_popped_us, "EventQueue::push: an event at " + std::to_string(e.time_us) +
                                                  " us is before the last popped one at " +
                                                  std::to_string(m_last_popped_us) + " us");
  e.seq = m_seq++;
  ++m_size;
  if (Traits::control(e)) {
    std::uint32_t slot;
    if (m_control_free.empty()) {
      slot = static_cast<std::uint32_t>(m_control_events.size());
      m_control_events.push_back(std::move(e));
    } else {
      slot = m_control_free.back();
      m_control_free.pop_back();
      m_control_events[slot] = std::move(e);
    }
    const Ev& stored = m_control_events[slot];
    return calendar_detail::heap_push(m_control, ControlKey{stored.time_us, stored.seq, slot});
  }
  const std::int64_t epoch = epoch_of(e.time_us);
  if (epoch < m_epoch || (epoch == m_epoch && m_active_open)) {
    calendar_detail::heap_push(m_late, std::move(e));  // the bucket being drained, or an epoch the ring has passed
  } else if (epoch < m_epoch + m_bucket_count) {
    append(m_buckets[slot_of(epoch)], std::move(e), 1);
    ++m_ring_size;
  } else {
    calendar_detail::heap_push(m_overflow, std::move(e));
  }
}

template <class Ev>
void CalendarQueue<Ev>::push_batch(TimeUs time_us, PeerId from, const decltype(Ev::msg)& msg, std::span<const PeerId> to)
  requires Traits::batches
{
  ZONAL_ASSERT(time_us >= m_last_popped_us, "EventQueue::push_batch: a batch at " + std::to_string(time_us) +
                                                " us is before the last popped event at " +
                                                std::to_string(m_last_popped_us) + " us");
  if (to.size() < 2 || !in_ring(epoch_of(time_us))) {  // nothing to gain, or not bucketed: one by one
    for (PeerId dest : to) push(Traits::single(time_us, from, dest, msg));
    return;
  }
  Bucket& bucket = m_buckets[slot_of(epoch_of(time_us))];
  Chunk& chunk = tail_chunk(bucket);
  Ev entry = Traits::batch_entry(time_us, m_seq, from, msg, static_cast<std::uint32_t>(to.size()),
                                 static_cast<std::uint32_t>(chunk.batch_to.size()));
  chunk.batch_to.insert(chunk.batch_to.end(), to.begin(), to.end());
  m_seq += to.size();
  m_size += to.size();
  m_ring_size += to.size();
  append(bucket, std::move(entry), to.size());
}

template <class Ev>
void CalendarQueue<Ev>::push_shared(PeerId from, const decltype(Ev::msg)& msg, std::span<const Copy> copies)
  requires Traits::batches
{
  store_shared(from, msg, copies, [this](const Copy& c) {
    ZONAL_ASSERT(c.time_us >= m_last_popped_us, "EventQueue::push_shared: a copy at " + std::to_string(c.time_us) +
                                                    " us is before the last popped event at " +
                                                    std::to_string(m_last_popped_us) + " us");
  });
}

template <class Ev>
template <class C, class Number>
inline void CalendarQueue<Ev>::store_shared(PeerId from, const decltype(Ev::msg)& msg, std::span<const C> copies,
                                            Number number)
  requires Traits::batches
{
  std::uint32_t record = no_chunk;  // allocated with the first copy stored as a Slim entry
  std::uint32_t refs = 0;           // Slim entries of this call (stored once: no read-modify-write per copy)
  const std::int64_t ring_first = m_epoch + (m_active_open ? 1 : 0);  // in_ring(): push() changes neither bound
  const std::int64_t ring_end = m_epoch + m_bucket_count;
  const bool slim_times = m_width_shift <= 32;  // a time within a bucket fits Slim::offset_us
  for (const C& c : copies) {
    number(c);
    const std::int64_t epoch = epoch_of(c.time_us);
    if (slim_times && epoch >= ring_first && epoch < ring_end) {
      Bucket& bucket = m_buckets[slot_of(epoch)];
      if (bucket.slim_count == 0) bucket.base_seq = m_seq;
      const std::uint64_t delta = m_seq - bucket.base_seq;
      if (delta <= 0xFFFFFFFFu) {  // else its sequence number is too far from the bucket's first for 32 bits
        if (record == no_chunk) record = new_record(from, msg);
        append_slim(bucket, Slim{static_cast<std::uint32_t>(c.time_us - (static_cast<TimeUs>(epoch) << m_width_shift)),
                                 static_cast<std::uint32_t>(delta), c.to, record});
        ++refs;
        continue;
      }
    }
    push(Traits::single(c.time_us, from, c.to, msg));
  }
  if (refs > 0) m_records[record].refs = refs;
}

// A record for the message of a push_shared() call (its refs set once the copies are stored).
template <class Ev>
std::uint32_t CalendarQueue<Ev>::new_record(PeerId from, const decltype(Ev::msg)& msg) {
  if (m_free_records.empty()) {
    m_records.push_back(Record{msg, from, 0});
    return static_cast<std::uint32_t>(m_records.size() - 1);
  }
  const std::uint32_t record = m_free_records.back();
  m_free_records.pop_back();
  Record& r = m_records[record];  // field by field: assigning a temporary reloaded `from` and `refs`
  r.msg = msg;                    // as one word after two 4-byte stores (a failed store forward)
  r.from = from;
  r.refs = 0;
  return record;
}

// Store Slim entry `entry` (of the next sequence number) at the end of `bucket`.
template <class Ev>
inline void CalendarQueue<Ev>::append_slim(Bucket& bucket, const Slim& entry) {
  if (bucket.slim_tail_chunk == nullptr || bucket.slim_tail_chunk->count == slim_chunk_entries) [[unlikely]]
    extend_slim_chain(bucket);
  SlimChunk& chunk = *bucket.slim_tail_chunk;
  chunk.entries[chunk.count++] = entry;
  ++bucket.slim_count;
  ++m_seq;
  ++m_size;
  ++m_ring_size;
}

// A fresh chunk at the end of `bucket`'s chain of Slim entries.
template <class Ev>
void CalendarQueue<Ev>::extend_slim_chain(Bucket& bucket) {
  const std::uint32_t fresh = take_slim_chunk();
  if (bucket.slim_tail == no_chunk) bucket.slim_head = fresh;
  else bucket.slim_tail_chunk->next = fresh;
  bucket.slim_tail = fresh;
  bucket.slim_tail_chunk = m_slim_chunks[fresh].get();
}

template <class Ev>
std::uint32_t CalendarQueue<Ev>::take_slim_chunk() {
  return calendar_detail::take_pooled(m_slim_chunks, m_free_slim_chunks, no_chunk);
}

template <class Ev>
typename CalendarQueue<Ev>::Chunk& CalendarQueue<Ev>::tail_chunk(Bucket& bucket) {
  if (bucket.tail == no_chunk || m_chunks[bucket.tail]->count == chunk_events) {
    const std::uint32_t fresh = take_chunk();
    if (bucket.tail == no_chunk) bucket.head = fresh;
    else m_chunks[bucket.tail]->next = fresh;
    bucket.tail = fresh;
  }
  return *m_chunks[bucket.tail];
}

template <class Ev>
void CalendarQueue<Ev>::append(Bucket& bucket, Ev&& e, std::size_t logical) {
  Chunk& chunk = tail_chunk(bucket);
  if (bucket.count > 0 && e.time_us < bucket.last_time_us) bucket.sorted = false;
  bucket.last_time_us = e.time_us;
  chunk.events[chunk.count++] = std::move(e);
  bucket.count += logical;
}

template <class Ev>
std::uint32_t CalendarQueue<Ev>::take_chunk() {
  const std::uint32_t index = calendar_detail::take_pooled(m_chunks, m_free_chunks, no_chunk);
  m_chunks[index]->batch_to.clear();
  return index;
}

template <class Ev>
bool CalendarQueue<Ev>::active_key(Key& out) const noexcept {
  if (m_slim_head < m_active_slim.size()) {
    const Slim& s = m_active_slim[m_slim_head];
    out = Key{m_active_start_us + s.offset_us, m_active_base_seq + s.seq_delta};
    return true;
  }
  const Ev* front = nullptr;
  if (m_active_chunk != no_chunk) front = &m_chunks[m_active_chunk]->events[m_active_pos];
  else if (m_active_head < m_active.size()) front = &m_active[m_active_head];
  if (front == nullptr) return false;
  out = Key{front->time_us, front->seq};
  return true;
}

template <class Ev>
std::size_t CalendarQueue<Ev>::peek(std::span<Upcoming> out, std::size_t skip, std::size_t copies_max) const noexcept {
  std::size_t found = 0;
  if (m_slim_head < m_active_slim.size()) {  // runs of one copy each
    const std::size_t wanted = std::min(out.size(), copies_max);
    for (std::size_t at = m_slim_head + skip; at < m_active_slim.size() && found < wanted; ++at)
      out[found++] = Upcoming{{&m_active_slim[at].to, 1}, &m_records[m_active_slim[at].record].msg};
    return found;
  }
  if (m_active_chunk == no_chunk) {
    const std::size_t wanted = std::min(out.size(), copies_max);
    for (std::size_t at = m_active_head + skip; at < m_active.size() && found < wanted; ++at)
      out[found++] = Upcoming{{&m_active[at].to, 1}, &m_active[at].msg};
    return found;
  }
  std::uint32_t chunk_index = m_active_chunk;
  std::uint32_t pos = m_active_pos;
  std::size_t copies = 0;
  while (found < out.size() && copies < copies_max) {
    const Chunk& chunk = *m_chunks[chunk_index];
    if (pos == chunk.count) {  // the bucket's chain continues in the next chunk
      chunk_index = chunk.next;
      pos = 0;
      if (chunk_index == no_chunk) break;
      continue;
    }
    const Ev& e = chunk.events[pos++];
    if (skip > 0) {
      --skip;
      continue;
    }
    out[found++] = is_batch(e) ? Upcoming{{chunk.batch_to.data() + e.aux, e.to}, &e.msg}
                               : Upcoming{{&e.to, 1}, &e.msg};
    copies += out[found - 1].to.size();
  }
  return found;
}

template <class Ev>
typename CalendarQueue<Ev>::Popped CalendarQueue<Ev>::take_active() {
  if (m_slim_head < m_active_slim.size()) return take_slim();
  if (m_active_chunk == no_chunk) {
    const Ev& e = m_active[m_active_head++];
    --m_size;
    return Popped{&e, {&e.to, 1}};
  }
  Chunk& chunk = *m_chunks[m_active_chunk];
  const Ev& e = chunk.events[m_active_pos];
  const bool batch = is_batch(e);
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

template <class Ev>
void CalendarQueue<Ev>::release_consumed_chunk() {
  if (m_consumed_chunk == no_chunk) return;
  m_free_chunks.push_back(m_consumed_chunk);
  m_consumed_chunk = no_chunk;
}

template <class Ev>
typename CalendarQueue<Ev>::Popped CalendarQueue<Ev>::pop_slow() {
  ZONAL_ASSERT(m_size > 0, "EventQueue::pop on an empty queue");
  const Popped out = pop_next();
  m_last_popped_us = out.event->time_us;
  return out;
}

// The earliest of the open bucket's front and the late heap's top, if either holds an event;
// `take_late` says which one it is.
template <class Ev>
bool CalendarQueue<Ev>::ring_or_late_front(Key& next, bool& take_late) const noexcept {
  Key front;
  const bool has_front = active_key(front);
  if (!has_front && m_late.empty()) return false;
  take_late = !has_front || (!m_late.empty() && earlier(m_late.front(), front));
  next = take_late ? Key{m_late.front().time_us, m_late.front().seq} : front;
  return true;
}

template <class Ev>
typename CalendarQueue<Ev>::Popped CalendarQueue<Ev>::pop_next() {
  release_consumed_chunk();
  for (;;) {
    Key next;
    bool take_late = false;
    if (ring_or_late_front(next, take_late)) {
      if (!m_control.empty() && earlier(m_control.front(), next)) return take_control();
      if (take_late) return take_heap_top(m_late);
      return take_active();
    }
    const bool ring_idle = m_ring_size == 0 && m_overflow.empty();
    if (!m_control.empty() && (ring_idle || (m_active_open && epoch_of(m_control.front().time_us) <= m_epoch)))
      return take_control();
    open_next_bucket();
  }
}

// pop_before() beyond its inline case: pop_next() that stops before control events and at
// the limit (limit_us, limit_seq); it opens no bucket that starts after the limit (or at it, when
// limit_seq is 0), so that events pushed after it (at limit_us or later) still find their
// buckets in the ring.
template <class Ev>
std::optional<typename CalendarQueue<Ev>::Popped> CalendarQueue<Ev>::pop_before_slow(TimeUs limit_us,
                                                                                   std::uint64_t limit_seq) {
  release_consumed_chunk();
  for (;;) {
    Key next;
    bool take_late = false;
    if (ring_or_late_front(next, take_late)) {
      if (!earlier(next, Key{limit_us, limit_seq}) || (!m_control.empty() && earlier(m_control.front(), next)))
        return std::nullopt;
      const Popped out = take_late ? take_heap_top(m_late) : take_active();
      m_last_popped_us = out.event->time_us;
      return out;
    }
    if (m_ring_size == 0 && m_overflow.empty()) return std::nullopt;  // control events only, or nothing
    if (!m_control.empty() && m_active_open && epoch_of(m_control.front().time_us) <= m_epoch) return std::nullopt;
    const std::int64_t next_epoch = m_active_open ? m_epoch + 1 : m_epoch;
    const TimeUs next_start_us = next_epoch << m_width_shift;  // a bucket that starts at the limit holds none before it
    if (next_start_us > limit_us || (next_start_us == limit_us && limit_seq == 0)) return std::nullopt;
    open_next_bucket();
  }
}

template <class Ev>
typename CalendarQueue<Ev>::Popped CalendarQueue<Ev>::take_heap_top(std::vector<Ev>& heap) {
  std::pop_heap(heap.begin(), heap.end(), calendar_detail::Later{});
  m_popped = std::move(heap.back());
  heap.pop_back();
  --m_size;
  return Popped{&m_popped, {&m_popped.to, 1}};
}

template <class Ev>
typename CalendarQueue<Ev>::Popped CalendarQueue<Ev>::take_control() {
  std::pop_heap(m_control.begin(), m_control.end(), calendar_detail::Later{});
  const std::uint32_t slot = m_control.back().slot;
  m_control.pop_back();
  m_popped = std::move(m_control_events[slot]);
  m_control_free.push_back(slot);
  --m_size;
  return Popped{&m_popped, {&m_popped.to, 1}};
}

template <class Ev>
void CalendarQueue<Ev>::open_next_bucket() {
  if (m_active_open) ++m_epoch;
  m_active.clear();
  m_active_head = 0;
  m_active_slim.clear();
  m_slim_head = 0;
  if (m_ring_size == 0 && !m_overflow.empty()) {  // nothing near: jump to the next epoch with work
    std::int64_t next = epoch_of(m_overflow.front().time_us);
    if (!m_control.empty()) next = std::min(next, epoch_of(m_control.front().time_us));
    m_epoch = std::max(m_epoch, next);
  }
  migrate_overflow();
  const Bucket bucket = m_buckets[slot_of(m_epoch)];
  m_buckets[slot_of(m_epoch)] = Bucket{};
  m_ring_size -= bucket.count + bucket.slim_count;
  m_active_open = true;
  if (bucket.slim_count > 0) {
    m_active_start_us = static_cast<TimeUs>(m_epoch) << m_width_shift;
    m_active_base_seq = bucket.base_seq;
    if (bucket.count == 0) return gather_slim(bucket);
    expand_slim(bucket);  // both kinds: order them all as whole events
    return gather(bucket);
  }
  if (bucket.count == 0) return;
  if (bucket.sorted) {  // consume the chunks in place
    m_active_chunk = bucket.head;
    m_active_pos = 0;
    return;
  }
  gather(bucket);
}

// Move an out-of-order bucket into m_active (batches expanded) and sort it.
template <class Ev>
void CalendarQueue<Ev>::gather(const Bucket& bucket) {
  m_active.reserve(m_active.size() + bucket.count);
  for (std::uint32_t c = bucket.head; c != no_chunk;) {
    Chunk& chunk = *m_chunks[c];
    for (std::uint32_t i = 0; i < chunk.count; ++i) {
      Ev& e = chunk.events[i];
      if (!is_batch(e)) {
        m_active.push_back(std::move(e));
        continue;
      }
      for (std::uint32_t k = 0; k < e.to; ++k)
        if constexpr (Traits::batches) m_active.push_back(Traits::copy(e, k, chunk.batch_to[e.aux + k]));
    }
    const std::uint32_t next = chunk.next;
    m_free_chunks.push_back(c);
    c = next;
  }
  std::sort(m_active.begin(), m_active.end(), calendar_detail::Earlier{});
}

// Move a bucket of Slim entries only into m_active_slim, ordered by (time, seq) without
// comparisons: a stable LSD radix sort on the time within the bucket (below 2^m_width_shift),
// digits of at most radix_bits_max bits, whose first pass reads the bucket's chunks (no copy
// before sorting) and whose last pass writes m_active_slim. The chunks hold the entries in
// sequence order (append_slim), so stability keeps equal times in seq order.
template <class Ev>
void CalendarQueue<Ev>::gather_slim(const Bucket& bucket) {
  const int bits = m_width_shift;
  const int passes = std::max(1, (bits + radix_bits_max - 1) / radix_bits_max);
  const int digit_bits = (bits + passes - 1) / passes;
  const std::size_t radix = std::size_t{1} << digit_bits;
  const std::uint32_t digit_mask = static_cast<std::uint32_t>(radix - 1);
  const std::size_t n = bucket.slim_count;
  m_radix_counts.assign(static_cast<std::size_t>(passes) * radix, 0);
  std::uint32_t* const counts = m_radix_counts.data();
  for (std::uint32_t c = bucket.slim_head; c != no_chunk; c = m_slim_chunks[c]->next) {
    const SlimChunk& chunk = *m_slim_chunks[c];
    if (passes == 2) {  // bucket widths of 2^12 .. 2^22 us: both digits counted in one sweep
      std::uint32_t* const high = counts + radix;
      for (std::uint32_t i = 0; i < chunk.count; ++i) {
        const std::uint32_t offset = chunk.entries[i].offset_us;
        ++counts[offset & digit_mask];
        ++high[(offset >> digit_bits) & digit_mask];
      }
    } else {
      for (std::uint32_t i = 0; i < chunk.count; ++i)
        for (int p = 0; p < passes; ++p) ++counts[p * radix + ((chunk.entries[i].offset_us >> (p * digit_bits)) & digit_mask)];
    }
  }
  m_active_slim.resize(n);  // Slim's empty constructor: no zeroing of what the passes overwrite
  if (passes > 1) m_slim_scratch.resize(n);
  for (int p = 0; p < passes; ++p) {
    std::uint32_t* const count = counts + p * radix;
    std::uint32_t sum = 0;
    for (std::size_t d = 0; d < radix; ++d) sum += std::exchange(count[d], sum);
    const int shift = p * digit_bits;
    Slim* const to = (passes - 1 - p) % 2 == 0 ? m_active_slim.data() : m_slim_scratch.data();
    if (p == 0) {
      for (std::uint32_t c = bucket.slim_head; c != no_chunk;) {
        const SlimChunk& chunk = *m_slim_chunks[c];
        for (std::uint32_t i = 0; i < chunk.count; ++i) {
          const Slim& e = chunk.entries[i];
          to[count[(e.offset_us >> shift) & digit_mask]++] = e;
        }
        m_free_slim_chunks.push_back(c);
        c = chunk.next;
      }
    } else {
      const Slim* const from = to == m_active_slim.data() ? m_slim_scratch.data() : m_active_slim.data();
      for (std::size_t i = 0; i < n; ++i) {
        const Slim& e = from[i];
        to[count[(e.offset_us >> shift) & digit_mask]++] = e;
      }
    }
  }
}

// Append the whole events of a bucket's Slim entries to m_active (gather() sorts them in).
template <class Ev>
void CalendarQueue<Ev>::expand_slim(const Bucket& bucket) {
  m_active.reserve(bucket.slim_count + bucket.count);
  for (std::uint32_t c = bucket.slim_head; c != no_chunk;) {
    const SlimChunk& chunk = *m_slim_chunks[c];
    for (std::uint32_t i = 0; i < chunk.count; ++i)
      slim_event_into(m_active.emplace_back(), chunk.entries[i]);
    m_free_slim_chunks.push_back(c);
    c = chunk.next;
  }
}

template <class Ev>
void CalendarQueue<Ev>::migrate_overflow() {
  while (!m_overflow.empty() && epoch_of(m_overflow.front().time_us) < m_epoch + m_bucket_count) {
    std::pop_heap(m_overflow.begin(), m_overflow.end(), calendar_detail::Later{});
    Ev e = std::move(m_overflow.back());
    m_overflow.pop_back();
    append(m_buckets[slot_of(epoch_of(e.time_us))], std::move(e), 1);
    ++m_ring_size;
  }
}

}  // namespace zonal::sim

#include "engine/core/event_queue_seq_impl.hpp"  // the members for --threads
