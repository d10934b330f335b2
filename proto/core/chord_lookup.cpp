// Lookups a ChordNode originates: iterative steps, detours around dead nodes, the end of a
// recursive lookup, and what each purpose (lookup, find, store, join, fix_fingers) does with the
// successor it finds.
#include <algorithm>

#include "zonal/chord_node.hpp"

namespace zonal {

namespace {

const char* join_failure(ChordStatus status) noexcept {
  switch (status) {
    case ChordStatus::hop_limit: return "hop limit";
    case ChordStatus::timeout: return "timeout";
    default: return "no route";
  }
}

}  // namespace

void ChordNode::start_lookup(TimeUs now, ChordLookupState lookup, ChordRef first_hop) {
  if (++m_serial_counter == 0) ++m_serial_counter;
  lookup.serial = m_serial_counter;
  lookup.started_us = now;
  lookup.answerer = self();
  lookup.nonce = static_cast<std::uint32_t>(m_rng.next());
  lookup.stepwise = lookup.mode == ChordLookupMode::iterative;
  auto& lookups = active().lookups;
  lookups.push_back(lookup);
  ChordLookupState& l = lookups.back();
  if (lookup.purpose != ChordPurpose::join && m_state != ChordState::member) return finish(now, l, ChordStatus::not_member);
  if (!first_hop.valid()) return route_local(now, l);
  l.answerer = ChordRef{};  // the bootstrap has nobody to fall back on
  ask(now, l, first_hop, no_peer, false);
}

ChordLookupState* ChordNode::find_lookup(std::uint32_t serial) noexcept {
  if (!m_active || serial == 0) return nullptr;
  for (auto& l : m_active->lookups)
    if (l.serial == serial) return &l;
  return nullptr;
}

// A step decided from this node's own table: dead nodes have left it; candidates this lookup
// already found dead or useless are skipped.
void ChordNode::route_local(TimeUs now, ChordLookupState& l) {
  if (l.purpose == ChordPurpose::join) return finish(now, l, ChordStatus::no_route);  // no table yet
  l.answerer = self();
  const ChordRoute r = m_table.route_skipping(l.key, {l.excluded.data(), l.excluded_count});
  if (r.step == ChordStep::done) return reached(now, l, r.node);
  if (r.step == ChordStep::next) return go_to(now, l, r.node);
  finish(now, l, ChordStatus::no_route);
}

void ChordNode::go_to(TimeUs now, ChordLookupState& l, ChordRef node) {
  if (l.hops >= m_config->hops_max) return finish(now, l, ChordStatus::hop_limit);
  if (node.peer == self().peer) return dead_end(now, l, node, false);
  if (l.stepwise) return ask(now, l, node, no_peer, false);
  ++l.messages;
  const ChordForward msg{l.lookup_id,
                         l.nonce,
                         ChordPackedId::of(l.key),
                         self().peer,
                         static_cast<std::uint16_t>(std::min<std::uint32_t>(l.messages, 0xFFFF)),
                         static_cast<std::uint8_t>(l.hops + 1)};
  forward(now, msg, node, l.serial);
}

void ChordNode::ask(TimeUs now, ChordLookupState& l, ChordRef node, PeerId after, bool reasking) {
  l.reasking = reasking;
  ++l.messages;
  const ChordRpcId rpc = next_rpc();
  send_request(now, node, ChordRpcKind::find_step,
               ChordFindSuccessor{rpc, l.lookup_id, ChordPackedId::of(l.key), after}, rpc, l.serial);
}

bool ChordNode::on(TimeUs now, PeerId from, const ChordFindSuccessorReply& m) {
  ChordPendingRpc* pending = find_rpc(from, m.rpc, ChordRpcKind::find_step);
  if (pending == nullptr || std::get<ChordFindSuccessor>(pending->msg).lookup != m.lookup) return false;
  const ChordPendingRpc rpc = take_rpc(pending);
  if (ChordLookupState* l = find_lookup(rpc.lookup_serial)) step_answered(now, *l, rpc, ChordRoute{m.step, m.node});
  return true;
}

void ChordNode::step_answered(TimeUs now, ChordLookupState& l, const ChordPendingRpc& rpc, ChordRoute answer) {
  ++l.messages;
  if (!l.reasking) ++l.hops;
  const ChordRef asked = rpc.target;
  // A join's bootstrap (no answerer yet) is known by its address only: the id its driver
  // guessed for it may be off (it drew another), so its first answer is not held to progress.
  const bool bootstrap = l.purpose == ChordPurpose::join && !l.answerer.valid();
  const bool usable =
      valid_ref(answer.node) &&
      (answer.step == ChordStep::done ||
       (answer.step == ChordStep::next && answer.node.peer != self().peer &&
        (bootstrap || m_table.space().in_open(answer.node.id(), asked.id(), l.key))));  // a next hop must make progress
  if (!usable) return dead_end(now, l, asked, false);
  l.answerer = asked;
  if (excluded(l, answer.node.peer)) {  // known dead or useless: skip it without another timeout
    if (++l.skips > m_config->detours_max) return finish(now, l, ChordStatus::no_route);
    return ask(now, l, asked, answer.node.peer, true);
  }
  if (answer.step == ChordStep::done) return reached(now, l, answer.node);
  go_to(now, l, answer.node);
}

bool ChordNode::excluded(const ChordLookupState& l, PeerId peer) noexcept {
  const auto end = l.excluded.begin() + l.excluded_count;
  return std::find(l.excluded.begin(), end, peer) != end;
}

// `node` timed out (dead) or could not help: ask the node that named it for its next candidate;
// when that node is the one failing (re-asked, it has nothing more), fall back on our own table.
void ChordNode::dead_end(TimeUs now, ChordLookupState& l, ChordRef node, bool dead) {
  if (dead) forget(node.peer);
  exclude(l, node.peer);
  if (++l.detours > m_config->detours_max || !l.answerer.valid()) return finish(now, l, ChordStatus::no_route);
  if (l.answerer.peer == self().peer || l.answerer.peer == node.peer) return route_local(now, l);
  ask(now, l, l.answerer, node.peer, true);
}

void ChordNode::exclude(ChordLookupState& l, PeerId peer) noexcept {
  if (excluded(l, peer)) return;
  l.excluded[l.excluded_next] = peer;
  l.excluded_next = static_cast<std::uint8_t>((l.excluded_next + 1) % l.excluded.size());
  l.excluded_count = static_cast<std::uint8_t>(std::min<std::size_t>(l.excluded_count + 1u, l.excluded.size()));
}

void ChordNode::reached(TimeUs now, ChordLookupState& l, ChordRef successor) {
  l.successor = successor;
  switch (l.purpose) {
    case ChordPurpose::lookup: return finish(now, l, ChordStatus::ok);
    case ChordPurpose::fix_finger:
      finger_resolved(l.finger_index, successor);
      return finish(now, l, ChordStatus::ok);
    case ChordPurpose::join: return complete_join(now, l, successor);
    case ChordPurpose::store: {
      const ChordStore m{ChordPackedId::of(l.file), l.holder, l.lookup_id, self().peer, ChordStoreKind::primary};
      if (successor.peer == self().peer) {
        l.messages += store_local(now, m);
      } else {
        send(successor.peer, m);
        ++l.messages;
      }
      return finish(now, l, ChordStatus::ok);
    }
    case ChordPurpose::find: {
      if (successor.peer == self().peer) {
        fill_holders(l.key, l.file, l.holders, l.holders_total);
        return finish(now, l, ChordStatus::ok);
      }
      l.phase = ChordPhase::fetching;
      ++l.messages;
      const ChordRpcId rpc = next_rpc();
      send_request(now, successor, ChordRpcKind::fetch, ChordFetch{rpc, l.lookup_id, ChordPackedId::of(l.file)}, rpc,
                   l.serial);
      return;
    }
  }
}

bool ChordNode::on(TimeUs now, PeerId from, const ChordFetchReply& m) {
  ChordPendingRpc* pending = find_rpc(from, m.rpc, ChordRpcKind::fetch);
  if (pending == nullptr || std::get<ChordFetch>(pending->msg).lookup != m.lookup) return false;
  const ChordPendingRpc rpc = take_rpc(pending);
  ChordLookupState* l = find_lookup(rpc.lookup_serial);
  if (l == nullptr) return true;
  ++l->messages;
  l->holders = m.holders;
  l->holders_total = m.total;
  finish(now, *l, ChordStatus::ok);
  return true;
}

void ChordNode::complete_join(TimeUs now, ChordLookupState& l, ChordRef successor) {
  drop_lookup(l.serial);
  // Ids are unique on a ring: a joiner whose id a member holds draws another (the member stays).
  if (successor.peer != self().peer && successor.id() == self().id()) {
    m_state = ChordState::idle;
    emit(ChordJoinFailed{"id taken", true});
    return;
  }
  if (successor.peer == self().peer) {  // only a stale entry of our old self could answer this
    m_state = ChordState::idle;
    emit(ChordJoinFailed{"id collision"});
    return;
  }
  m_table.adopt_successor(successor);
  become_member(now);
  emit(ChordJoined{successor});
  stabilize(now);  // notifies the successor at once, which hands over our keys
}

bool ChordNode::on(TimeUs now, PeerId from, const ChordLookupResult& m) {
  if (!m_active) return false;
  ChordLookupState* l = nullptr;
  for (auto& c : m_active->lookups)
    if (c.lookup_id == m.lookup && c.nonce == m.nonce && !c.stepwise && c.phase != ChordPhase::fetching)
      l = &c;
  if (l == nullptr) return false;
  std::erase_if(m_active->forwards, [&](const ChordPendingForward& f) { return f.own_serial == l->serial; });
  l->messages = std::max<std::uint32_t>(l->messages, m.messages);
  l->hops = m.hops;
  l->deadline_us = chord_never;
  if (m.step == ChordStep::done && valid_ref(m.successor)) {
    l->answerer = ChordRef::make(self().id(), from);  // re-asked if the successor proves dead
    reached(now, *l, m.successor);
  } else if (m.hops >= m_config->hops_max) {
    finish(now, *l, ChordStatus::hop_limit);
  } else {
    l->stepwise = true;  // the route died out at `from`: finish the lookup iteratively from here
    dead_end(now, *l, ChordRef::make(self().id(), from), false);
  }
  return true;
}

void ChordNode::finish(TimeUs now, ChordLookupState& l, ChordStatus status) {
  const ChordLookupState done = l;
  drop_lookup(l.serial);
  switch (done.purpose) {
    case ChordPurpose::join:
      m_state = ChordState::idle;
      emit(ChordJoinFailed{join_failure(status)});
      return;
    case ChordPurpose::fix_finger: return;
    case ChordPurpose::lookup:
    case ChordPurpose::find:
    case ChordPurpose::store: break;
  }
  ChordLookupDone ev;
  ev.lookup_id = done.lookup_id;
  ev.op = done.purpose == ChordPurpose::find    ? ChordOp::find
          : done.purpose == ChordPurpose::store ? ChordOp::store
                                                : ChordOp::lookup;
  ev.status = status;
  ev.mode = done.mode;
  ev.key = done.key;
  ev.file = done.file;
  ev.successor = status == ChordStatus::ok ? done.successor : ChordRef{};
  ev.hops = done.hops;
  ev.messages = done.messages;
  ev.holders = done.holders_total;
  ev.holder = done.holders;
  ev.elapsed_us = now - done.started_us;
  emit(ev);
}

void ChordNode::drop_lookup(std::uint32_t serial) {
  if (!m_active) return;
  auto& a = *m_active;
  std::erase_if(a.lookups, [serial](const ChordLookupState& l) { return l.serial == serial; });
  std::erase_if(a.rpcs, [serial](const ChordPendingRpc& r) { return r.lookup_serial == serial; });
  std::erase_if(a.forwards, [serial](const ChordPendingForward& f) { return f.own_serial == serial; });
}

// A recursive attempt whose result never came is restarted (new nonce: late results of the old
// one are dropped) until lookup_attempts are used up.
void ChordNode::expire_lookups(TimeUs now) {
  while (ChordLookupState* l = m_active ? m_active->first_due(&ChordActive::lookups, now) : nullptr) {
    l->deadline_us = chord_never;
    if (++l->attempts >= m_config->lookup_attempts) {
      finish(now, *l, ChordStatus::timeout);
      continue;
    }
    l->nonce = static_cast<std::uint32_t>(m_rng.next());
    l->phase = ChordPhase::routing;
    l->hops = 0;
    route_local(now, *l);
  }
}

void ChordNode::fail_all_lookups(TimeUs now) {
  while (m_active && !m_active->lookups.empty()) finish(now, m_active->lookups.front(), ChordStatus::not_member);
}

}  // namespace zonal
