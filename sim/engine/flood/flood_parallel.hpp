#pragma once
/// `--threads N` for the flood family: conservative windows (docs/performance.md, "Threads").
/// L is the network model's smallest delay: a delivery handled at time t creates deliveries at
/// t + L or later, so every delivery of [T, T + L) is queued when the window opens and none is
/// added to it. Phase 1 (parallel, by destination peer) hands each peer its deliveries of the
/// window in their global (time, seq) order and copies what the peer then has to send, its
/// events and its next deadline into per-chunk outputs; phase 2 (the calling thread) walks the
/// window in (time, seq) order and feeds those outputs through the sequential code (loss and
/// latency draws from the run's one stream, queue pushes, measurement), so the run is the one
/// the sequential loop makes, for every N. This file holds the window's buffers; the loop is in
/// flood_parallel.cpp.
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "engine/core/event.hpp"
#include "engine/core/worker_pool.hpp"
#include "scenario/scenario.hpp"
#include "zonal/peer_event.hpp"

namespace zonal::sim {

/// Window length of `latency` in microseconds: the smallest delay it can draw (constant: the
/// delay; uniform: min_ms), or 0 when it has no positive minimum (lognormal, or a zero minimum):
/// then runs stay sequential whatever the thread count.
TimeUs conservative_window_us(const LatencySpec& latency) noexcept;

/// The buffers of one window and the threads that fill them.
struct FloodWindow {
  /// One popped queue entry: a delivery or a batch of copies of one message.
  struct Run {
    TimeUs time_us;
    PeerId from;
    std::uint32_t first;  ///< its destinations are dests[first, first + count)
    std::uint32_t count;
    Message msg;
  };
  /// What one delivery made its peer do (phase 1), in the order its chunk handled them.
  struct Outcome {
    Arrival arrival;
    std::uint32_t batches_end;  ///< its batches end here in Chunk::batches (they start where the previous ended)
    std::uint32_t events_end;   ///< likewise in Chunk::events
    std::optional<TimeUs> timeout;
  };
  /// A copied TransmitBatch: its destinations are Chunk::to[first, first + count).
  struct Batch {
    Message msg;
    std::uint32_t first;
    std::uint32_t count;
    PeerId except;
  };
  /// The deliveries of one block of peers in the window and their outputs: a unit of phase 1
  /// that one thread handles (whichever claims it).
  struct alignas(64) Chunk {  // one cache line apart: threads fill theirs at once
    struct Item {
      PeerId dest;
      std::uint32_t run;  ///< index into runs
    };
    std::vector<Item> mine;         ///< the deliveries to its peers, in window order
    std::vector<Outcome> outcomes;  ///< one per entry of `mine`
    std::vector<Batch> batches;
    std::vector<PeerId> to;
    std::vector<PeerEvent> events;
    std::size_t next = 0;  ///< phase 2: the next outcome to take
    std::uint32_t batches_from = 0, events_from = 0;
  };
  /// Chunks per thread: a thread that finishes early (or the caller, when a worker has not been
  /// scheduled yet) takes the chunks left.
  static constexpr unsigned chunks_per_thread = 4;

  /// `threads` threads (2 .. 256) over peers 0 .. `peers` - 1, window length `window_us`.
  FloodWindow(unsigned threads, std::size_t peers, TimeUs window_us);

  /// Start an empty window.
  void clear();
  /// Append a popped entry (copied: the queue's data is valid only until its next pop) and
  /// deal its destinations to the chunks of their peers; `tracker` is handled by phase 2.
  void add(TimeUs time_us, PeerId from, const Message& msg, std::span<const PeerId> to, PeerId tracker);
  /// Deliveries in the window.
  std::size_t deliveries() const noexcept { return dests.size(); }
  /// The chunk of peer `p` (< peers): blocks of consecutive ids, by a multiply and a shift.
  std::uint32_t chunk_of(PeerId p) const noexcept { return static_cast<std::uint32_t>((p * chunk_scale) >> 32); }

  WorkerPool pool;
  TimeUs window_us;
  std::uint64_t chunk_scale;  ///< chunks * 2^32 / peers, rounded down: chunk_of() < chunks
  std::vector<Run> runs;
  std::vector<PeerId> dests;
  std::vector<Chunk> chunks;
};

}  // namespace zonal::sim
