#include "zonal/wire/chord_codec.hpp"

#include <cstdint>
#include <variant>

#include "codec_checks.hpp"
#include "zonal/chord_config.hpp"
#include "zonal/chord_id.hpp"
#include "zonal/wire/codec.hpp"

namespace zonal::wire {
namespace {

using detail::check_at_most;
using detail::check_peer_id;
using detail::fail;
using detail::Problem;

constexpr std::uint64_t u8_max = 0xFF;
constexpr std::uint64_t u16_max = 0xFFFF;
constexpr std::size_t holders_max = 3;

// ---- encoding (trusted core values -> wire) ----

/// Set the reference field (through `mutable_ref`) from `r` unless `r` is the "no node" value.
template <class W, class Getter>
void put_ref(const zonal::ChordRef& r, W* msg, Getter mutable_ref) {
  if (!r.valid()) return;
  wire::ChordRef* w = (msg->*mutable_ref)();
  w->set_id(r.id());
  w->set_peer(r.peer);
}

wire::ChordStep to_wire(zonal::ChordStep s) {
  switch (s) {
    case zonal::ChordStep::next: return CHORD_STEP_NEXT;
    case zonal::ChordStep::done: return CHORD_STEP_DONE;
    case zonal::ChordStep::none: break;
  }
  return CHORD_STEP_NONE;
}

wire::ChordStoreKind to_wire(zonal::ChordStoreKind k) {
  switch (k) {
    case zonal::ChordStoreKind::replica: return CHORD_STORE_REPLICA;
    case zonal::ChordStoreKind::transfer: return CHORD_STORE_TRANSFER;
    case zonal::ChordStoreKind::primary: break;
  }
  return CHORD_STORE_PRIMARY;
}

wire::ChordLeaveKind to_wire(zonal::ChordLeaveKind k) {
  return k == zonal::ChordLeaveKind::to_predecessor ? CHORD_LEAVE_TO_PREDECESSOR : CHORD_LEAVE_TO_SUCCESSOR;
}

void fill(ChordEnvelope& env, const zonal::ChordFindSuccessor& m) {
  auto* w = env.mutable_find_successor();
  w->set_rpc(m.rpc);
  w->set_lookup(m.lookup);
  w->set_key(m.key.value());
  if (m.after != no_peer) w->set_after(m.after);
}

void fill(ChordEnvelope& env, const zonal::ChordFindSuccessorReply& m) {
  auto* w = env.mutable_find_successor_reply();
  w->set_rpc(m.rpc);
  w->set_lookup(m.lookup);
  put_ref(m.node, w, &wire::ChordFindSuccessorReply::mutable_node);
  w->set_step(to_wire(m.step));
}

void fill(ChordEnvelope& env, const zonal::ChordForward& m) {
  auto* w = env.mutable_forward();
  w->set_lookup(m.lookup);
  w->set_nonce(m.nonce);
  w->set_key(m.key.value());
  w->set_origin(m.origin);
  w->set_messages(m.messages);
  w->set_hops(m.hops);
}

void fill(ChordEnvelope& env, const zonal::ChordForwardAck& m) {
  auto* w = env.mutable_forward_ack();
  w->set_lookup(m.lookup);
  w->set_nonce(m.nonce);
  w->set_origin(m.origin);
  w->set_hops(m.hops);
}

void fill(ChordEnvelope& env, const zonal::ChordLookupResult& m) {
  auto* w = env.mutable_lookup_result();
  w->set_lookup(m.lookup);
  w->set_nonce(m.nonce);
  put_ref(m.successor, w, &wire::ChordLookupResult::mutable_successor);
  w->set_messages(m.messages);
  w->set_hops(m.hops);
  w->set_step(to_wire(m.step));
}

void fill(ChordEnvelope& env, const zonal::ChordFetch& m) {
  auto* w = env.mutable_fetch();
  w->set_rpc(m.rpc);
  w->set_lookup(m.lookup);
  w->set_file(m.file.value());
}

void fill(ChordEnvelope& env, const zonal::ChordFetchReply& m) {
  auto* w = env.mutable_fetch_reply();
  w->set_rpc(m.rpc);
  w->set_lookup(m.lookup);
  for (PeerId h : m.holders)
    if (h != no_peer) w->add_holders(h);
  w->set_total(m.total);
}

void fill(ChordEnvelope& env, const zonal::ChordStore& m) {
  auto* w = env.mutable_store();
  w->set_file(m.file.value());
  w->set_holder(m.holder);
  w->set_lookup(m.lookup);
  if (m.origin != no_peer) w->set_origin(m.origin);
  w->set_kind(to_wire(m.kind));
}

void fill(ChordEnvelope& env, const zonal::ChordStabilize& m) {
  auto* w = env.mutable_stabilize();
  w->set_rpc(m.rpc);
  w->set_list_digest(m.list_digest);
  put_ref(m.sender, w, &wire::ChordStabilize::mutable_sender);
}

void fill(ChordEnvelope& env, const zonal::ChordStabilizeReply& m) {
  auto* w = env.mutable_stabilize_reply();
  w->set_rpc(m.rpc);
  put_ref(m.predecessor, w, &wire::ChordStabilizeReply::mutable_predecessor);
  w->set_entries(m.entries);
  w->set_list_unchanged(m.list_unchanged);
}

void fill(ChordEnvelope& env, const zonal::ChordSuccessorEntry& m) {
  auto* w = env.mutable_successor_entry();
  w->set_rpc(m.rpc);
  put_ref(m.entry, w, &wire::ChordSuccessorEntry::mutable_entry);
  w->set_index(m.index);
  w->set_count(m.count);
}

void fill(ChordEnvelope& env, const zonal::ChordPing& m) { env.mutable_ping()->set_rpc(m.rpc); }
void fill(ChordEnvelope& env, const zonal::ChordPong& m) { env.mutable_pong()->set_rpc(m.rpc); }

void fill(ChordEnvelope& env, const zonal::ChordLeaveNotice& m) {
  auto* w = env.mutable_leave_notice();
  put_ref(m.ref, w, &wire::ChordLeaveNotice::mutable_ref);
  w->set_kind(to_wire(m.kind));
}

// ---- validation (untrusted wire values -> core) ----

/// Reads fields of one message against the receiver's ring; `name` prefixes every error.
class Reader {
 public:
  Reader(std::string_view name, unsigned id_bits) : m_name(name), m_space(id_bits) {}

  std::string field(std::string_view f) const { return m_name + "." + std::string(f); }

  Problem id(std::uint64_t v, std::string_view f, ChordPackedId& out) const {
    if (!m_space.valid(v))
      return fail(field(f), std::to_string(v) + " is not below 2^" + std::to_string(m_space.bits()) + " (chord.id_bits)");
    out = ChordPackedId::of(v);
    return std::nullopt;
  }

  /// A node reference; unset means "no node" unless `required`.
  Problem ref(bool has, const wire::ChordRef& w, std::string_view f, bool required, zonal::ChordRef& out) const {
    if (!has) {
      if (required) return fail(field(f), "missing");
      out = zonal::ChordRef{};
      return std::nullopt;
    }
    if (auto p = check_peer_id(w.peer(), field(f) + ".peer")) return p;
    if (auto p = id(w.id(), std::string(f) + ".id", out.packed_id)) return p;
    out.peer = static_cast<PeerId>(w.peer());
    return std::nullopt;
  }

  Problem peer(std::uint64_t v, std::string_view f, PeerId& out) const {
    if (auto p = check_peer_id(v, field(f))) return p;
    out = static_cast<PeerId>(v);
    return std::nullopt;
  }

  template <class T>
  Problem narrow(std::uint64_t v, std::uint64_t max, std::string_view f, T& out) const {
    if (auto p = check_at_most(v, max, field(f))) return p;
    out = static_cast<T>(v);
    return std::nullopt;
  }

  Problem step(int v, zonal::ChordStep& out) const {
    if (v < CHORD_STEP_NEXT || v > CHORD_STEP_NONE) return fail(field("step"), std::to_string(v) + " is not a known step");
    out = static_cast<zonal::ChordStep>(v);  // wire and core values coincide
    return std::nullopt;
  }

 private:
  std::string m_name;
  ChordSpace m_space;
};

Problem read(const wire::ChordFindSuccessor& w, const Reader& r, ChordMessage& out) {
  zonal::ChordFindSuccessor m;
  m.rpc = w.rpc();
  m.lookup = w.lookup();
  if (auto p = r.id(w.key(), "key", m.key)) return p;
  if (w.has_after())
    if (auto p = r.peer(w.after(), "after", m.after)) return p;
  out = m;
  return std::nullopt;
}

Problem read(const wire::ChordFindSuccessorReply& w, const Reader& r, ChordMessage& out) {
  zonal::ChordFindSuccessorReply m;
  m.rpc = w.rpc();
  m.lookup = w.lookup();
  if (auto p = r.ref(w.has_node(), w.node(), "node", false, m.node)) return p;
  if (auto p = r.step(w.step(), m.step)) return p;
  out = m;
  return std::nullopt;
}

Problem read(const wire::ChordForward& w, const Reader& r, ChordMessage& out) {
  zonal::ChordForward m;
  m.lookup = w.lookup();
  m.nonce = w.nonce();
  if (auto p = r.id(w.key(), "key", m.key)) return p;
  if (auto p = r.peer(w.origin(), "origin", m.origin)) return p;
  if (auto p = r.narrow(w.messages(), u16_max, "messages", m.messages)) return p;
  if (auto p = r.narrow(w.hops(), u8_max, "hops", m.hops)) return p;
  out = m;
  return std::nullopt;
}

Problem read(const wire::ChordForwardAck& w, const Reader& r, ChordMessage& out) {
  zonal::ChordForwardAck m;
  m.lookup = w.lookup();
  m.nonce = w.nonce();
  if (auto p = r.peer(w.origin(), "origin", m.origin)) return p;
  if (auto p = r.narrow(w.hops(), u8_max, "hops", m.hops)) return p;
  out = m;
  return std::nullopt;
}

Problem read(const wire::ChordLookupResult& w, const Reader& r, ChordMessage& out) {
  zonal::ChordLookupResult m;
  m.lookup = w.lookup();
  m.nonce = w.nonce();
  if (auto p = r.ref(w.has_successor(), w.successor(), "successor", false, m.successor)) return p;
  if (auto p = r.narrow(w.messages(), u16_max, "messages", m.messages)) return p;
  if (auto p = r.narrow(w.hops(), u8_max, "hops", m.hops)) return p;
  if (auto p = r.step(w.step(), m.step)) return p;
  out = m;
  return std::nullopt;
}

Problem read(const wire::ChordFetch& w, const Reader&, ChordMessage& out) {
  out = zonal::ChordFetch{w.rpc(), w.lookup(), ChordPackedId::of(w.file())};
  return std::nullopt;
}

Problem read(const wire::ChordFetchReply& w, const Reader& r, ChordMessage& out) {
  zonal::ChordFetchReply m;
  m.rpc = w.rpc();
  m.lookup = w.lookup();
  const auto n = static_cast<std::size_t>(w.holders_size());
  if (n > holders_max)
    return fail(r.field("holders"), std::to_string(n) + " entries exceed maximum " + std::to_string(holders_max));
  for (std::size_t i = 0; i < n; ++i)
    if (auto p = r.peer(w.holders(static_cast<int>(i)), "holders[" + std::to_string(i) + "]", m.holders[i])) return p;
  if (auto p = r.narrow(w.total(), u16_max, "total", m.total)) return p;
  if (m.total < n)
    return fail(r.field("total"), std::to_string(m.total) + " is below the " + std::to_string(n) + " holders listed");
  out = m;
  return std::nullopt;
}

Problem read(const wire::ChordStore& w, const Reader& r, ChordMessage& out) {
  zonal::ChordStore m;
  m.file = ChordPackedId::of(w.file());
  m.lookup = w.lookup();
  if (auto p = r.peer(w.holder(), "holder", m.holder)) return p;
  if (w.has_origin())
    if (auto p = r.peer(w.origin(), "origin", m.origin)) return p;
  switch (w.kind()) {
    case CHORD_STORE_PRIMARY: m.kind = zonal::ChordStoreKind::primary; break;
    case CHORD_STORE_REPLICA: m.kind = zonal::ChordStoreKind::replica; break;
    case CHORD_STORE_TRANSFER: m.kind = zonal::ChordStoreKind::transfer; break;
    default: return fail(r.field("kind"), std::to_string(w.kind()) + " is not a known store kind");
  }
  out = m;
  return std::nullopt;
}

Problem read(const wire::ChordStabilize& w, const Reader& r, ChordMessage& out) {
  zonal::ChordStabilize m;
  m.rpc = w.rpc();
  m.list_digest = w.list_digest();
  if (auto p = r.ref(w.has_sender(), w.sender(), "sender", true, m.sender)) return p;
  out = m;
  return std::nullopt;
}

Problem read(const wire::ChordStabilizeReply& w, const Reader& r, ChordMessage& out) {
  zonal::ChordStabilizeReply m;
  m.rpc = w.rpc();
  if (auto p = r.ref(w.has_predecessor(), w.predecessor(), "predecessor", false, m.predecessor)) return p;
  if (auto p = r.narrow(w.entries(), chord_successors_limit, "entries", m.entries)) return p;
  m.list_unchanged = w.list_unchanged();
  out = m;
  return std::nullopt;
}

Problem read(const wire::ChordSuccessorEntry& w, const Reader& r, ChordMessage& out) {
  zonal::ChordSuccessorEntry m;
  m.rpc = w.rpc();
  if (auto p = r.ref(w.has_entry(), w.entry(), "entry", true, m.entry)) return p;
  if (w.count() == 0) return fail(r.field("count"), "0 is invalid, must be at least 1");
  if (auto p = r.narrow(w.count(), chord_successors_limit, "count", m.count)) return p;
  if (w.index() >= w.count())
    return fail(r.field("index"), std::to_string(w.index()) + " is not below count " + std::to_string(w.count()));
  m.index = static_cast<std::uint8_t>(w.index());
  out = m;
  return std::nullopt;
}

Problem read(const wire::ChordPing& w, const Reader&, ChordMessage& out) {
  out = zonal::ChordPing{w.rpc()};
  return std::nullopt;
}

Problem read(const wire::ChordPong& w, const Reader&, ChordMessage& out) {
  out = zonal::ChordPong{w.rpc()};
  return std::nullopt;
}

Problem read(const wire::ChordLeaveNotice& w, const Reader& r, ChordMessage& out) {
  zonal::ChordLeaveNotice m;
  if (auto p = r.ref(w.has_ref(), w.ref(), "ref", false, m.ref)) return p;
  switch (w.kind()) {
    case CHORD_LEAVE_TO_SUCCESSOR: m.kind = zonal::ChordLeaveKind::to_successor; break;
    case CHORD_LEAVE_TO_PREDECESSOR: m.kind = zonal::ChordLeaveKind::to_predecessor; break;
    default: return fail(r.field("kind"), std::to_string(w.kind()) + " is not a known leave kind");
  }
  out = m;
  return std::nullopt;
}

template <class W>
Problem read_as(const W& w, std::string_view name, unsigned id_bits, ChordMessage& out) {
  return read(w, Reader(name, id_bits), out);
}

Problem read_body(const ChordEnvelope& env, unsigned bits, ChordMessage& out) {
  switch (env.body_case()) {
    case ChordEnvelope::kFindSuccessor: return read_as(env.find_successor(), "find_successor", bits, out);
    case ChordEnvelope::kFindSuccessorReply: return read_as(env.find_successor_reply(), "find_successor_reply", bits, out);
    case ChordEnvelope::kForward: return read_as(env.forward(), "forward", bits, out);
    case ChordEnvelope::kForwardAck: return read_as(env.forward_ack(), "forward_ack", bits, out);
    case ChordEnvelope::kLookupResult: return read_as(env.lookup_result(), "lookup_result", bits, out);
    case ChordEnvelope::kFetch: return read_as(env.fetch(), "fetch", bits, out);
    case ChordEnvelope::kFetchReply: return read_as(env.fetch_reply(), "fetch_reply", bits, out);
    case ChordEnvelope::kStore: return read_as(env.store(), "store", bits, out);
    case ChordEnvelope::kStabilize: return read_as(env.stabilize(), "stabilize", bits, out);
    case ChordEnvelope::kStabilizeReply: return read_as(env.stabilize_reply(), "stabilize_reply", bits, out);
    case ChordEnvelope::kSuccessorEntry: return read_as(env.successor_entry(), "successor_entry", bits, out);
    case ChordEnvelope::kPing: return read_as(env.ping(), "ping", bits, out);
    case ChordEnvelope::kPong: return read_as(env.pong(), "pong", bits, out);
    case ChordEnvelope::kLeaveNotice: return read_as(env.leave_notice(), "leave_notice", bits, out);
    case ChordEnvelope::BODY_NOT_SET: break;
  }
  return fail("chord_envelope.body", "missing (no known message set)");
}

ChordDecodeResult failure(std::string error) { return ChordDecodeResult{std::nullopt, std::move(error)}; }

/// Validate a parsed envelope whose size has already been checked.
ChordDecodeResult validate(const ChordEnvelope& env, unsigned id_bits) {
  if (id_bits < 1 || id_bits > chord_id_bits_max) return failure("id_bits: " + std::to_string(id_bits) + " is not in [1, 64]");
  ChordDecoded out;
  if (auto p = check_peer_id(env.from(), "chord_envelope.from")) return failure(std::move(*p));
  if (auto p = read_body(env, id_bits, out.msg)) return failure(std::move(*p));
  out.from = static_cast<PeerId>(env.from());
  return ChordDecodeResult{out, {}};
}

}  // namespace

ChordEnvelope encode_chord(PeerId from, const ChordMessage& msg) {
  ChordEnvelope env;
  env.set_from(from);
  std::visit([&env](const auto& m) { fill(env, m); }, msg);
  return env;
}

std::string encode_chord_bytes(PeerId from, const ChordMessage& msg) {
  std::string bytes;
  encode_chord(from, msg).SerializeToString(&bytes);
  return bytes;
}

ChordDecodeResult decode_chord(const ChordEnvelope& env, unsigned id_bits) {
  const std::size_t size = env.ByteSizeLong();
  if (size > max_message_bytes) return failure(detail::too_large(size, max_message_bytes));
  return validate(env, id_bits);
}

ChordDecodeResult decode_chord_bytes(std::string_view bytes, unsigned id_bits) {
  if (bytes.size() > max_message_bytes) return failure(detail::too_large(bytes.size(), max_message_bytes));
  ChordEnvelope env;
  if (!env.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return failure("chord_envelope: unparsable bytes (not a valid ChordEnvelope)");
  return validate(env, id_bits);
}

}  // namespace zonal::wire
