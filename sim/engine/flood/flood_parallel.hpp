#pragma once
/// `--threads N` for the flood family: partitioned conservative windows (docs/performance.md,
/// "Threads"). The peers are cut into N partitions, each with its own queue of the deliveries
/// to its peers; the main queue keeps the control events (query arrivals, timers) and numbers
/// every event of the run, as the sequential loop does. L is the network model's smallest delay:
/// a delivery handled at time t creates deliveries at t + L or later, so the deliveries of
/// [T, T + L) (T the earliest pending one) are all queued when the window opens. Phase A (one
/// thread per partition) pops its window deliveries in order, lets its peers handle them,
/// counts them and keeps the outputs phase B needs; phase B (the calling thread) walks those
/// deliveries in the global (time, seq) order and does the rest of the sequential run's
/// bookkeeping, the draws from the run's one stream and the numbering of every kept copy;
/// phase C (one thread per partition) turns the draws into delays and pushes the copies
/// destined to its peers, from every partition, into its queue in number order. The
/// run is the one the sequential loop makes, for every N. This file holds the partitions and
/// their buffers; the loop and phase B are in flood_parallel.cpp, phases A and C in
/// flood_partition.cpp.
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "engine/core/event.hpp"
#include "engine/core/event_queue.hpp"
#include "engine/core/worker_pool.hpp"
#include "scenario/scenario.hpp"
#include "zonal/peer_event.hpp"

namespace zonal::sim {

/// Window length of `latency` in microseconds: the smallest delay it can draw (constant: the
/// delay; uniform: min_ms), or 0 when it has no positive minimum (lognormal, or a zero minimum):
/// then runs stay sequential whatever the thread count.
TimeUs conservative_window_us(const LatencySpec& latency) noexcept;

/// The partitions of one run and the threads that work on them.
struct FloodPartitions {
  /// Sequence number of a lost copy (phase B).
  static constexpr std::uint64_t lost_seq = ~std::uint64_t{0};

  /// Window::messages index of a delivery whose message phase B does not need.
  static constexpr std::uint32_t no_message = ~std::uint32_t{0};

  /// A delivery of a window that phase B must see, and what it made its peer do (phase A): one
  /// whose peer sent, reported or set a deadline, one to the tracker, or (with a delivery tap)
  /// every one. Phase A counts every delivery itself (Tally, the peers' load counters).
  struct Delivery {
    TimeUs time_us;
    std::uint64_t seq;
    PeerId from;
    PeerId dest;
    std::uint32_t batches_end;  ///< its batches end here in Window::batches (they start where the previous ended)
    std::uint32_t events_end;   ///< likewise in Window::events
    std::uint32_t message;      ///< its message in Window::messages (the tracker's and tapped deliveries), or no_message
    Arrival arrival;
    std::optional<TimeUs> timeout;
  };
  /// A copied TransmitBatch: its copies (`except` left out) are [copies_begin, copies_end) in
  /// Window::to.
  struct Batch {
    TimeUs time_us;  ///< when it was sent
    PeerId from;
    std::uint32_t copies_begin;
    std::uint32_t copies_end;
    Message msg;
  };
  /// A window's arrivals of one query at a partition's peers (QueryRecord's reached and
  /// duplicates, added in phase B).
  struct Tally {
    QueryId query;
    std::uint32_t reached;
    std::uint32_t duplicates;
  };
  /// One window's deliveries of a partition and what came of them: written by phase A, read by
  /// phase B and by the pushes of phase C (which run with the next window's phase A: two of
  /// them per partition, in turns).
  struct Window {
    explicit Window(std::size_t parts) : outbox(parts) {}
    std::uint32_t delivered = 0;  ///< deliveries popped, all of them
    std::vector<Delivery> deliveries;
    std::vector<Batch> batches;
    std::vector<PeerEvent> events;
    std::vector<Message> messages;
    std::vector<PeerId> to;                 ///< every copy's destination
    std::vector<std::uint32_t> copy_batch;  ///< every copy's batch
    std::vector<std::vector<std::uint32_t>> outbox;  ///< per destination partition: its copies, in order
    std::vector<Tally> tallies;
    std::vector<PeerId> received_carries;  ///< peers whose received count wrapped (Measurement::received_low)
    std::vector<std::pair<PeerId, std::uint32_t>> sent_carries;  ///< peers whose sent count wrapped, and the carry
    std::uint32_t batch_at = 0, event_at = 0;  ///< phase B: what it has taken
  };
  /// One partition: a block of consecutive peers, its queue and its windows' buffers.
  struct alignas(64) Part {  // threads fill theirs at once
    Part(TimeUs bucket_width_us, std::uint32_t bucket_count, std::size_t parts)
        : queue(bucket_width_us, bucket_count), windows{Window(parts), Window(parts)} {}
    EventQueue queue;  ///< the deliveries to its peers
    Window windows[2];
    std::vector<EventQueue::CopyAt> staged;  ///< phase C: a batch's copies to push
    std::vector<PeerId> staged_to;
    std::vector<std::uint32_t> taken_from;  ///< phase C: its position in each partition's outbox to it
    std::optional<EventQueue::Key> front;   ///< after phase A: its earliest pending delivery
  };
  /// A delivery in phase B's order, and its partition.
  struct Ref {
    const Delivery* delivery;
    std::uint32_t part;
  };
  /// What merge() has not taken yet of a partition's deliveries.
  struct Span {
    const Delivery* next;
    const Delivery* end;
  };

  /// `threads` partitions and threads (2 .. 256) over peers 0 .. `peers` - 1 and the tracker
  /// (id `peers`), window length `window_us`, queues like the main one.
  FloodPartitions(unsigned threads, std::size_t peers, TimeUs window_us, TimeUs bucket_width_us,
                  std::uint32_t bucket_count);

  /// The partition of peer `p` (<= peers: the tracker too): blocks of consecutive ids.
  std::uint32_t part_of(PeerId p) const noexcept { return static_cast<std::uint32_t>((p * scale) >> 32); }
  /// The earliest pending delivery of all partitions (opens their queues' buckets).
  std::optional<EventQueue::Key> front();
  /// The next window's start once a window's phase B is over and before its pushes: the
  /// earliest of the partitions' fronts and of the copies to push (the seq of the latter is a
  /// lower bound: only its time is used).
  std::optional<EventQueue::Key> next_front() const;
  /// Phase B: a copy to push arrives at `time_us`.
  void pushed_at(TimeUs time_us) noexcept {
    if (!push_min || time_us < *push_min) push_min = time_us;
  }
  /// Partition `p`'s buffers of the current window.
  Window& window(std::uint32_t p) noexcept { return parts[p]->windows[current]; }
  /// Fill `order` with the current window's deliveries of all partitions in (time, seq) order.
  void merge();
  /// Where copy `c` of partition `s`'s window `src` is in copy_seq and copy_draw (phase C).
  std::size_t copy_index(std::uint32_t s, const Window& src, std::uint32_t c) const noexcept {
    const std::uint32_t b = src.copy_batch[c];
    return batch_first[s][b] + (c - src.batches[b].copies_begin);
  }

  WorkerPool pool;
  TimeUs window_us;
  std::uint64_t scale;  ///< parts * 2^32 / (peers + 1), rounded down: part_of() < parts
  std::vector<std::unique_ptr<Part>> parts;
  std::vector<Ref> order;
  unsigned current = 0;  ///< the windows[] of the current window
  std::vector<Span> heads;  ///< merge()'s position in each partition
  std::vector<std::vector<Event>> serial;  ///< per partition: deliveries pushed on the calling thread, by seq
  std::vector<Event> taken;                ///< take_deliveries()'s buffer
  std::size_t last_deliveries = 0;         ///< the previous window's size
  // Phase B's numbers and draws of the window's copies, read by its phase C (which is over
  // before the next phase B starts): batch by batch in the window's order.
  std::vector<std::vector<std::uint32_t>> batch_first;  ///< per partition: each batch's first copy here
  std::vector<std::uint64_t> copy_seq;                  ///< every copy's number, or lost_seq
  std::vector<std::uint64_t> copy_draw;                 ///< every kept copy's latency draw: see raw_draws
  bool raw_draws = false;  ///< copy_draw holds Network::raw_draw()s (lossless uniform model), else the units' bits
  std::uint32_t copy_at = 0;                            ///< phase B: copies numbered so far
  std::optional<TimeUs> push_min;          ///< phase B: the earliest copy to push
};

}  // namespace zonal::sim
