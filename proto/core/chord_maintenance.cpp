// ChordNode ring maintenance: stabilize (with notify piggybacked and successor-list transfer),
// check_predecessor, fix_fingers, key hand-over and graceful departure.
#include <algorithm>
#include <array>

#include "zonal/chord_node.hpp"

namespace zonal {

// ---- stabilize ------------------------------------------------------------------------

void ChordNode::stabilize(TimeUs now) {
  if (m_state != ChordState::member || has_rpc(ChordRpcKind::stabilize)) return;
  if (m_table.successors().empty()) {  // alone, or every successor died
    // The nearest finger lies ahead of us: stabilization walks back from it to the true
    // successor. The predecessor is a successor only for a ring's creator learning of its first
    // joiner; for a node that had successors it lies behind us, and stabilizing towards it
    // would walk backwards round the ring (a loop that answers lookups wrongly): such a node
    // is cut off and joins again instead.
    const auto fingers = m_table.fingers();
    if (!fingers.empty()) {
      m_table.adopt_successor(fingers.front());
    } else if (m_linked) {
      return lose_ring(now);
    } else if (m_table.predecessor().valid()) {
      m_table.adopt_successor(m_table.predecessor());
    } else {
      return;  // alone
    }
  }
  m_linked = true;
  const ChordRef s = m_table.successor();
  const ChordRpcId rpc = next_rpc();
  const std::uint32_t digest = chord_list_digest(m_table.successors().subspan(1));
  send_request(now, s, ChordRpcKind::stabilize, ChordStabilize{rpc, digest, self()}, rpc);
}

bool ChordNode::on(TimeUs /*now*/, PeerId from, const ChordStabilize& m) {
  if (m_state != ChordState::member || !valid_ref(m.sender) || m.sender.peer != from || m.sender.id() == self().id())
    return false;
  notify(m.sender);
  // The sender's list becomes [us] + our list up to (not including) the sender, r - 1 entries.
  std::array<ChordRef, chord_successors_limit> prefix;
  std::size_t n = 0;
  for (const ChordRef& s : m_table.successors()) {
    if (s.peer == from || n + 1 >= m_config->successors) break;
    prefix[n++] = s;
  }
  const bool unchanged = chord_list_digest({prefix.data(), n}) == m.list_digest;
  const auto entries = static_cast<std::uint8_t>(unchanged ? 0 : n);
  send(from, ChordStabilizeReply{m.rpc, m_table.predecessor(), entries, unchanged});
  for (std::uint8_t i = 0; i < entries; ++i) send(from, ChordSuccessorEntry{m.rpc, prefix[i], i, entries});
  return true;
}

// The paper's notify: `node` thinks it might be our predecessor. A joining node in (old, us]
// receives the records of (old, node] (copies when replicating, since we stay a replica).
void ChordNode::notify(ChordRef node) {
  const ChordRef old = m_table.predecessor();
  if (old.valid() && !m_table.space().in_open(node.id(), old.id(), self().id())) return;
  m_table.set_predecessor(node);
  if (!old.valid()) return;  // range unknown (first notify, or after a failure): nothing moves
  const auto moving = m_records.take(m_table.space(), old.id(), node.id(), !m_config->replication);
  hand_over(node.peer, moving);
}

bool ChordNode::on(TimeUs now, PeerId from, const ChordStabilizeReply& m) {
  ChordPendingRpc* pending = find_rpc(from, m.rpc, ChordRpcKind::stabilize);
  if (pending == nullptr) return false;
  const ChordRef s = take_rpc(pending).target;
  const ChordRef p = m.predecessor;
  const ChordSpace& space = m_table.space();
  if (valid_ref(p) && p.peer != self().peer && p.peer != s.peer && space.in_open(p.id(), self().id(), s.id())) {
    m_table.adopt_successor(p);  // a node joined between us: it is our successor now; notify it
    active().transfer.reset();
    stabilize(now);
    return true;
  }
  if (m.list_unchanged || m_table.successor().peer != s.peer) return true;
  const auto count = std::min<std::uint8_t>(m.entries, static_cast<std::uint8_t>(m_config->successors - 1));
  if (count == 0) {
    m_table.set_successors({&s, 1});
    return true;
  }
  auto& transfer = active().transfer;
  transfer = std::make_unique<ChordListTransfer>();
  transfer->rpc = m.rpc;
  transfer->successor = s;
  transfer->count = count;
  transfer->deadline_us = now + m_config->rpc_timeout_us;
  return true;
}

bool ChordNode::on(TimeUs /*now*/, PeerId from, const ChordSuccessorEntry& m) {
  ChordListTransfer* t = m_active ? m_active->transfer.get() : nullptr;
  if (t == nullptr || t->rpc != m.rpc || t->successor.peer != from || m.index >= t->count || !valid_ref(m.entry))
    return false;
  t->entries[m.index] = m.entry;
  t->received_mask |= std::uint32_t{1} << m.index;
  if (t->received_mask != (std::uint32_t{1} << t->count) - 1) return true;
  std::array<ChordRef, chord_successors_limit> list;
  list[0] = t->successor;
  std::copy_n(t->entries.begin(), t->count, list.begin() + 1);
  if (m_table.successor().peer == t->successor.peer) m_table.set_successors({list.data(), t->count + 1u});
  m_active->transfer.reset();
  return true;
}

void ChordNode::expire_transfer(TimeUs now) {
  if (m_active && m_active->transfer && m_active->transfer->deadline_us <= now) m_active->transfer.reset();
}

// A member that had successors and lost all of them and every finger (typically a fresh joiner
// whose only successor crashed before it learnt a successor list) would otherwise take itself
// for a one-node ring, or its predecessor for its successor, and answer lookups wrongly. It
// drops back to idle instead; ChordJoinFailed asks the driver to join again through a live
// member. Its records stay (a rejoin hands them on as usual).
void ChordNode::lose_ring(TimeUs now) {
  m_linked = false;
  fail_all_lookups(now);
  if (m_active) {
    m_active->rpcs.clear();
    m_active->forwards.clear();
    m_active->transfer.reset();
  }
  m_table.clear();
  m_state = ChordState::idle;
  m_next_stabilize_us = m_next_check_predecessor_us = m_next_fix_fingers_us = chord_never;
  emit(ChordJoinFailed{"ring lost"});
}

// ---- check_predecessor ----------------------------------------------------------------

void ChordNode::check_predecessor(TimeUs now) {
  const ChordRef p = m_table.predecessor();
  if (!p.valid() || has_rpc(ChordRpcKind::ping)) return;
  const ChordRpcId rpc = next_rpc();
  send_request(now, p, ChordRpcKind::ping, ChordPing{rpc}, rpc);
}

bool ChordNode::on(TimeUs /*now*/, PeerId from, const ChordPing& m) {
  if (m_state != ChordState::member) return false;
  send(from, ChordPong{m.rpc});
  return true;
}

bool ChordNode::on(TimeUs /*now*/, PeerId from, const ChordPong& m) {
  ChordPendingRpc* pending = find_rpc(from, m.rpc, ChordRpcKind::ping);
  if (pending == nullptr) return false;
  take_rpc(pending);
  return true;
}

// ---- fix_fingers ----------------------------------------------------------------------

// Fingers whose start lies within (self, successor] are the successor and cost nothing; the
// first finger beyond it is looked up (one lookup per period, as in the paper). Fingers an
// answer already settles (their start precedes the answer) are skipped.
void ChordNode::fix_fingers(TimeUs now) {
  if (m_state != ChordState::member) return;
  if (m_active)
    for (const auto& l : m_active->lookups)
      if (l.purpose == ChordPurpose::fix_finger) return;  // the previous one is still running
  const unsigned bits = m_table.space().bits();
  for (unsigned step = 0; step < bits; ++step) {
    if (m_next_finger < 1 || m_next_finger > bits) m_next_finger = 1;
    const unsigned k = m_next_finger;
    const ChordRef s = m_table.successor();
    if (s.peer == self().peer) return;
    const ChordId start = m_table.space().finger_start(self().id(), k);
    if (m_table.space().in_half_open(start, self().id(), s.id())) {
      finger_resolved(k, s);
      continue;
    }
    ChordLookupState l;
    l.purpose = ChordPurpose::fix_finger;
    l.finger_index = static_cast<std::uint8_t>(k);
    l.mode = m_config->default_mode;
    l.key = start;
    start_lookup(now, l, ChordRef{});
    return;
  }
}

void ChordNode::finger_resolved(unsigned k, ChordRef node) {
  m_table.set_finger(k, node);
  m_next_finger = static_cast<std::uint8_t>(std::max(k + 1, m_table.finger_after(node)));
}

// ---- departure ------------------------------------------------------------------------

void ChordNode::hand_over(PeerId to, std::span<const ChordRecord> records) {
  for (const ChordRecord& r : records)
    send(to, ChordStore{ChordPackedId::of(r.file), r.holder, 0, no_peer, ChordStoreKind::transfer});
}

void ChordNode::leave(TimeUs now) {
  if (m_state == ChordState::member) {
    const ChordRef s = m_table.successor();
    const ChordRef p = m_table.predecessor();
    if (s.peer != self().peer) {
      hand_over(s.peer, m_records.all());
      send(s.peer, ChordLeaveNotice{p, ChordLeaveKind::to_successor});
    }
    if (p.valid()) {
      const auto list = m_table.successors();
      send(p.peer, ChordLeaveNotice{list.empty() ? ChordRef{} : list.back(), ChordLeaveKind::to_predecessor});
    }
  } else if (m_state != ChordState::joining) {
    return;
  }
  fail_all_lookups(now);
  if (m_active) {
    m_active->rpcs.clear();
    m_active->forwards.clear();
    m_active->transfer.reset();
  }
  m_records = ChordRecords{};
  m_table.clear();
  m_state = ChordState::left;
  m_next_stabilize_us = m_next_check_predecessor_us = m_next_fix_fingers_us = chord_never;
  emit(ChordLeft{});
}

bool ChordNode::on(TimeUs /*now*/, PeerId from, const ChordLeaveNotice& m) {
  if (m_state != ChordState::member || !m_table.knows(from)) return false;  // strangers change nothing
  const bool was_predecessor = m_table.predecessor().peer == from;
  const bool was_successor = !m_table.successors().empty() && m_table.successor().peer == from;
  forget(from);
  const bool usable = valid_ref(m.ref) && m.ref.peer != from && m.ref.peer != self().peer;
  const ChordRef ref = usable ? m.ref : ChordRef{};
  if (m.kind == ChordLeaveKind::to_successor && was_predecessor) m_table.set_predecessor(ref);
  if (m.kind == ChordLeaveKind::to_predecessor && was_successor && ref.valid()) m_table.append_successor(ref);
  return true;
}

}  // namespace zonal
