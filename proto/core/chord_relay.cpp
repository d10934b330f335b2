// The answering side of ChordNode: find_successor steps, recursive forwarding with per-hop
// acknowledgements, fetches and stores.
#include <algorithm>
#include <limits>

#include "zonal/chord_node.hpp"

namespace zonal {

namespace {

std::uint16_t plus_one(std::uint16_t messages) noexcept {
  return messages == 0xFFFF ? messages : static_cast<std::uint16_t>(messages + 1);
}

}  // namespace

bool ChordNode::on(TimeUs /*now*/, PeerId from, const ChordFindSuccessor& m) {
  if (m_state != ChordState::member || !m_table.space().valid(m.key.value())) return false;
  const ChordRoute r = m_table.route_after(m.key.value(), m.after);
  send(from, ChordFindSuccessorReply{m.rpc, m.lookup, r.node, r.step});
  return true;
}

// ---- recursive lookups ----------------------------------------------------------------

void ChordNode::forward(TimeUs now, const ChordForward& msg, ChordRef to, std::uint32_t own_serial) {
  active().forwards.push_back(
      ChordPendingForward{msg, to, m_config->rpc_retries, own_serial, now + m_config->rpc_timeout_us});
  send(to.peer, msg);
}

bool ChordNode::on(TimeUs now, PeerId from, const ChordForward& m) {
  if (m_state != ChordState::member || !m_table.space().valid(m.key.value()) || m.origin == no_peer || m.hops == 0)
    return false;
  send(from, ChordForwardAck{m.lookup, m.nonce, m.origin, m.hops});
  ChordForward here = m;
  here.messages = plus_one(m.messages);  // the acknowledgement
  relay(now, here);
  return true;
}

// `at` is the lookup as it stands at this node (hops = this node's place on the path): pass it
// to the closest preceding node, or answer the origin when this node knows the successor (or
// nobody better, or the hop limit is reached).
void ChordNode::relay(TimeUs now, const ChordForward& at) {
  const ChordRoute r = m_table.route(at.key.value());
  if (r.step == ChordStep::next && r.node.peer != self().peer && at.hops < m_config->hops_max) {
    ChordForward next = at;
    next.hops = static_cast<std::uint8_t>(at.hops + 1);
    next.messages = plus_one(at.messages);
    return forward(now, next, r.node, 0);
  }
  const bool done = r.step == ChordStep::done;
  const ChordLookupResult result{at.lookup, at.nonce, done ? r.node : ChordRef{}, plus_one(at.messages), at.hops,
                                 done ? ChordStep::done : ChordStep::none};
  answer_origin(now, result, at.origin);
}

void ChordNode::answer_origin(TimeUs now, const ChordLookupResult& result, PeerId origin) {
  if (origin == self().peer) {
    on(now, origin, result);  // our own lookup came back to us
  } else {
    send(origin, result);
  }
}

bool ChordNode::on(TimeUs now, PeerId from, const ChordForwardAck& m) {
  if (!m_active) return false;
  auto& forwards = m_active->forwards;
  const auto it = std::find_if(forwards.begin(), forwards.end(), [&](const ChordPendingForward& f) {
    return f.to.peer == from && f.msg.lookup == m.lookup && f.msg.nonce == m.nonce && f.msg.origin == m.origin &&
           f.msg.hops == m.hops;
  });
  if (it == forwards.end()) return false;
  const std::uint32_t own = it->own_serial;
  forwards.erase(it);
  if (ChordLookupState* l = find_lookup(own); l != nullptr && l->phase == ChordPhase::routing) {
    l->phase = ChordPhase::awaiting_result;
    l->deadline_us = now + m_config->lookup_timeout_us;
  }
  return true;
}

// A next hop that never acknowledged is dead: resend while retries are left, then drop it from
// the table and route again from here (at the origin, through the lookup's own detour logic).
void ChordNode::expire_forwards(TimeUs now) {
  while (ChordPendingForward* f = m_active ? m_active->first_due(&ChordActive::forwards, now) : nullptr) {
    ChordLookupState* own = find_lookup(f->own_serial);
    if (f->retries_left > 0) {
      --f->retries_left;
      f->deadline_us = now + m_config->rpc_timeout_us;
      f->msg.messages = plus_one(f->msg.messages);
      if (own != nullptr) ++own->messages;
      send(f->to.peer, f->msg);
      continue;
    }
    const ChordPendingForward failed = *f;
    auto& forwards = m_active->forwards;
    forwards.erase(forwards.begin() + (f - forwards.data()));
    if (own != nullptr) {
      dead_end(now, *own, failed.to, true);
    } else if (failed.own_serial == 0) {
      forget(failed.to.peer);
      ChordForward here = failed.msg;
      here.hops = static_cast<std::uint8_t>(failed.msg.hops - 1);
      relay(now, here);
    }
  }
}

// ---- records --------------------------------------------------------------------------

bool ChordNode::on(TimeUs /*now*/, PeerId from, const ChordFetch& m) {
  if (m_state != ChordState::member) return false;
  ChordFetchReply reply{m.rpc, m.lookup, {no_peer, no_peer, no_peer}, 0};
  std::uint32_t total = 0;
  fill_holders(chord_key_of_file(m.file.value(), m_config->id_bits), m.file.value(), reply.holders, total);
  reply.total = static_cast<std::uint16_t>(std::min<std::uint32_t>(total, 0xFFFF));
  send(from, reply);
  return true;
}

void ChordNode::fill_holders(ChordId key, FileKey file, std::array<PeerId, 3>& holders,
                             std::uint32_t& total) const noexcept {
  const auto found = m_records.of(key, file);
  total = static_cast<std::uint32_t>(found.size());
  for (std::size_t i = 0; i < holders.size(); ++i) holders[i] = i < found.size() ? found[i].holder : no_peer;
}

bool ChordNode::on(TimeUs now, PeerId /*from*/, const ChordStore& m) {
  if (m_state != ChordState::member || m.holder == no_peer) return false;
  store_local(now, m);
  return true;
}

std::uint32_t ChordNode::record_expiry_s(TimeUs now) const noexcept {
  if (m_config->record_ttl_us <= 0) return 0;
  const TimeUs s = (now + m_config->record_ttl_us + 999'999) / 1'000'000;
  return static_cast<std::uint32_t>(std::clamp<TimeUs>(s, 1, std::numeric_limits<std::uint32_t>::max()));
}

std::uint32_t ChordNode::store_local(TimeUs now, const ChordStore& m) {
  m_records.add(ChordRecord{chord_key_of_file(m.file.value(), m_config->id_bits), m.file.value(), m.holder, record_expiry_s(now)});
  if (m.kind != ChordStoreKind::primary || !m_config->replication) return 0;
  ChordStore copy = m;
  copy.kind = ChordStoreKind::replica;
  std::uint32_t sent = 0;
  for (const ChordRef& s : m_table.successors()) {
    send(s.peer, copy);
    ++sent;
  }
  return sent;
}

}  // namespace zonal
