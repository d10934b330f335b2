// The real tracker's Registry (node/tracker): expiry of silent peers, a slow but live peer that
// heartbeats just inside the expiry window, and re-registration after expiry (same id for the
// same address, a fresh one when another address took it meanwhile).
#include <gtest/gtest.h>

#include "registry.hpp"

namespace zonal::node {
namespace {

constexpr TimeUs ms = 1000;

/// A plaintext registration (no certificate) from one host; the test expects it admitted.
Admission admit(Registry& r, TimeUs now, const std::string& address, std::optional<PeerId> requested) {
  return std::get<Admission>(r.register_peer(now, address, "127.0.0.1", requested, false));
}

TrackerOptions options() {
  TrackerOptions o;
  o.zone_count = 2;
  o.zone_size_min = 2;
  o.expiry_ms = 1000;
  return o;
}

TEST(Registry, ExpireDropsOnlySilentPeersFromDirectoryAndAddresses) {
  Registry r(options());
  const PeerId a = admit(r, 0, "127.0.0.1:1001", std::nullopt).id;
  const PeerId b = admit(r, 0, "127.0.0.1:1002", std::nullopt).id;
  const PeerId c = admit(r, 0, "127.0.0.1:1003", std::nullopt).id;
  const PeerId d = admit(r, 0, "127.0.0.1:1004", std::nullopt).id;
  EXPECT_EQ(r.snapshot().directory->zone_count(), 2u);
  ASSERT_TRUE(r.heartbeat(600 * ms, a));
  ASSERT_TRUE(r.heartbeat(600 * ms, b));
  r.expire(999 * ms);  // nobody overdue yet
  EXPECT_EQ(r.peer_count(), 4u);
  const std::uint64_t epoch = r.snapshot().directory->epoch();
  r.expire(1000 * ms);  // c and d were last seen at 0: overdue exactly now
  EXPECT_EQ(r.peer_count(), 2u);
  const auto snap = r.snapshot();
  EXPECT_EQ(snap.addresses.size(), 2u);
  EXPECT_TRUE(snap.addresses.contains(a) && snap.addresses.contains(b));
  EXPECT_FALSE(snap.addresses.contains(c) || snap.addresses.contains(d));
  EXPECT_GT(snap.directory->epoch(), epoch);
  EXPECT_EQ(snap.directory->zone_count(), 1u);  // 2 peers, min size 2: one zone
  EXPECT_FALSE(r.heartbeat(1001 * ms, c).has_value()) << "an expired peer must register again";
}

TEST(Registry, SlowButLivePeerIsKept) {
  Registry r(options());
  const PeerId slow = admit(r, 0, "127.0.0.1:2001", std::nullopt).id;
  TimeUs now = 0;
  for (int beat = 0; beat < 20; ++beat) {  // each heartbeat 1 us inside the window
    now += 1000 * ms - 1;
    r.expire(now);
    ASSERT_TRUE(r.heartbeat(now, slow).has_value()) << "beat " << beat;
  }
  r.expire(now + 1000 * ms - 1);
  EXPECT_EQ(r.peer_count(), 1u);
  r.expire(now + 1000 * ms);
  EXPECT_EQ(r.peer_count(), 0u);
}

TEST(Registry, ReRegistrationAfterExpiry) {
  Registry r(options());
  const PeerId a = admit(r, 0, "127.0.0.1:3001", 7).id;
  EXPECT_EQ(a, 7u);
  r.expire(2000 * ms);
  EXPECT_EQ(r.peer_count(), 0u);
  // The same node comes back asking for its id: it gets it, and is in the directory again.
  const Admission back = admit(r, 2001 * ms, "127.0.0.1:3001", 7);
  EXPECT_EQ(back.id, 7u);
  EXPECT_NE(back.zone, no_zone);
  EXPECT_EQ(r.snapshot().addresses.at(7), "127.0.0.1:3001");
  // While it is registered, another address asking for 7 gets another id.
  const Admission other = admit(r, 2002 * ms, "127.0.0.1:3002", 7);
  EXPECT_NE(other.id, 7u);
  // Once 7 expired, a different address may take the free id.
  r.expire(5000 * ms);
  EXPECT_EQ(admit(r, 5001 * ms, "127.0.0.1:3003", 7).id, 7u);
}

}  // namespace
}  // namespace zonal::node
