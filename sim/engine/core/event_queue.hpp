#pragma once
/// Calendar queue of simulator events (ns-3 order: time, then insertion sequence), the one
/// queue of both node kinds: CalendarQueue<Event> (EventQueue, the flood family's, with batched
/// broadcasts) and CalendarQueue<ChordSimEvent> (Chord's).
///
/// A ring of time buckets, each a chain of fixed-size chunks drawn from a shared free list,
/// holds the near future; a heap holds events beyond the ring's horizon. A bucket filled in
/// order (always the case under constant latency) is consumed in place; otherwise it is
/// gathered and sorted once when its time comes. Memory follows the events in flight: no
/// vector doubling, no per-bucket peaks kept. The rare control events (timers, query
/// arrivals, joins) live in a small heap of their own so they never unsort a bucket.
///
/// push_batch() (payloads whose QueueTraits allow batches: zonal::Message) stores one message
/// for many destinations delivered at the same time as a single entry plus 4 bytes per
/// destination; its copies take consecutive sequence numbers and pop together, in the order
/// separate pushes would have popped one by one.
///
/// push_shared() (the same payloads) stores a broadcast whose copies have their own delays
/// (random latency) as one shared message record plus a 16-byte entry per copy (time within
/// its bucket, sequence number relative to the bucket's first, destination, record), as
/// PeerSim shares one message object among the copies. A bucket holding only such entries is
/// ordered by a radix sort on the time (no comparisons). A copy that does not fit an entry
/// (outside the ring, in the bucket being drained, a sequence number 2^32 past the bucket's
/// first) is pushed as a whole event instead; a bucket holding both kinds is expanded and
/// ordered as whole events.
///
/// An event type Ev has members time_us, seq (assigned by push), to (a PeerId), aux and msg,
/// and a QueueTraits<Ev> specialisation saying which events are control events and, when
/// `batches` is true, which are batch entries and how to build one copy of a batch.
/// The member definitions are in event_queue_impl.hpp, instantiated once per event type.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engine/core/event.hpp"
#include "zonal/assert.hpp"

namespace zonal::sim {

template <class Ev>
class CalendarQueue {
  using Traits = QueueTraits<Ev>;

 public:
  /// `bucket_width_us` should be a fraction of typical latency; `bucket_count` * width = horizon.
  /// Both are rounded down to powers of two so that bucket arithmetic is shifts and masks.
  explicit CalendarQueue(TimeUs bucket_width_us = 1024, std::uint32_t bucket_count = 4096);
  ~CalendarQueue();
  CalendarQueue(const CalendarQueue&) = delete;
  CalendarQueue& operator=(const CalendarQueue&) = delete;

  /// Schedule `e` (its seq is assigned here). e.time_us must be >= the last popped time
  /// (ZONAL_ASSERT: scheduling into the past is a bug of the caller).
  void push(Ev e);
  /// Schedule delivery of `msg` from `from` to each of `to`, all at `time_us`; equivalent to
  /// one push() per destination in order. Call when a broadcast's copies share their delay.
  void push_batch(TimeUs time_us, PeerId from, const decltype(Ev::msg)& msg, std::span<const PeerId> to)
    requires Traits::batches;
  /// One copy of a shared message (push_shared): when and where it arrives.
  struct Copy {
    TimeUs time_us;
    PeerId to;
  };
  /// Schedule delivery of `msg` from `from` to each copy's destination at the copy's time, in
  /// order: equivalent to one push() per copy, with the message stored once. Call when a
  /// broadcast's copies have their own delays.
  void push_shared(PeerId from, const decltype(Ev::msg)& msg, std::span<const Copy> copies)
    requires Traits::batches;
  /// (time, seq) of an event wherever it is stored: the queue's order.
  struct Key {
    TimeUs time_us;
    std::uint64_t seq;
  };
  /// What pop() returns: the earliest event and the destinations it is delivered to. A batch
  /// is popped whole: its copies take consecutive sequence numbers, so delivering them one
  /// after another is exactly the (time, seq) order; anything pushed meanwhile sorts after
  /// them. Valid until the next pop().
  struct Popped {
    const Ev* event;             ///< time_us, seq (of the first copy), from, kind, msg
    std::span<const PeerId> to;  ///< the single `event->to`, or the batch's destinations in order
    /// When it happens (the event loop's clock follows it).
    TimeUs at_us() const noexcept { return event->time_us; }
  };
  /// Remove the earliest event (a whole batch at once); call only when !empty().
  Popped pop() {
    // Inline: the next copy of a bucket of shared messages (most pops under random latency),
    // when no late or control event comes first; anything else in pop_next().
    if (m_slim_head < m_active_slim.size() && m_consumed_chunk == no_chunk) {
      const Slim& s = m_active_slim[m_slim_head];
      const Key front{m_active_start_us + s.offset_us, m_active_base_seq + s.seq_delta};
      if ((m_late.empty() || !earlier(m_late.front(), front)) && (m_control.empty() || !earlier(m_control.front(), front)))
        return take_slim();
    }
    return pop_slow();
  }
  /// Remove the earliest event like pop(), but only when it is a delivery (not a control event)
  /// that comes before (`limit_us`, `limit_seq`) in (time, seq) order (limit_seq 0: earlier
  /// than limit_us); otherwise nothing is removed. Conservative windows (--threads,
  /// engine/flood/flood_parallel.cpp) collect a partition's deliveries of a window with it.
  std::optional<Popped> pop_before(TimeUs limit_us, std::uint64_t limit_seq = 0) {
    // Inline as in pop(): the next shared-message copy when it comes first and before the limit.
    if (m_slim_head < m_active_slim.size() && m_consumed_chunk == no_chunk) {
      const Slim& s = m_active_slim[m_slim_head];
      const Key front{m_active_start_us + s.offset_us, m_active_base_seq + s.seq_delta};
      if (earlier(front, Key{limit_us, limit_seq}) && (m_late.empty() || !earlier(m_late.front(), front)) &&
          (m_control.empty() || !earlier(m_control.front(), front)))
        return take_slim();
    }
    return pop_before_slow(limit_us, limit_seq);
  }

  /// Destinations and message of the runs queued after the last popped one in the current
  /// bucket, for prefetching: fills `out` from the next run on (after skipping `skip` runs),
  /// stopping once the runs found hold `copies_max` destinations, and returns how many it
  /// found. Only a hint: control and late events may come first.
  struct Upcoming {
    std::span<const PeerId> to;
    const decltype(Ev::msg)* msg;
  };
  std::size_t peek(std::span<Upcoming> out, std::size_t skip = 0,
                   std::size_t copies_max = static_cast<std::size_t>(-1)) const noexcept;
  /// True when the runs peek() sees are single copies of shared messages (push_shared): then
  /// upcoming_copy() finds them without peek()'s loop.
  bool draining_copies() const noexcept { return m_slim_head < m_active_slim.size(); }
  /// The copy `skip` runs after the last popped one when draining_copies() and the bucket
  /// holds that many more, else false; sets `to` and `msg`. Same hint as peek().
  bool upcoming_copy(std::size_t skip, PeerId& to, const decltype(Ev::msg)*& msg) const noexcept {
    const std::size_t at = m_slim_head + skip;
    if (at >= m_active_slim.size()) return false;
    const Slim& s = m_active_slim[at];
    to = s.to;
    msg = &m_records[s.record].msg;
    return true;
  }
  /// The destination of the earliest delivery pushed into the bucket being drained (a late
  /// event: pop() takes it before the copies it precedes, and upcoming_copy() never sees it),
  /// or false when there is none. Same hint as peek().
  bool upcoming_late(PeerId& to) const noexcept {
    if (m_late.empty()) return false;
    to = m_late.front().to;
    return true;
  }
  /// True when no event is pending.
  bool empty() const noexcept { return m_size == 0; }
  /// Pending events.
  std::size_t size() const noexcept { return m_size; }
  /// Events pushed so far (the next sequence number).
  std::uint64_t pushed() const noexcept { return m_seq; }

  // --threads (engine/flood/flood_parallel.cpp): one global numbering over several queues. The
  // main queue numbers the run's events (pushes and reserve_seqs()); each partition's queue gets
  // its deliveries with the numbers they were given there, in increasing order (the *_at pushes;
  // a bucket's entries must arrive in (time, seq) order when their times do).
  /// Take `count` sequence numbers for events pushed into other queues; returns the first.
  std::uint64_t reserve_seqs(std::uint64_t count) noexcept {
    m_seq += count;
    return m_seq - count;
  }
  /// push() with the event's own e.seq, larger than any pushed before.
  void push_at(Ev e) {
    ZONAL_ASSERT(e.seq >= m_seq, "EventQueue::push_at: seq " + std::to_string(e.seq) + " after " + std::to_string(m_seq));
    m_seq = e.seq;
    push(std::move(e));
  }
  /// push_batch() whose copies are numbered first_seq, first_seq + 1, ...
  void push_batch_at(TimeUs time_us, PeerId from, const decltype(Ev::msg)& msg, std::span<const PeerId> to,
                     std::uint64_t first_seq)
    requires Traits::batches
  {
    ZONAL_ASSERT(first_seq >= m_seq, "EventQueue::push_batch_at: seq " + std::to_string(first_seq) + " after " +
                                         std::to_string(m_seq));
    m_seq = first_seq;
    push_batch(time_us, from, msg, to);
  }
  /// A copy of push_shared_at(): when, with which number and where it arrives.
  struct CopyAt {
    TimeUs time_us;
    std::uint64_t seq;
    PeerId to;
  };
  /// push_shared() whose copies carry their own numbers (increasing, larger than any pushed before).
  void push_shared_at(PeerId from, const decltype(Ev::msg)& msg, std::span<const CopyAt> copies)
    requires Traits::batches;
  /// A lower bound of the earliest pending event's (time, seq), or nullopt when none is pending:
  /// exact when the bucket being drained, the late heap or a control event holds it, else the
  /// start of the next bucket that holds events (no bucket is opened: pushes meanwhile still
  /// find their buckets).
  std::optional<Key> front_bound() const noexcept;
  /// Remove every pending delivery (all but the control events) and append each to `out` as
  /// the whole event a pop would give, in no particular order; the clock stays. Call only while
  /// the bucket being drained holds none (a queue that pops control events only).
  void take_deliveries(std::vector<Ev>& out)
    requires Traits::batches;
  /// Memory: hand this queue's pools of shared-message records and copy chunks to `to`, a
  /// queue that has none yet, when nothing here uses them (all on their free lists; e.g. after
  /// take_deliveries()); this queue grows new ones if it needs any. Call when another queue
  /// takes over the deliveries (--threads). Returns whether they moved.
  bool give_idle_pools(CalendarQueue& to) noexcept;
  /// Memory: room for `records` shared-message records, so that the record array does not copy
  /// itself as it grows (address space only until used).
  void reserve_records(std::size_t records) { m_records.reserve(records); }
  /// The room reserve_records() would keep (the record array's capacity).
  std::size_t records_capacity() const noexcept { return m_records.capacity(); }

 private:
  static constexpr std::uint32_t chunk_events = 256;  // 16 KiB of 64-byte events
  static constexpr std::uint32_t no_chunk = 0xFFFFFFFFu;

  struct Chunk {
    Ev events[chunk_events];
    std::vector<PeerId> batch_to;  // destinations of this chunk's batch entries
    std::uint32_t count = 0;
    std::uint32_t next = no_chunk;
  };
  // One copy of a shared message in a bucket: 16 bytes instead of a whole event.
  struct Slim {
    Slim() noexcept {}  // uninitialised: gather_slim() sizes its buffers, then fills every entry
    Slim(std::uint32_t offset, std::uint32_t seq, PeerId dest, std::uint32_t rec) noexcept
        : offset_us(offset), seq_delta(seq), to(dest), record(rec) {}
    std::uint32_t offset_us;  // time_us minus the bucket's start
    std::uint32_t seq_delta;  // seq minus the bucket's base_seq
    PeerId to;
    std::uint32_t record;  // in m_records
  };
  static_assert(sizeof(Slim) == 16);
  static constexpr std::uint32_t slim_chunk_entries = 1024;  // 16 KiB
  static constexpr std::size_t record_prefetch_ahead = 16;  // pops between a record's prefetch and its use
  static constexpr int radix_bits_max = 11;  // gather_slim's radix sort: at most 2,048 counters per pass
  struct SlimChunk {
    Slim entries[slim_chunk_entries];
    std::uint32_t count = 0;
    std::uint32_t next = no_chunk;
  };
  // The message of a push_shared() call, shared by its copies until the last one is popped.
  // A cache line each (40 bytes for zonal::Message): a pop misses on one line, not two.
  struct alignas(64) Record {
    decltype(Ev::msg) msg;
    PeerId from = no_peer;
    std::uint32_t refs = 0;
  };
  struct Bucket {
    std::uint32_t head = no_chunk;
    std::uint32_t tail = no_chunk;
    std::size_t count = 0;    // logical whole-event deliveries (a batch counts each destination)
    bool sorted = true;       // pushes so far arrived in time order (seq only grows)
    TimeUs last_time_us = 0;
    std::uint32_t slim_head = no_chunk;  // chain of SlimChunks
    std::uint32_t slim_tail = no_chunk;
    SlimChunk* slim_tail_chunk = nullptr;  // m_slim_chunks[slim_tail] (their addresses stay put)
    std::size_t slim_count = 0;
    std::uint64_t base_seq = 0;  // seq of the first Slim entry
  };

  static bool is_batch(const Ev& e) noexcept {
    if constexpr (Traits::batches) return Traits::batch(e);
    else return false;
  }
  std::int64_t epoch_of(TimeUs t) const noexcept { return t >> m_width_shift; }
  std::size_t slot_of(std::int64_t epoch) const noexcept { return static_cast<std::size_t>(epoch) & m_bucket_mask; }
  bool in_ring(std::int64_t epoch) const noexcept {
    return epoch >= m_epoch + (m_active_open ? 1 : 0) && epoch < m_epoch + m_bucket_count;
  }
  Chunk& tail_chunk(Bucket& bucket);
  void append(Bucket& bucket, Ev&& e, std::size_t logical);
  std::uint32_t take_chunk();
  std::uint32_t new_record(PeerId from, const decltype(Ev::msg)& msg);
  void append_slim(Bucket& bucket, const Slim& entry);
  /// push_shared() and push_shared_at(): `number(c)` checks copy c and sets m_seq to its number.
  template <class C, class Number>
  void store_shared(PeerId from, const decltype(Ev::msg)& msg, std::span<const C> copies, Number number)
    requires Traits::batches;
  void extend_slim_chain(Bucket& bucket);
  std::uint32_t take_slim_chunk();
  void open_next_bucket();
  void gather(const Bucket& bucket);
  void gather_slim(const Bucket& bucket);
  void expand_slim(const Bucket& bucket);
  bool active_key(Key& out) const noexcept;
  bool ring_or_late_front(Key& next, bool& take_late) const noexcept;
  void migrate_overflow();
  Popped pop_slow();
  std::optional<Popped> pop_before_slow(TimeUs limit_us, std::uint64_t limit_seq);
  Popped pop_next();
  Popped take_active();
  /// The next Slim entry of the bucket being drained, as m_popped (its record's reference dropped).
  Popped take_slim() {
    // Records are scattered in memory: request the one of a delivery well ahead.
    if (m_slim_head + record_prefetch_ahead < m_active_slim.size()) {
      const auto* record = reinterpret_cast<const char*>(&m_records[m_active_slim[m_slim_head + record_prefetch_ahead].record]);
      __builtin_prefetch(record);
      if constexpr (sizeof(Record) > 64) __builtin_prefetch(record + sizeof(Record) - 1);
    }
    const Slim& s = m_active_slim[m_slim_head++];
    slim_event_into(m_popped, s);
    --m_size;
    m_last_popped_us = m_popped.time_us;
    return Popped{&m_popped, {&m_popped.to, 1}};
  }
  /// Write the whole event Slim entry `s` of the drained bucket stands for into `out`; the
  /// entry's reference to its record is dropped.
  void slim_event_into(Ev& out, const Slim& s) {
    if constexpr (Traits::batches) {
      Record& record = m_records[s.record];
      Traits::single_into(out, m_active_start_us + s.offset_us, m_active_base_seq + s.seq_delta, record.from, s.to,
                          record.msg);
      if (--record.refs == 0) m_free_records.push_back(s.record);
    } else {
      ZONAL_ASSERT(false, "CalendarQueue: Slim entries in a queue without push_shared");
    }
  }
  Popped take_heap_top(std::vector<Ev>& heap);
  void release_consumed_chunk();

  int m_width_shift;             // bucket width = 2^m_width_shift microseconds
  std::uint32_t m_bucket_count;  // a power of two
  std::size_t m_bucket_mask;
  std::vector<Bucket> m_buckets;
  std::vector<std::unique_ptr<Chunk>> m_chunks;
  std::vector<std::uint32_t> m_free_chunks;
  std::int64_t m_epoch = 0;  // epoch of the bucket being drained
  bool m_active_open = false;
  // The bucket being drained: either a chain of chunks consumed in place (sorted fill) ...
  std::uint32_t m_active_chunk = no_chunk;
  std::uint32_t m_active_pos = 0;
  std::uint32_t m_consumed_chunk = no_chunk;  // fully popped; freed on the next pop (its events are still read)
  // ... or a gathered and sorted vector ...
  std::vector<Ev> m_active;
  std::size_t m_active_head = 0;
  // ... or gathered and sorted Slim entries (a bucket of push_shared() copies only).
  std::vector<Slim> m_active_slim;
  std::size_t m_slim_head = 0;
  TimeUs m_active_start_us = 0;     // start of the drained bucket's time span
  std::uint64_t m_active_base_seq = 0;
  std::vector<Slim> m_slim_scratch;          // gather_slim's other buffer
  std::vector<std::uint32_t> m_radix_counts;  // gather_slim's digit counts, all passes
  std::vector<std::unique_ptr<SlimChunk>> m_slim_chunks;
  std::vector<std::uint32_t> m_free_slim_chunks;
  std::vector<Record> m_records;
  std::vector<std::uint32_t> m_free_records;
  std::vector<Ev> m_late;      // heap: events pushed into the current epoch while draining it
  std::vector<Ev> m_overflow;  // heap: events beyond the ring's horizon
  // Control events (timers, query arrivals, joins): a heap of small keys over a slab of events,
  // so that sifting moves 24 bytes, not whole events (Chord keeps a timer per node in it).
  struct ControlKey {
    TimeUs time_us;
    std::uint64_t seq;
    std::uint32_t slot;  // in m_control_events
  };
  std::vector<ControlKey> m_control;  // heap
  std::vector<Ev> m_control_events;
  std::vector<std::uint32_t> m_control_free;
  Popped take_control();
  Ev m_popped;                 // the last event popped from a heap
  std::size_t m_ring_size = 0;
  std::size_t m_size = 0;
  std::uint64_t m_seq = 0;
  TimeUs m_last_popped_us = 0;  // pushes before it are refused (ZONAL_ASSERT)
};

/// The flood family's queue (zonal::Message payloads, batched broadcasts).
using EventQueue = CalendarQueue<Event>;
extern template class CalendarQueue<Event>;

}  // namespace zonal::sim
