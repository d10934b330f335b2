/// `--threads N` for the flood family: the work of one partition, on whichever thread claims
/// it. Phase A: its peers take their window deliveries in order and their outputs are copied
/// (exactly what drain_peer() polls), their copies dealt to the destinations' partitions.
/// Phase C: the numbered copies destined to its peers, from every partition and from the
/// calling thread, go into its queue in number order. See flood_parallel.hpp.
#include <array>

#include "engine/flood/flood_simulation.hpp"

namespace zonal::sim {
// Phase A for partition `p`: nothing shared is written.
void FloodSimulation::partition_handle(std::uint32_t p, EventQueue::Key bound) {
  EventQueue& queue = m_parts->parts[p]->queue;
  FloodPartitions::Window& out = m_parts->window(p);
  out.deliveries.clear();
  out.batches.clear();
  out.events.clear();
  out.to.clear();
  out.copy_batch.clear();
  for (auto& box : out.outbox) box.clear();
  while (const auto run = queue.pop_before(bound.time_us, bound.seq)) {
    partition_prefetch(queue, run->to);
    for (std::uint32_t k = 0; k < run->to.size(); ++k) partition_deliver(out, *run->event, k, run->to[k]);
  }
}

// The sequential loop's pipeline (flood_loop.cpp prefetch_ahead) on a partition's queue.
void FloodSimulation::partition_prefetch(const EventQueue& queue, std::span<const PeerId> popped) {
  if (popped.size() == 1 && queue.draining_copies()) {  // random latency
    prefetch_copies(queue, [this](PeerId p) { m_peers[p].prefetch_state(); });  // phase B prefetches the counters
    PeerId to = no_peer;
    if (queue.upcoming_late(to) && to < m_peers.size()) [[unlikely]] m_peers[to].prefetch_state();  // beyond the pipeline
    return;
  }
  for (const PeerId dest : popped)  // a batch: its peers are next
    if (dest < m_peers.size()) m_peers[dest].prefetch_state();
  std::array<EventQueue::Upcoming, 1> next;
  if (queue.peek(next) == 1)
    for (const PeerId dest : next[0].to)
      if (dest < m_peers.size()) m_peers[dest].prefetch_state();
}

// Copy `k` of popped event `e`, to `dest`: its peer handles it (the tracker waits for phase B).
void FloodSimulation::partition_deliver(FloodPartitions::Window& me, const Event& e, std::uint32_t k, PeerId dest) {
  FloodPartitions::Delivery& d = me.deliveries.emplace_back(
      FloodPartitions::Delivery{e.time_us, e.seq + k, e.from, dest, Arrival::fresh, 0, 0, std::nullopt, e.msg});
  if (dest != m_tracker_id) {
    Peer& peer = m_peers[dest];
    d.arrival = peer.handle_message(d.time_us, d.from, d.msg);
    if (d.arrival != Arrival::duplicate && d.arrival != Arrival::dropped) {  // no output by contract
      const FloodPartitions& w = *m_parts;
      while (const auto batch = peer.poll_transmit_batch()) {
        const auto index = static_cast<std::uint32_t>(me.batches.size());
        for (const PeerId to : batch->to) {
          if (to == batch->except) continue;
          me.outbox[w.part_of(to)].push_back(static_cast<std::uint32_t>(me.to.size()));
          me.to.push_back(to);
          me.copy_batch.push_back(index);
        }
        me.batches.push_back(FloodPartitions::Batch{d.time_us, dest, static_cast<std::uint32_t>(me.to.size()), *batch->msg});
      }
      if (!peer.relay_only()) {  // else no events, no deadline
        while (auto ev = peer.poll_event()) me.events.push_back(std::move(*ev));
        d.timeout = peer.poll_timeout();
      }
    }
  }
  d.batches_end = static_cast<std::uint32_t>(me.batches.size());
  d.events_end = static_cast<std::uint32_t>(me.events.size());
}

// Phase C for partition `p`, of the window whose buffers are windows[`buffers`]: a merge by number of the copies every partition dealt to it (each
// list in number order) and the calling thread's; a batch's kept copies have consecutive
// numbers, so its copies to `p` go in together.
void FloodSimulation::partition_push(std::uint32_t p, unsigned buffers) {
  FloodPartitions& w = *m_parts;
  FloodPartitions::Part& me = *w.parts[p];
  const auto parts = static_cast<std::uint32_t>(w.parts.size());
  me.taken_from.assign(parts, 0);
  std::vector<Event>& serial = w.serial[p];  // read only here, cleared once pushed
  std::size_t serial_at = 0;
  for (;;) {
    std::uint32_t best = parts;
    std::uint64_t best_seq = FloodPartitions::lost_seq;
    for (std::uint32_t s = 0; s < parts; ++s) {
      const FloodPartitions::Window& src = w.parts[s]->windows[buffers];
      const std::vector<std::uint32_t>& box = src.outbox[p];
      std::uint32_t& at = me.taken_from[s];
      while (at < box.size() && src.seq[box[at]] == FloodPartitions::lost_seq) ++at;
      if (at < box.size() && src.seq[box[at]] < best_seq) best = s, best_seq = src.seq[box[at]];
    }
    if (serial_at < serial.size() && serial[serial_at].seq < best_seq) {
      me.queue.push_at(serial[serial_at++]);
      continue;
    }
    if (best == parts) return serial.clear();
    push_batch_copies(me, w.parts[best]->windows[buffers], best, p);
  }
}

// The copies of partition `s`'s (buffers `src`) next batch destined to `me` (partition `p`) into its queue: one
// shared record under random latency, a batch entry per run of consecutive numbers under
// constant latency (the other partitions' copies of the batch take the numbers between).
void FloodSimulation::push_batch_copies(FloodPartitions::Part& me, const FloodPartitions::Window& src, std::uint32_t s,
                                        std::uint32_t p) {
  const std::vector<std::uint32_t>& box = src.outbox[p];
  std::uint32_t& at = me.taken_from[s];
  const std::uint32_t index = src.copy_batch[box[at]];
  const FloodPartitions::Batch& batch = src.batches[index];
  me.staged.clear();
  for (; at < box.size() && src.copy_batch[box[at]] == index; ++at) {
    const std::uint32_t c = box[at];
    if (src.seq[c] != FloodPartitions::lost_seq)
      me.staged.push_back(EventQueue::CopyAt{batch.time_us + m_network.delay_from_unit_us(src.unit[c]), src.seq[c], src.to[c]});
  }
  if (!m_network.constant_delay()) return me.queue.push_shared_at(batch.from, batch.msg, me.staged);
  for (std::size_t i = 0; i < me.staged.size();) {
    me.staged_to.clear();
    std::size_t j = i;
    for (; j < me.staged.size() && me.staged[j].seq == me.staged[i].seq + (j - i); ++j) me.staged_to.push_back(me.staged[j].to);
    me.queue.push_batch_at(me.staged[i].time_us, batch.from, batch.msg, me.staged_to, me.staged[i].seq);
    i = j;
  }
}

}  // namespace zonal::sim
