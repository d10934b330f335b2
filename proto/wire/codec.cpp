#include "zonal/wire/codec.hpp"

#include <cstdint>
#include <limits>
#include <variant>

#include "codec_checks.hpp"
#include "zonal/hash.hpp"

namespace zonal::wire {
namespace {

using detail::check_id_range;
using detail::check_peer_id;
using detail::fail;
using detail::Problem;

constexpr std::uint32_t hops_max = std::numeric_limits<std::uint8_t>::max();
constexpr std::uint32_t walk_hops_max = std::numeric_limits<std::uint16_t>::max();
constexpr std::uint32_t check_every_max = std::numeric_limits<std::uint8_t>::max();

// ---- encoding (trusted core values -> wire) ----

wire::Strategy to_wire(zonal::Strategy s) {
  switch (s) {
    case zonal::Strategy::flood: return STRATEGY_FLOOD;
    case zonal::Strategy::zone_flood: return STRATEGY_ZONE_FLOOD;
    case zonal::Strategy::random_walk: return STRATEGY_RANDOM_WALK;
    case zonal::Strategy::expanding_ring: return STRATEGY_EXPANDING_RING;
    case zonal::Strategy::chord: break;  // chord searches never travel as Query
  }
  return STRATEGY_FLOOD;  // unreachable for valid core values
}

wire::Scope to_wire(zonal::Scope s) {
  switch (s) {
    case zonal::Scope::overlay: return SCOPE_OVERLAY;
    case zonal::Scope::zone: return SCOPE_ZONE;
    case zonal::Scope::zone_entry: return SCOPE_ZONE_ENTRY;
  }
  return SCOPE_OVERLAY;  // unreachable for valid core values
}

void fill(Envelope& env, const zonal::Query& q) {
  auto* w = env.mutable_query();
  w->set_query_id(q.query_id);
  w->set_key(q.key);
  w->set_origin(q.origin);
  w->set_ttl_hops(q.ttl_hops);
  w->set_hops(q.hops);
  w->set_strategy(to_wire(q.strategy));
  w->set_scope(to_wire(q.scope));
}

void fill(Envelope& env, const zonal::QueryHit& h) {
  auto* w = env.mutable_query_hit();
  w->set_query_id(h.query_id);
  w->set_holder(h.holder);
  w->set_responder(h.responder);
  w->set_hops(h.hops);
  if (h.relays_left != walk_hops_max) w->set_relays_left(h.relays_left);
}

void fill(Envelope& env, const zonal::Walk& walk) {
  auto* w = env.mutable_walk();
  w->set_query_id(walk.query_id);
  w->set_key(walk.key);
  w->set_hops(walk.hops);
  w->set_ttl_hops(walk.ttl_hops);
  w->set_check_every(walk.check_every);
}

void fill(Envelope& env, const zonal::WalkCheck& c) {
  auto* w = env.mutable_walk_check();
  w->set_query_id(c.query_id);
  w->set_hops(c.hops);
}

void fill(Envelope& env, const zonal::WalkCheckReply& r) {
  auto* w = env.mutable_walk_check_reply();
  w->set_query_id(r.query_id);
  w->set_stop(r.stop);
}

void fill(Envelope& env, const zonal::Publish& p) {
  auto* w = env.mutable_publish();
  w->set_key(p.key);
  w->set_holder(p.holder);
}

void fill(Envelope& env, const zonal::Register&) { env.mutable_registration(); }
void fill(Envelope& env, const zonal::Heartbeat&) { env.mutable_heartbeat(); }
void fill(Envelope& env, const zonal::Leave&) { env.mutable_leave(); }

void fill(Envelope& env, const zonal::ZoneAssignment& a) {
  auto* w = env.mutable_zone_assignment();
  w->set_zone(a.zone);
  w->set_zone_count(a.zone_count);
  w->set_epoch(a.epoch);
}

// ---- field validation (untrusted wire values -> core) ----

Problem check_hops(std::uint32_t v, std::string_view field) {
  if (v == 0) return fail(field, "0 is invalid, must be at least 1");
  if (v > hops_max) return fail(field, std::to_string(v) + " exceeds maximum " + std::to_string(hops_max));
  return std::nullopt;
}

Problem check_ttl_hops(std::uint32_t v, std::string_view field) {
  if (v > ttl_hops_max)
    return fail(field, std::to_string(v) + " exceeds maximum " + std::to_string(ttl_hops_max));
  return std::nullopt;
}

Problem read_strategy(int v, zonal::Strategy& out) {
  switch (v) {
    case STRATEGY_FLOOD: out = zonal::Strategy::flood; return std::nullopt;
    case STRATEGY_ZONE_FLOOD: out = zonal::Strategy::zone_flood; return std::nullopt;
    case STRATEGY_RANDOM_WALK: out = zonal::Strategy::random_walk; return std::nullopt;
    case STRATEGY_EXPANDING_RING: out = zonal::Strategy::expanding_ring; return std::nullopt;
    default: return fail("query.strategy", std::to_string(v) + " is not a known strategy");
  }
}

Problem read_scope(int v, zonal::Scope& out) {
  switch (v) {
    case SCOPE_OVERLAY: out = zonal::Scope::overlay; return std::nullopt;
    case SCOPE_ZONE: out = zonal::Scope::zone; return std::nullopt;
    case SCOPE_ZONE_ENTRY: out = zonal::Scope::zone_entry; return std::nullopt;
    default: return fail("query.scope", std::to_string(v) + " is not a known scope");
  }
}

Problem read_name(const wire::Query& w, std::optional<std::string>& out) {
  if (!w.has_name()) return std::nullopt;
  const std::string& name = w.name();
  if (name.size() > max_name_bytes)
    return fail("query.name", std::to_string(name.size()) + " bytes exceeds maximum " +
                                  std::to_string(max_name_bytes));
  if (file_key(name) != w.key()) return fail("query.name", "FNV-1a hash does not match query.key");
  out = name;
  return std::nullopt;
}

/// A query id must not be reserved: 0 (an empty seen-table slot) or an origin part of no_peer.
Problem check_query_id(std::uint64_t id, std::string_view field) {
  if (id == 0) return fail(field, "0 is reserved (no peer uses it)");
  if (query_origin(id) == no_peer) return fail(field, "origin (upper 32 bits) is the reserved no_peer id");
  return std::nullopt;
}

// ---- message validation ----

Problem read_message(const wire::Query& w, Decoded& out) {
  zonal::Query q;
  if (auto p = check_query_id(w.query_id(), "query.query_id")) return p;
  if (auto p = check_peer_id(w.origin(), "query.origin")) return p;
  if (auto p = check_ttl_hops(w.ttl_hops(), "query.ttl_hops")) return p;
  if (auto p = check_hops(w.hops(), "query.hops")) return p;
  if (auto p = read_strategy(w.strategy(), q.strategy)) return p;
  if (auto p = read_scope(w.scope(), q.scope)) return p;
  if (auto p = read_name(w, out.name)) return p;
  q.query_id = w.query_id();
  q.key = w.key();
  q.origin = static_cast<PeerId>(w.origin());
  q.ttl_hops = static_cast<std::uint8_t>(w.ttl_hops());
  q.hops = static_cast<std::uint8_t>(w.hops());
  out.msg = q;
  return std::nullopt;
}

Problem read_message(const wire::QueryHit& w, Decoded& out) {
  if (auto p = check_query_id(w.query_id(), "query_hit.query_id")) return p;
  if (auto p = check_peer_id(w.holder(), "query_hit.holder")) return p;
  if (auto p = check_peer_id(w.responder(), "query_hit.responder")) return p;
  if (auto p = check_hops(w.hops(), "query_hit.hops")) return p;
  std::uint32_t relays = walk_hops_max;
  if (w.has_relays_left()) {
    if (w.relays_left() > walk_hops_max)
      return fail("query_hit.relays_left", std::to_string(w.relays_left()) + " exceeds maximum " +
                                               std::to_string(walk_hops_max));
    relays = w.relays_left();
  }
  out.msg = zonal::QueryHit{w.query_id(), static_cast<PeerId>(w.holder()), static_cast<PeerId>(w.responder()),
                            static_cast<std::uint8_t>(w.hops()), static_cast<std::uint16_t>(relays)};
  return std::nullopt;
}


/// A walker hop count: in [1, hi].
Problem check_walk_hops(std::uint32_t v, std::uint32_t hi, std::string_view field) {
  if (v == 0) return fail(field, "0 is invalid, must be at least 1");
  if (v > hi) return fail(field, std::to_string(v) + " exceeds maximum " + std::to_string(hi));
  return std::nullopt;
}

Problem read_message(const wire::Walk& w, Decoded& out) {
  if (auto p = check_query_id(w.query_id(), "walk.query_id")) return p;
  if (auto p = check_walk_hops(w.ttl_hops(), walk_hops_max, "walk.ttl_hops")) return p;
  if (auto p = check_walk_hops(w.hops(), w.ttl_hops(), "walk.hops")) return p;
  if (w.check_every() > check_every_max)
    return fail("walk.check_every", std::to_string(w.check_every()) + " exceeds maximum " +
                                        std::to_string(check_every_max));
  out.msg = zonal::Walk{w.query_id(), w.key(), static_cast<std::uint16_t>(w.hops()),
                        static_cast<std::uint16_t>(w.ttl_hops()), static_cast<std::uint8_t>(w.check_every())};
  return std::nullopt;
}

Problem read_message(const wire::WalkCheck& w, Decoded& out) {
  if (auto p = check_query_id(w.query_id(), "walk_check.query_id")) return p;
  if (auto p = check_walk_hops(w.hops(), walk_hops_max, "walk_check.hops")) return p;
  out.msg = zonal::WalkCheck{w.query_id(), static_cast<std::uint16_t>(w.hops())};
  return std::nullopt;
}

Problem read_message(const wire::WalkCheckReply& w, Decoded& out) {
  if (auto p = check_query_id(w.query_id(), "walk_check_reply.query_id")) return p;
  out.msg = zonal::WalkCheckReply{w.query_id(), w.stop()};
  return std::nullopt;
}

Problem read_message(const wire::Publish& w, Decoded& out) {
  if (auto p = check_peer_id(w.holder(), "publish.holder")) return p;
  out.msg = zonal::Publish{w.key(), static_cast<PeerId>(w.holder())};
  return std::nullopt;
}

Problem read_message(const wire::ZoneAssignment& w, Decoded& out) {
  if (auto p = check_id_range(w.zone(), "zone_assignment.zone")) return p;
  if (w.zone() != no_zone && w.zone() >= w.zone_count())
    return fail("zone_assignment.zone", std::to_string(w.zone()) + " is not below zone_count " +
                                            std::to_string(w.zone_count()));
  out.msg = zonal::ZoneAssignment{static_cast<ZoneId>(w.zone()), w.zone_count(), w.epoch()};
  return std::nullopt;
}

Problem read_body(const Envelope& env, Decoded& out) {
  switch (env.body_case()) {
    case Envelope::kQuery: return read_message(env.query(), out);
    case Envelope::kQueryHit: return read_message(env.query_hit(), out);
    case Envelope::kPublish: return read_message(env.publish(), out);
    case Envelope::kRegistration: out.msg = zonal::Register{}; return std::nullopt;
    case Envelope::kHeartbeat: out.msg = zonal::Heartbeat{}; return std::nullopt;
    case Envelope::kLeave: out.msg = zonal::Leave{}; return std::nullopt;
    case Envelope::kZoneAssignment: return read_message(env.zone_assignment(), out);
    case Envelope::kWalk: return read_message(env.walk(), out);
    case Envelope::kWalkCheck: return read_message(env.walk_check(), out);
    case Envelope::kWalkCheckReply: return read_message(env.walk_check_reply(), out);
    case Envelope::BODY_NOT_SET: break;
  }
  return fail("envelope.body", "missing (no known message set)");
}

DecodeResult failure(std::string error) { return DecodeResult{std::nullopt, std::move(error)}; }

std::string too_large(std::size_t size) { return detail::too_large(size, max_message_bytes); }

/// Validate a parsed envelope whose size has already been checked.
DecodeResult validate(const Envelope& env) {
  Decoded out;
  if (auto p = check_peer_id(env.from(), "envelope.from")) return failure(std::move(*p));
  if (auto p = read_body(env, out)) return failure(std::move(*p));
  out.from = static_cast<PeerId>(env.from());
  return DecodeResult{std::move(out), {}};
}

}  // namespace

Envelope encode(PeerId from, const zonal::Message& msg) {
  Envelope env;
  env.set_from(from);
  std::visit([&env](const auto& m) { fill(env, m); }, msg);
  return env;
}

Envelope encode_query(PeerId from, const zonal::Query& q, std::string_view name) {
  Envelope env = encode(from, q);
  env.mutable_query()->set_name(std::string(name));
  return env;
}

std::string encode_bytes(PeerId from, const zonal::Message& msg) {
  std::string bytes;
  encode(from, msg).SerializeToString(&bytes);
  return bytes;
}

DecodeResult decode_bytes(std::string_view bytes) {
  if (bytes.size() > max_message_bytes) return failure(too_large(bytes.size()));
  Envelope env;
  if (!env.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return failure("envelope: unparsable bytes (not a valid Envelope)");
  return validate(env);
}

DecodeResult decode(const Envelope& env) {
  const std::size_t size = env.ByteSizeLong();
  if (size > max_message_bytes) return failure(too_large(size));
  return validate(env);
}

}  // namespace zonal::wire
