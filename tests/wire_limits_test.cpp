// Wire codec values exactly at each limit: accepted and decoded to the same value, while one past
// the limit is refused (wire_codec_test.cpp checks the refusals' texts). An off-by-one in a bound
// shows here as a rejected valid value.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "zonal.pb.h"
#include "zonal/hash.hpp"
#include "zonal/wire/codec.hpp"

namespace zonal {
namespace {

constexpr PeerId peer_max = 0xFFFFFFFEu;  // the largest id that is not no_peer

wire::DecodeResult decoded(const wire::Envelope& env) { return wire::decode_bytes(env.SerializeAsString()); }

Query query() { return Query{(std::uint64_t{42} << 32) | 7, file_key("song.mp3"), 42, 5, 3, Strategy::flood, Scope::overlay}; }

TEST(WireLimits, QueryAtEveryLimit) {
  auto env = wire::encode(peer_max, query());
  env.mutable_query()->set_origin(peer_max);
  env.mutable_query()->set_ttl_hops(ttl_hops_max);
  env.mutable_query()->set_hops(255);
  const auto r = decoded(env);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value->from, peer_max);
  const auto& q = std::get<Query>(r.value->msg);
  EXPECT_EQ(q.origin, peer_max);
  EXPECT_EQ(q.ttl_hops, ttl_hops_max);
  EXPECT_EQ(q.hops, 255);
  env.mutable_query()->set_hops(1);
  env.mutable_query()->set_ttl_hops(0);
  EXPECT_TRUE(decoded(env).ok()) << decoded(env).error;
  env.mutable_query()->set_ttl_hops(ttl_hops_max + 1);
  EXPECT_FALSE(decoded(env).ok());
}

TEST(WireLimits, NameOfExactlyTheMaximumLength) {
  const std::string name(wire::max_name_bytes, 'n');
  auto q = query();
  q.key = file_key(name);
  const auto r = decoded(wire::encode_query(1, q, name));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value->name, name);
  const std::string longer(wire::max_name_bytes + 1, 'n');
  q.key = file_key(longer);
  EXPECT_FALSE(decoded(wire::encode_query(1, q, longer)).ok());
}

TEST(WireLimits, MessageBytesAtTheCap) {
  // Exactly the cap passes the size check (and then fails to parse: zeros are no Envelope);
  // one byte more is refused as too large before parsing.
  const auto at = wire::decode_bytes(std::string(wire::max_message_bytes, '\0'));
  EXPECT_FALSE(at.ok());
  EXPECT_EQ(at.error.find("message too large"), std::string::npos) << at.error;
  EXPECT_EQ(wire::decode_bytes(std::string(wire::max_message_bytes + 1, '\0')).error.rfind("message too large", 0), 0u);
}

TEST(WireLimits, HitAndPublishAtTheirLimits) {
  auto hit = wire::encode(1, QueryHit{9, peer_max, peer_max, 255, 0xFFFF});
  const auto r = decoded(hit);
  ASSERT_TRUE(r.ok()) << r.error;
  const auto& h = std::get<QueryHit>(r.value->msg);
  EXPECT_EQ(h.holder, peer_max);
  EXPECT_EQ(h.responder, peer_max);
  EXPECT_EQ(h.hops, 255);
  EXPECT_EQ(h.relays_left, 0xFFFF);
  hit.mutable_query_hit()->set_relays_left(0);
  ASSERT_TRUE(decoded(hit).ok());
  EXPECT_EQ(std::get<QueryHit>(decoded(hit).value->msg).relays_left, 0);
  hit.mutable_query_hit()->set_hops(256);
  EXPECT_FALSE(decoded(hit).ok());

  const auto pub = decoded(wire::encode(1, Publish{~std::uint64_t{0}, peer_max}));
  ASSERT_TRUE(pub.ok()) << pub.error;
  EXPECT_EQ(std::get<Publish>(pub.value->msg).holder, peer_max);
  EXPECT_EQ(std::get<Publish>(pub.value->msg).key, ~std::uint64_t{0});
}

TEST(WireLimits, ZoneAssignmentLastZone) {
  const auto r = decoded(wire::encode(1, ZoneAssignment{0xFFFFFFFEu, 0xFFFFFFFFu, ~std::uint64_t{0}}));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(std::get<ZoneAssignment>(r.value->msg).zone, 0xFFFFFFFEu);
  EXPECT_EQ(std::get<ZoneAssignment>(r.value->msg).zone_count, 0xFFFFFFFFu);
  EXPECT_FALSE(decoded(wire::encode(1, ZoneAssignment{5, 5, 1})).ok());
  EXPECT_TRUE(decoded(wire::encode(1, ZoneAssignment{4, 5, 1})).ok());
}

TEST(WireLimits, WalkerFieldsAtTheirLimits) {
  const std::uint64_t id = (std::uint64_t{peer_max} << 32) | 1;
  auto walk = wire::encode(2, Walk{id, 7, 0xFFFF, 0xFFFF, 255});
  const auto r = decoded(walk);
  ASSERT_TRUE(r.ok()) << r.error;
  const auto& w = std::get<Walk>(r.value->msg);
  EXPECT_EQ(w.hops, 0xFFFF);
  EXPECT_EQ(w.ttl_hops, 0xFFFF);
  EXPECT_EQ(w.check_every, 255);
  EXPECT_EQ(w.query_id, id);
  walk.mutable_walk()->set_check_every(0);  // 0: never check
  EXPECT_TRUE(decoded(walk).ok());
  walk.mutable_walk()->set_hops(1);
  walk.mutable_walk()->set_ttl_hops(1);
  EXPECT_TRUE(decoded(walk).ok());

  auto check = wire::encode(2, WalkCheck{id, 0xFFFF});
  ASSERT_TRUE(decoded(check).ok()) << decoded(check).error;
  EXPECT_EQ(std::get<WalkCheck>(decoded(check).value->msg).hops, 0xFFFF);
  check.mutable_walk_check()->set_hops(0x10000);
  EXPECT_FALSE(decoded(check).ok());
}

}  // namespace
}  // namespace zonal
