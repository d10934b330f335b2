/// `--threads N` for the flood family: the work of one partition, on whichever thread claims
/// it. Phase A: its peers take their window deliveries in order, each delivery is counted, and
/// the outputs phase B needs are copied (exactly what drain_peer() polls), their copies dealt
/// to the destinations' partitions. Phase C: the numbered copies destined to its peers, from
/// every partition and from the calling thread, go into its queue in number order, their
/// draws turned into delays. See flood_parallel.hpp.
#include <algorithm>
#include <array>
#include <bit>

#include "engine/flood/flood_simulation.hpp"

namespace zonal::sim {
// Phase A for partition `p`: nothing shared is written.
void FloodSimulation::partition_handle(std::uint32_t p, EventQueue::Key bound) {
  EventQueue& queue = m_parts->parts[p]->queue;
  FloodPartitions::Window& out = m_parts->window(p);
  out.delivered = 0;
  out.deliveries.clear();
  out.batches.clear();
  out.events.clear();
  out.messages.clear();
  out.to.clear();
  out.copy_batch.clear();
  for (auto& box : out.outbox) box.clear();
  out.tallies.clear();
  out.received_carries.clear();
  out.sent_carries.clear();
  while (const auto run = queue.pop_before(bound.time_us, bound.seq)) {
    partition_prefetch(queue, run->to);
    for (std::uint32_t k = 0; k < run->to.size(); ++k) partition_deliver(out, *run->event, k, run->to[k]);
    out.delivered += static_cast<std::uint32_t>(run->to.size());
  }
}

// The sequential loop's pipeline (flood_loop.cpp prefetch_ahead) on a partition's queue.
void FloodSimulation::partition_prefetch(const EventQueue& queue, std::span<const PeerId> popped) {
  if (popped.size() == 1 && queue.draining_copies()) {  // random latency
    prefetch_copies(queue, [this](PeerId p) { prefetch_peer(p); });
    PeerId to = no_peer;
    if (queue.upcoming_late(to) && to < m_peers.size()) [[unlikely]] prefetch_peer(to);  // beyond the pipeline
    return;
  }
  for (const PeerId dest : popped)  // a batch: its peers are next
    if (dest < m_peers.size()) prefetch_peer(dest);
  std::array<EventQueue::Upcoming, 1> next;
  if (queue.peek(next) == 1)
    for (const PeerId dest : next[0].to)
      if (dest < m_peers.size()) prefetch_peer(dest);
}

// Copy `k` of popped event `e`, to `dest`: its peer handles it and it is counted (the tracker
// waits for phase B); phase B gets it if it must see it (FloodPartitions::Delivery).
void FloodSimulation::partition_deliver(FloodPartitions::Window& me, const Event& e, std::uint32_t k, PeerId dest) {
  const auto batches_begin = me.batches.size();
  Arrival arrival = Arrival::fresh;
  bool relay_only = true;
  if (dest != m_tracker_id) {
    Peer& peer = m_peers[dest];
    arrival = peer.handle_message(e.time_us, e.from, e.msg);
    partition_count(me, e.msg, arrival, dest);
    if (arrival == Arrival::duplicate || arrival == Arrival::dropped) {  // no output by contract
      if (!m_tap) [[likely]] return;
    } else {
      while (const auto batch = peer.poll_transmit_batch()) partition_send(me, e.time_us, dest, *batch);
      relay_only = peer.relay_only();  // else no events, no deadline
      if (!relay_only)
        while (auto ev = peer.poll_event()) me.events.push_back(std::move(*ev));
    }
    if (!m_tap && relay_only && me.batches.size() == batches_begin) return;
  }
  // Built in place, field by field: a temporary (or a std::optional built here and copied)
  // stalls on store forwarding.
  FloodPartitions::Delivery& d = me.deliveries.emplace_back();
  d.time_us = e.time_us;
  d.seq = e.seq + k;
  d.from = e.from;
  d.dest = dest;
  d.batches_end = static_cast<std::uint32_t>(me.batches.size());
  d.events_end = static_cast<std::uint32_t>(me.events.size());
  d.message = FloodPartitions::no_message;
  d.arrival = arrival;
  if (!relay_only) d.timeout = m_peers[dest].poll_timeout();
  if (dest == m_tracker_id || m_tap) [[unlikely]] {
    d.message = static_cast<std::uint32_t>(me.messages.size());
    me.messages.push_back(e.msg);
  }
}

// count_arrival() in phase A: the peer's received count (its partition's), the query's reach
// in the window's tallies; what is shared waits for phase B.
void FloodSimulation::partition_count(FloodPartitions::Window& me, const Message& msg, Arrival arrival, PeerId dest) {
  if (m_measure.received_low(dest)) [[unlikely]] me.received_carries.push_back(dest);
  const auto query = delivery_query(msg);
  if (!query) return;
  if (me.tallies.empty() || me.tallies.back().query != *query) [[unlikely]] {
    const auto it = std::find_if(me.tallies.begin(), me.tallies.end(),
                                 [&](const FloodPartitions::Tally& t) { return t.query == *query; });
    if (it == me.tallies.end()) me.tallies.push_back(FloodPartitions::Tally{*query, 0, 0});
    else std::iter_swap(it, me.tallies.end() - 1);  // the one in use last
  }
  count_reach(me.tallies.back(), arrival);
}

// A TransmitBatch of peer `from` at `now_us` copied for phase B, its copies dealt to their
// destinations' partitions; the sender's count (its partition's).
void FloodSimulation::partition_send(FloodPartitions::Window& me, TimeUs now_us, PeerId from, const TransmitBatch& batch) {
  const FloodPartitions& w = *m_parts;
  const auto index = static_cast<std::uint32_t>(me.batches.size());
  const auto begin = static_cast<std::uint32_t>(me.to.size());
  for (const PeerId to : batch.to) {
    if (to == batch.except) continue;
    me.outbox[w.part_of(to)].push_back(static_cast<std::uint32_t>(me.to.size()));
    me.to.push_back(to);
    me.copy_batch.push_back(index);
  }
  const auto end = static_cast<std::uint32_t>(me.to.size());
  if (const std::uint32_t carry = m_measure.sent_low(from, end - begin)) [[unlikely]]
    me.sent_carries.emplace_back(from, carry);
  me.batches.emplace_back(now_us, from, begin, end, *batch.msg);  // in place: a temporary stalls on store forwarding
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
      for (; at < box.size(); ++at) {  // past the lost copies to the next kept one
        const std::uint64_t seq = w.copy_seq[w.copy_index(s, src, box[at])];
        if (seq == FloodPartitions::lost_seq) continue;
        if (seq < best_seq) best = s, best_seq = seq;
        break;
      }
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
  const FloodPartitions& w = *m_parts;
  const std::size_t first = w.batch_first[s][index] - std::size_t{batch.copies_begin};
  const auto copy_unit = [raw = w.raw_draws](std::uint64_t draw) {
    return raw ? Network::unit_from_raw(draw) : std::bit_cast<double>(draw);
  };
  for (; at < box.size() && src.copy_batch[box[at]] == index; ++at) {
    const std::uint32_t c = box[at];
    const std::uint64_t seq = w.copy_seq[first + c];
    if (seq != FloodPartitions::lost_seq)
      me.staged.push_back(EventQueue::CopyAt{batch.time_us + m_network.delay_from_unit_us(copy_unit(w.copy_draw[first + c])), seq, src.to[c]});
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
