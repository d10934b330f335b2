// ChordNode plumbing: construction, commands, input dispatch, timers and output queues.
#include <algorithm>
#include <array>

#include "zonal/chord_node.hpp"
#include "zonal/chord_stable.hpp"

namespace zonal {

namespace {

std::shared_ptr<const ChordConfig> normalised(std::shared_ptr<const ChordConfig> config) {
  if (!config) return std::make_shared<const ChordConfig>(chord_config_normalised(ChordConfig{}));
  const ChordConfig fixed = chord_config_normalised(*config);
  if (fixed == *config) return config;
  return std::make_shared<const ChordConfig>(fixed);
}

}  // namespace

ChordNode::ChordNode(ChordRef self, const ChordConfig& config, std::uint64_t rng_seed)
    : ChordNode(self, std::make_shared<const ChordConfig>(config), rng_seed) {}

ChordNode::ChordNode(ChordRef self, std::shared_ptr<const ChordConfig> config, std::uint64_t rng_seed)
    : m_config(normalised(std::move(config))), m_rng(rng_seed) {
  const ChordSpace space(m_config->id_bits);
  m_table = ChordTable(ChordRef::make(self.id() & space.mask(), self.peer), space, m_config->successors);
}

// ---- commands -------------------------------------------------------------------------

void ChordNode::create(TimeUs now) {
  if (m_state != ChordState::idle) return;
  m_linked = false;  // alone until a joiner notifies us
  become_member(now);
  emit(ChordJoined{self()});
}

void ChordNode::join(TimeUs now, ChordRef bootstrap) {
  if (m_state != ChordState::idle) return;
  if (!valid_ref(bootstrap) || bootstrap.peer == self().peer) {
    emit(ChordJoinFailed{"no route"});
    return;
  }
  m_state = ChordState::joining;
  ChordLookupState l;
  l.purpose = ChordPurpose::join;
  l.key = self().id();
  // A restarted node (same address, same id) may still be listed by the ring as its old self:
  // skip that entry like a dead node, so the answer is the next node and not "id collision".
  exclude(l, self().peer);
  start_lookup(now, l, bootstrap);
}

bool ChordNode::set_id(ChordId id) {
  if (m_state != ChordState::idle) return false;
  const ChordSpace space(m_config->id_bits);
  m_table = ChordTable(ChordRef::make(id & space.mask(), self().peer), space, m_config->successors);
  return true;
}

void ChordNode::lookup(TimeUs now, ChordId key, ChordLookupMode mode, ChordLookupId lookup_id) {
  ChordLookupState l;
  l.lookup_id = lookup_id;
  l.purpose = ChordPurpose::lookup;
  l.mode = mode;
  l.key = key & m_table.space().mask();
  start_lookup(now, l, ChordRef{});
}

void ChordNode::store(TimeUs now, FileKey file, PeerId holder, ChordLookupId lookup_id) {
  ChordLookupState l;
  l.lookup_id = lookup_id;
  l.purpose = ChordPurpose::store;
  l.mode = m_config->default_mode;
  l.key = chord_key_of_file(file, m_config->id_bits);
  l.file = file;
  l.holder = holder;
  start_lookup(now, l, ChordRef{});
}

void ChordNode::find(TimeUs now, FileKey file, ChordLookupId lookup_id) {
  find(now, file, m_config->default_mode, lookup_id);
}

void ChordNode::find(TimeUs now, FileKey file, ChordLookupMode mode, ChordLookupId lookup_id) {
  ChordLookupState l;
  l.lookup_id = lookup_id;
  l.purpose = ChordPurpose::find;
  l.mode = mode;
  l.key = chord_key_of_file(file, m_config->id_bits);
  l.file = file;
  start_lookup(now, l, ChordRef{});
}

bool ChordNode::install_stable_state(TimeUs now, std::span<const ChordRef> ring) {
  if (m_state == ChordState::left || m_state == ChordState::joining) return false;
  const std::size_t i = chord_ring_index(ring, self());
  if (i == ring.size()) return false;
  const std::size_t n = ring.size();
  const std::size_t kept = std::min<std::size_t>(m_config->successors, n - 1);
  std::array<ChordRef, chord_successors_limit> successors;
  for (std::size_t k = 0; k < kept; ++k) successors[k] = ring[(i + 1 + k) % n];
  const auto fingers = chord_exact_fingers(ring, i, m_table.space());
  m_table.install(n > 1 ? ring[(i + n - 1) % n] : ChordRef{}, {successors.data(), kept}, fingers);
  if (m_state != ChordState::member) become_member(now);
  return true;
}

void ChordNode::add_record(FileKey file, PeerId holder) {
  m_records.add(ChordRecord{chord_key_of_file(file, m_config->id_bits), file, holder});
}

// ---- inputs ---------------------------------------------------------------------------

Arrival ChordNode::handle_message(TimeUs now, PeerId from, const ChordMessage& msg) {
  if (m_state == ChordState::idle || m_state == ChordState::left || from == self().peer) return Arrival::dropped;
  const Snapshot before = snapshot();
  const bool used = std::visit([&](const auto& m) { return on(now, from, m); }, msg);
  report_changes(before);
  release_if_idle();
  return used ? Arrival::accepted : Arrival::dropped;
}

void ChordNode::handle_timeout(TimeUs now) {
  if (m_state == ChordState::idle || m_state == ChordState::left) return;
  const Snapshot before = snapshot();
  expire_rpcs(now);
  expire_forwards(now);
  expire_lookups(now);
  expire_transfer(now);
  run_periodic(now);
  report_changes(before);
  release_if_idle();
}

void ChordNode::run_periodic(TimeUs now) {
  if (m_state != ChordState::member) return;
  if (now >= m_next_stabilize_us) {
    m_next_stabilize_us = jittered(now, m_config->stabilize_interval_us);
    stabilize(now);
  }
  if (now >= m_next_check_predecessor_us) {
    m_next_check_predecessor_us = jittered(now, m_config->check_predecessor_interval_us);
    check_predecessor(now);
  }
  if (now >= m_next_fix_fingers_us) {
    m_next_fix_fingers_us = jittered(now, m_config->fix_fingers_interval_us);
    fix_fingers(now);
  }
}

// ---- outputs --------------------------------------------------------------------------

std::optional<ChordTransmit> ChordNode::poll_transmit() {
  if (m_out) {
    std::optional<ChordTransmit> out = std::move(m_out);
    m_out.reset();
    return out;
  }
  if (!m_active) return std::nullopt;
  auto& a = *m_active;
  if (a.transmits_head < a.transmits.size()) return a.transmits[a.transmits_head++];
  std::vector<ChordTransmit>().swap(a.transmits);  // drained: idle nodes keep no buffers
  a.transmits_head = 0;
  release_if_idle();
  return std::nullopt;
}

std::optional<ChordEvent> ChordNode::poll_event() {
  if (!m_active) return std::nullopt;
  auto& a = *m_active;
  if (a.events_head < a.events.size()) return a.events[a.events_head++];
  std::vector<ChordEvent>().swap(a.events);
  a.events_head = 0;
  release_if_idle();
  return std::nullopt;
}

std::optional<TimeUs> ChordNode::poll_timeout() const noexcept {
  if (m_state == ChordState::idle || m_state == ChordState::left) return std::nullopt;
  TimeUs t = chord_never;
  if (m_state == ChordState::member)
    t = std::min({m_next_stabilize_us, m_next_check_predecessor_us, m_next_fix_fingers_us});
  if (m_active) {
    for (const auto& r : m_active->rpcs) t = std::min(t, r.deadline_us);
    for (const auto& f : m_active->forwards) t = std::min(t, f.deadline_us);
    for (const auto& l : m_active->lookups) t = std::min(t, l.deadline_us);
    if (m_active->transfer) t = std::min(t, m_active->transfer->deadline_us);
  }
  if (t == chord_never) return std::nullopt;
  return t;
}

// ---- state ----------------------------------------------------------------------------

ChordNodeView ChordNode::view(bool live) const noexcept {
  return ChordNodeView{self(), m_table.predecessor(), m_table.successors(), live && m_state == ChordState::member};
}

std::size_t ChordNode::memory_bytes() const noexcept {
  std::size_t bytes = sizeof(*this) + m_table.heap_bytes() + m_records.heap_bytes();
  if (m_active) {
    const auto& a = *m_active;
    bytes += sizeof(a) + a.transmits.capacity() * sizeof(ChordTransmit) + a.events.capacity() * sizeof(ChordEvent) +
             a.rpcs.capacity() * sizeof(ChordPendingRpc) + a.lookups.capacity() * sizeof(ChordLookupState) +
             a.forwards.capacity() * sizeof(ChordPendingForward) + (a.transfer ? sizeof(ChordListTransfer) : 0);
  }
  return bytes;
}

// ---- plumbing -------------------------------------------------------------------------

ChordActive& ChordNode::active() {
  if (!m_active) m_active = std::make_unique<ChordActive>();
  return *m_active;
}

void ChordNode::release_if_idle() noexcept {
  if (m_active && m_active->idle()) m_active.reset();
}

void ChordNode::report_changes(const Snapshot& before) {
  if (before.state != ChordState::member || m_state != ChordState::member) return;
  if (m_table.successor() != before.successor) emit(ChordSuccessorChanged{m_table.successor()});
  if (m_table.predecessor() != before.predecessor) emit(ChordPredecessorChanged{m_table.predecessor()});
}

void ChordNode::send(PeerId to, const ChordMessage& msg) {
  if (to == no_peer || to == self().peer) return;  // never to ourselves
  if (!m_out && (!m_active || m_active->transmits_head == m_active->transmits.size())) {
    m_out = ChordTransmit{to, msg};  // nothing else pending: no allocation
    return;
  }
  active().transmits.push_back(ChordTransmit{to, msg});
}

ChordRpcId ChordNode::next_rpc() noexcept {
  if (++m_rpc_counter == 0) ++m_rpc_counter;  // 0 is never a live request
  return m_rpc_counter;
}

void ChordNode::send_request(TimeUs now, ChordRef target, ChordRpcKind kind, const ChordMessage& msg, ChordRpcId rpc,
                             std::uint32_t serial) {
  active().rpcs.push_back(
      ChordPendingRpc{rpc, kind, m_config->rpc_retries, serial, target, now + m_config->rpc_timeout_us, msg});
  send(target.peer, msg);
}

ChordPendingRpc* ChordNode::find_rpc(PeerId from, ChordRpcId rpc, ChordRpcKind kind) noexcept {
  if (!m_active) return nullptr;
  for (auto& r : m_active->rpcs)
    if (r.rpc == rpc && r.kind == kind && r.target.peer == from) return &r;
  return nullptr;
}

ChordPendingRpc ChordNode::take_rpc(ChordPendingRpc* rpc) {
  const ChordPendingRpc copy = *rpc;
  m_active->rpcs.erase(m_active->rpcs.begin() + (rpc - m_active->rpcs.data()));
  return copy;
}

bool ChordNode::has_rpc(ChordRpcKind kind) const noexcept {
  return m_active && std::any_of(m_active->rpcs.begin(), m_active->rpcs.end(),
                                 [kind](const ChordPendingRpc& r) { return r.kind == kind; });
}

// Due requests are resent while retries are left, then failed one at a time.
void ChordNode::expire_rpcs(TimeUs now) {
  while (ChordPendingRpc* r = m_active ? m_active->first_due(&ChordActive::rpcs, now) : nullptr) {
    if (r->retries_left == 0) {
      on_rpc_failed(now, take_rpc(r));
      continue;
    }
    --r->retries_left;
    r->deadline_us = now + m_config->rpc_timeout_us;
    if (ChordLookupState* l = find_lookup(r->lookup_serial)) ++l->messages;
    send(r->target.peer, r->msg);
  }
}

void ChordNode::on_rpc_failed(TimeUs now, const ChordPendingRpc& rpc) {
  switch (rpc.kind) {
    case ChordRpcKind::find_step:
    case ChordRpcKind::fetch:
      if (ChordLookupState* l = find_lookup(rpc.lookup_serial)) {
        l->phase = ChordPhase::routing;
        dead_end(now, *l, rpc.target, true);
      }
      return;
    case ChordRpcKind::stabilize:
      forget(rpc.target.peer);  // the successor is dead: the next one takes over at once
      stabilize(now);
      return;
    case ChordRpcKind::ping:
      forget(rpc.target.peer);  // clears the predecessor (and any other mention)
      return;
  }
}

void ChordNode::become_member(TimeUs now) {
  m_state = ChordState::member;
  m_next_finger = 1;
  m_next_stabilize_us = jittered(now, m_config->stabilize_interval_us);
  m_next_check_predecessor_us = jittered(now, m_config->check_predecessor_interval_us);
  m_next_fix_fingers_us = jittered(now, m_config->fix_fingers_interval_us);
}

TimeUs ChordNode::jittered(TimeUs now, TimeUs interval_us) {
  if (interval_us <= 0) return chord_never;
  const double j = m_config->timer_jitter;
  const double u = static_cast<double>(m_rng.next() >> 11) * 0x1.0p-53;  // uniform in [0, 1)
  const double period = static_cast<double>(interval_us) * (1.0 - j + 2.0 * j * u);
  return now + std::max<TimeUs>(1, static_cast<TimeUs>(period));
}

bool ChordNode::valid_ref(const ChordRef& r) const noexcept {
  return r.valid() && m_table.space().valid(r.id());
}

}  // namespace zonal
