// Wire codec: every core message survives encode -> bytes -> decode, and every kind of
// malformed input is rejected with an error naming the offending field.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>

#include "zonal.grpc.pb.h"
#include "zonal.pb.h"
#include "zonal/hash.hpp"
#include "zonal/wire/codec.hpp"

namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr std::uint64_t too_big_id = std::uint64_t{1} << 32;

/// Encode `msg` from `from` to bytes and decode it again; fails the test if decoding fails.
zonal::wire::Decoded round_trip(zonal::PeerId from, const zonal::Message& msg) {
  const auto result = zonal::wire::decode_bytes(zonal::wire::encode_bytes(from, msg));
  EXPECT_TRUE(result.ok()) << result.error;
  EXPECT_TRUE(result.error.empty());
  return result.value.value_or(zonal::wire::Decoded{});
}

/// Serialise a (possibly tampered) envelope and return the decoder's error text.
std::string error_of(const zonal::wire::Envelope& env) {
  const auto result = zonal::wire::decode_bytes(env.SerializeAsString());
  EXPECT_FALSE(result.ok());
  return result.error;
}

zonal::Query sample_query() {
  return zonal::Query{(std::uint64_t{42} << 32) | 7, zonal::file_key("song.mp3"), 42, 5, 3,
                      zonal::Strategy::zone_flood, zonal::Scope::zone_entry};
}

zonal::wire::Envelope query_envelope() { return zonal::wire::encode(42, sample_query()); }

// ---- round trips ----

TEST(WireCodecRoundTrip, Query) {
  const zonal::Query q = sample_query();
  const auto d = round_trip(42, q);
  EXPECT_EQ(d.from, 42u);
  EXPECT_FALSE(d.name.has_value());
  const auto* got = std::get_if<zonal::Query>(&d.msg);
  ASSERT_NE(got, nullptr);
  EXPECT_EQ(got->query_id, q.query_id);
  EXPECT_EQ(got->key, q.key);
  EXPECT_EQ(got->origin, q.origin);
  EXPECT_EQ(got->ttl_hops, q.ttl_hops);
  EXPECT_EQ(got->hops, q.hops);
  EXPECT_EQ(got->strategy, q.strategy);
  EXPECT_EQ(got->scope, q.scope);
}

TEST(WireCodecRoundTrip, QueryEveryStrategyAndScopeAndLimits) {
  for (auto strategy : {zonal::Strategy::flood, zonal::Strategy::zone_flood, zonal::Strategy::random_walk,
                        zonal::Strategy::expanding_ring}) {
    for (auto scope : {zonal::Scope::overlay, zonal::Scope::zone, zonal::Scope::zone_entry}) {
      // The largest query id in use: origin 0xFFFFFFFE (0xFFFFFFFF is the reserved no_peer).
      zonal::Query q{~std::uint64_t{0} - (std::uint64_t{1} << 32), ~std::uint64_t{0}, 0xFFFFFFFEu, zonal::ttl_hops_max, 255,
                     strategy, scope};
      const auto d = round_trip(0, q);
      const auto* got = std::get_if<zonal::Query>(&d.msg);
      ASSERT_NE(got, nullptr);
      EXPECT_EQ(got->query_id, q.query_id);
      EXPECT_EQ(got->key, q.key);
      EXPECT_EQ(got->origin, q.origin);
      EXPECT_EQ(got->ttl_hops, q.ttl_hops);
      EXPECT_EQ(got->hops, q.hops);
      EXPECT_EQ(got->strategy, strategy);
      EXPECT_EQ(got->scope, scope);
      EXPECT_EQ(d.from, 0u);
    }
  }
}

TEST(WireCodecRoundTrip, NamedQuery) {
  const auto env = zonal::wire::encode_query(42, sample_query(), "song.mp3");
  const auto result = zonal::wire::decode_bytes(env.SerializeAsString());
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.value->name, std::optional<std::string>("song.mp3"));
  EXPECT_EQ(std::get<zonal::Query>(result.value->msg).key, zonal::file_key("song.mp3"));
}

TEST(WireCodecRoundTrip, QueryHit) {
  const zonal::QueryHit h{(std::uint64_t{9} << 32) | 1, 17, 23, 4};
  const auto d = round_trip(23, h);
  EXPECT_EQ(d.from, 23u);
  const auto* got = std::get_if<zonal::QueryHit>(&d.msg);
  ASSERT_NE(got, nullptr);
  EXPECT_EQ(got->query_id, h.query_id);
  EXPECT_EQ(got->holder, h.holder);
  EXPECT_EQ(got->responder, h.responder);
  EXPECT_EQ(got->hops, h.hops);
}

TEST(WireCodecRoundTrip, QueryHitRelayBudget) {
  const zonal::QueryHit limited{(std::uint64_t{4} << 32) | 1, 3, 2, 9, 8};
  EXPECT_EQ(std::get<zonal::QueryHit>(round_trip(2, limited).msg), limited);
  const zonal::QueryHit unlimited{5, 3, 2, 1};  // default budget: the field is left out
  EXPECT_FALSE(zonal::wire::encode(2, unlimited).query_hit().has_relays_left());
  EXPECT_EQ(std::get<zonal::QueryHit>(round_trip(2, unlimited).msg), unlimited);
}

TEST(WireCodecRoundTrip, WalkMessages) {
  const std::uint64_t id = (std::uint64_t{0xFFFFFFFEu} << 32) | 9;
  for (const zonal::Walk& w : {zonal::Walk{id, ~std::uint64_t{0}, 1, 1, 0}, zonal::Walk{id, 7, 65535, 65535, 255},
                               zonal::Walk{id, zonal::file_key("a"), 12, 1024, 4}}) {
    EXPECT_EQ(std::get<zonal::Walk>(round_trip(3, w).msg), w);
  }
  const zonal::WalkCheck check{id, 65535};
  EXPECT_EQ(std::get<zonal::WalkCheck>(round_trip(3, check).msg), check);
  for (bool stop : {false, true}) {
    const zonal::WalkCheckReply reply{id, stop};
    EXPECT_EQ(std::get<zonal::WalkCheckReply>(round_trip(3, reply).msg), reply);
  }
}

TEST(WireCodecReject, WalkFieldsOutOfRange) {
  const std::uint64_t id = (std::uint64_t{4} << 32) | 1;
  auto walk = zonal::wire::encode(2, zonal::Walk{id, 7, 3, 10, 4});
  walk.mutable_walk()->set_hops(0);
  EXPECT_EQ(error_of(walk), "walk.hops: 0 is invalid, must be at least 1");
  walk.mutable_walk()->set_hops(11);
  EXPECT_EQ(error_of(walk), "walk.hops: 11 exceeds maximum 10");
  walk.mutable_walk()->set_hops(3);
  walk.mutable_walk()->set_ttl_hops(0);
  EXPECT_EQ(error_of(walk), "walk.ttl_hops: 0 is invalid, must be at least 1");
  walk.mutable_walk()->set_ttl_hops(65536);
  EXPECT_EQ(error_of(walk), "walk.ttl_hops: 65536 exceeds maximum 65535");
  walk.mutable_walk()->set_ttl_hops(10);
  walk.mutable_walk()->set_check_every(256);
  EXPECT_EQ(error_of(walk), "walk.check_every: 256 exceeds maximum 255");
  walk.mutable_walk()->set_check_every(4);
  walk.mutable_walk()->set_query_id((std::uint64_t{0xFFFFFFFFu} << 32) | 1);
  EXPECT_EQ(error_of(walk), "walk.query_id: origin (upper 32 bits) is the reserved no_peer id");

  auto check = zonal::wire::encode(2, zonal::WalkCheck{id, 4});
  check.mutable_walk_check()->set_hops(0);
  EXPECT_EQ(error_of(check), "walk_check.hops: 0 is invalid, must be at least 1");
  check.mutable_walk_check()->set_hops(70000);
  EXPECT_EQ(error_of(check), "walk_check.hops: 70000 exceeds maximum 65535");
  check.mutable_walk_check()->set_hops(4);
  check.mutable_walk_check()->set_query_id(~std::uint64_t{0});
  EXPECT_THAT(error_of(check), StartsWith("walk_check.query_id: "));

  auto reply = zonal::wire::encode(2, zonal::WalkCheckReply{id, true});
  reply.mutable_walk_check_reply()->set_query_id(~std::uint64_t{0});
  EXPECT_THAT(error_of(reply), StartsWith("walk_check_reply.query_id: "));

  auto hit = zonal::wire::encode(2, zonal::QueryHit{1, 3, 2, 1, 4});
  hit.mutable_query_hit()->set_relays_left(65536);
  EXPECT_EQ(error_of(hit), "query_hit.relays_left: 65536 exceeds maximum 65535");
}

TEST(WireCodecReject, ReservedQueryIds) {
  auto q = query_envelope();
  q.mutable_query()->set_query_id(0);
  EXPECT_EQ(error_of(q), "query.query_id: 0 is reserved (no peer uses it)");
  q.mutable_query()->set_query_id((std::uint64_t{0xFFFFFFFFu} << 32) | 3);
  EXPECT_EQ(error_of(q), "query.query_id: origin (upper 32 bits) is the reserved no_peer id");
  auto hit = zonal::wire::encode(2, zonal::QueryHit{1, 3, 2, 1, 4});
  hit.mutable_query_hit()->set_query_id(0);
  EXPECT_EQ(error_of(hit), "query_hit.query_id: 0 is reserved (no peer uses it)");
  auto walk = zonal::wire::encode(2, zonal::Walk{(std::uint64_t{4} << 32) | 1, 7, 3, 10, 4});
  walk.mutable_walk()->set_query_id(0);
  EXPECT_EQ(error_of(walk), "walk.query_id: 0 is reserved (no peer uses it)");
}

TEST(WireCodecRoundTrip, Publish) {
  const zonal::Publish p{zonal::file_key("b"), 77};
  const auto d = round_trip(77, p);
  EXPECT_EQ(d.from, 77u);
  const auto* got = std::get_if<zonal::Publish>(&d.msg);
  ASSERT_NE(got, nullptr);
  EXPECT_EQ(got->key, p.key);
  EXPECT_EQ(got->holder, p.holder);
}

TEST(WireCodecRoundTrip, RegisterHeartbeatLeave) {
  EXPECT_TRUE(std::holds_alternative<zonal::Register>(round_trip(5, zonal::Register{}).msg));
  EXPECT_TRUE(std::holds_alternative<zonal::Heartbeat>(round_trip(5, zonal::Heartbeat{}).msg));
  const auto d = round_trip(5, zonal::Leave{});
  EXPECT_TRUE(std::holds_alternative<zonal::Leave>(d.msg));
  EXPECT_EQ(d.from, 5u);
}

TEST(WireCodecRoundTrip, ZoneAssignment) {
  const zonal::ZoneAssignment a{3, 8, 123456789012345ull};
  const auto d = round_trip(0, a);
  const auto* got = std::get_if<zonal::ZoneAssignment>(&d.msg);
  ASSERT_NE(got, nullptr);
  EXPECT_EQ(got->zone, a.zone);
  EXPECT_EQ(got->zone_count, a.zone_count);
  EXPECT_EQ(got->epoch, a.epoch);
}

TEST(WireCodecRoundTrip, ZoneAssignmentNoZone) {
  const auto d = round_trip(0, zonal::ZoneAssignment{zonal::no_zone, 0, 1});
  EXPECT_EQ(std::get<zonal::ZoneAssignment>(d.msg).zone, zonal::no_zone);
}

TEST(WireCodecRoundTrip, DecodeParsedEnvelope) {
  const auto result = zonal::wire::decode(zonal::wire::encode(9, zonal::Publish{1, 9}));
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_TRUE(static_cast<bool>(result));
  EXPECT_EQ(result.value->from, 9u);
}

// ---- rejections ----

TEST(WireCodecReject, UnparsableBytes) {
  // Field 2 (query), length-delimited, claims 5 bytes but none follow.
  const auto truncated = zonal::wire::decode_bytes(std::string("\x12\x05", 2));
  EXPECT_FALSE(truncated.ok());
  EXPECT_THAT(truncated.error, StartsWith("envelope: unparsable"));
  // Wire type 7 does not exist.
  const auto bad_tag = zonal::wire::decode_bytes(std::string("\x0f", 1));
  EXPECT_FALSE(bad_tag.ok());
  EXPECT_THAT(bad_tag.error, StartsWith("envelope: unparsable"));
}

TEST(WireCodecReject, MissingBody) {
  zonal::wire::Envelope env;
  env.set_from(1);
  EXPECT_THAT(error_of(env), StartsWith("envelope.body: missing"));
  EXPECT_THAT(zonal::wire::decode_bytes("").error, StartsWith("envelope.body: missing"));
}

TEST(WireCodecReject, StrategyOutOfRange) {
  auto env = query_envelope();
  env.mutable_query()->set_strategy(static_cast<zonal::wire::Strategy>(9));
  EXPECT_EQ(error_of(env), "query.strategy: 9 is not a known strategy");
}

TEST(WireCodecReject, ScopeOutOfRange) {
  auto env = query_envelope();
  env.mutable_query()->set_scope(static_cast<zonal::wire::Scope>(-1));
  EXPECT_EQ(error_of(env), "query.scope: -1 is not a known scope");
}

TEST(WireCodecReject, TtlHopsAboveMaximum) {
  auto env = query_envelope();
  env.mutable_query()->set_ttl_hops(12);
  EXPECT_EQ(error_of(env), "query.ttl_hops: 12 exceeds maximum 10");
}

TEST(WireCodecReject, TtlHopsAtMaximumAccepted) {
  auto env = query_envelope();
  env.mutable_query()->set_ttl_hops(10);
  EXPECT_TRUE(zonal::wire::decode(env).ok());
}

TEST(WireCodecReject, QueryHopsZero) {
  auto env = query_envelope();
  env.mutable_query()->set_hops(0);
  EXPECT_THAT(error_of(env), StartsWith("query.hops: 0"));
}

TEST(WireCodecReject, QueryHopsAbove255) {
  auto env = query_envelope();
  env.mutable_query()->set_hops(256);
  EXPECT_EQ(error_of(env), "query.hops: 256 exceeds maximum 255");
}

TEST(WireCodecReject, QueryHitHopsZeroOrAbove255) {
  auto env = zonal::wire::encode(2, zonal::QueryHit{1, 3, 2, 1});
  env.mutable_query_hit()->set_hops(0);
  EXPECT_THAT(error_of(env), StartsWith("query_hit.hops: 0"));
  env.mutable_query_hit()->set_hops(1000);
  EXPECT_EQ(error_of(env), "query_hit.hops: 1000 exceeds maximum 255");
}

TEST(WireCodecReject, IdsOutOfRange) {
  auto from = query_envelope();
  from.set_from(too_big_id);
  EXPECT_EQ(error_of(from), "envelope.from: 4294967296 exceeds the 32-bit id range");

  auto origin = query_envelope();
  origin.mutable_query()->set_origin(too_big_id + 42);  // would truncate to 42
  EXPECT_THAT(error_of(origin), StartsWith("query.origin: 4294967338 exceeds"));

  auto hit = zonal::wire::encode(2, zonal::QueryHit{1, 3, 2, 1});
  hit.mutable_query_hit()->set_holder(too_big_id);
  EXPECT_THAT(error_of(hit), StartsWith("query_hit.holder:"));
  hit.mutable_query_hit()->set_holder(3);
  hit.mutable_query_hit()->set_responder(~std::uint64_t{0});
  EXPECT_THAT(error_of(hit), StartsWith("query_hit.responder:"));

  auto publish = zonal::wire::encode(3, zonal::Publish{1, 3});
  publish.mutable_publish()->set_holder(too_big_id);
  EXPECT_THAT(error_of(publish), StartsWith("publish.holder:"));

  auto zone = zonal::wire::encode(0, zonal::ZoneAssignment{1, 4, 1});
  zone.mutable_zone_assignment()->set_zone(too_big_id + 1);
  EXPECT_THAT(error_of(zone), StartsWith("zone_assignment.zone:"));
}

TEST(WireCodecReject, ReservedNoPeer) {
  auto from = query_envelope();
  from.set_from(zonal::no_peer);
  EXPECT_EQ(error_of(from), "envelope.from: 4294967295 is the reserved no_peer id");
  auto origin = query_envelope();
  origin.mutable_query()->set_origin(zonal::no_peer);
  EXPECT_THAT(error_of(origin), StartsWith("query.origin:"));
}

TEST(WireCodecReject, ZoneNotBelowZoneCount) {
  const auto env = zonal::wire::encode(0, zonal::ZoneAssignment{4, 4, 1});
  EXPECT_EQ(error_of(env), "zone_assignment.zone: 4 is not below zone_count 4");
}

TEST(WireCodecReject, OversizedBytes) {
  const std::string big(zonal::wire::max_message_bytes + 1, '\0');
  const auto result = zonal::wire::decode_bytes(big);
  EXPECT_FALSE(result.ok());
  EXPECT_THAT(result.error, StartsWith("message too large"));
}

TEST(WireCodecReject, OversizedEnvelope) {
  const std::string name(70000, 'x');
  auto q = sample_query();
  q.key = zonal::file_key(name);
  const auto env = zonal::wire::encode_query(42, q, name);
  EXPECT_THAT(zonal::wire::decode(env).error, StartsWith("message too large"));
  EXPECT_THAT(error_of(env), StartsWith("message too large"));
}

TEST(WireCodecReject, NameTooLong) {
  const std::string name(zonal::wire::max_name_bytes + 1, 'x');
  auto q = sample_query();
  q.key = zonal::file_key(name);
  EXPECT_EQ(error_of(zonal::wire::encode_query(42, q, name)), "query.name: 1025 bytes exceeds maximum 1024");
}

TEST(WireCodecReject, NameDoesNotMatchKey) {
  const auto env = zonal::wire::encode_query(42, sample_query(), "other.mp3");
  EXPECT_THAT(error_of(env), AllOf(StartsWith("query.name:"), HasSubstr("query.key")));
}

// Corrupting valid bytes must never crash, and whatever is accepted must be in range.
TEST(WireCodecReject, MutatedBytesNeverCrash) {
  const std::string valid[] = {
      zonal::wire::encode_bytes(42, sample_query()),
      zonal::wire::encode_bytes(23, zonal::QueryHit{5, 17, 23, 4}),
      zonal::wire::encode_bytes(0, zonal::ZoneAssignment{3, 8, 99}),
  };
  std::mt19937_64 rng(12345);
  int accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string bytes = valid[i % 3];
    const int flips = 1 + static_cast<int>(rng() % 3);
    for (int f = 0; f < flips; ++f) bytes[rng() % bytes.size()] = static_cast<char>(rng());
    const auto result = zonal::wire::decode_bytes(bytes);
    ASSERT_NE(result.ok(), !result.error.empty());
    if (!result.ok()) continue;
    ++accepted;
    if (const auto* q = std::get_if<zonal::Query>(&result.value->msg)) {
      EXPECT_LE(q->ttl_hops, zonal::ttl_hops_max);
      EXPECT_GE(q->hops, 1);
      EXPECT_NE(q->origin, zonal::no_peer);
    }
    EXPECT_NE(result.value->from, zonal::no_peer);
  }
  EXPECT_GT(accepted, 0);
}

// The generated gRPC service stubs exist (real nodes implement them later).
TEST(WireCodecSchema, ServicesGenerated) {
  EXPECT_STREQ(zonal::wire::Peer::service_full_name(), "zonal.wire.Peer");
  EXPECT_STREQ(zonal::wire::Tracker::service_full_name(), "zonal.wire.Tracker");
}

}  // namespace
