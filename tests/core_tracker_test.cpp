// Tracker state machine: registration, zone sizes, merge/split, heartbeat expiry.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "zonal/tracker.hpp"

using namespace zonal;

namespace {

void expect_zone_invariants(const Tracker& t, std::uint32_t min_size) {
  std::set<PeerId> seen;
  std::size_t total = 0;
  for (ZoneId z = 0; z < t.zone_count(); ++z) {
    const auto members = t.members(z);
    if (t.peer_count() >= min_size) {
      EXPECT_GE(members.size(), min_size) << "zone " << z;
    }
    for (PeerId p : members) {
      EXPECT_TRUE(seen.insert(p).second) << "peer in two zones";
      EXPECT_EQ(t.zone_of(p), z);
    }
    total += members.size();
  }
  EXPECT_EQ(total, t.peer_count());
}

}  // namespace

TEST(Tracker, FewerThanMinimumPeersShareOneZone) {
  Tracker t(1000, TrackerConfig{4, 6, 0});
  for (PeerId p = 0; p < 5; ++p) t.register_peer(0, p);
  EXPECT_EQ(t.zone_count(), 1u);
  EXPECT_EQ(t.members(0).size(), 5u);
}

TEST(Tracker, ZonesGrowToTargetAndKeepMinimumSize) {
  Tracker t(1000, TrackerConfig{4, 6, 0});
  for (PeerId p = 0; p < 100; ++p) {
    t.register_peer(0, p);
    expect_zone_invariants(t, 6);
    EXPECT_EQ(t.zone_count(), std::clamp<std::uint32_t>((p + 1) / 6, 1, 4));
  }
  for (ZoneId z = 0; z < 4; ++z) EXPECT_EQ(t.members(z).size(), 25u);  // balanced
}

TEST(Tracker, LeavesMergeZonesBackAndKeepMinimum) {
  Tracker t(1000, TrackerConfig{8, 6, 0});
  for (PeerId p = 0; p < 60; ++p) t.register_peer(0, p);
  EXPECT_EQ(t.zone_count(), 8u);
  for (PeerId p = 0; p < 55; ++p) {
    EXPECT_TRUE(t.leave(p));
    expect_zone_invariants(t, 6);
    EXPECT_EQ(t.zone_count(), std::clamp<std::uint32_t>((59 - p) / 6, 1, 8));
  }
  EXPECT_FALSE(t.leave(0));  // already gone
}

TEST(Tracker, RegistrationIsIdempotent) {
  Tracker t(1000, TrackerConfig{2, 6, 0});
  const ZoneId z = t.register_peer(0, 7);
  EXPECT_EQ(t.register_peer(5, 7), z);
  EXPECT_EQ(t.peer_count(), 1u);
}

TEST(Tracker, MovedPeersAreNotified) {
  Tracker t(1000, TrackerConfig{2, 6, 0});
  for (PeerId p = 0; p < 11; ++p) t.register_peer(0, p);
  while (t.poll_transmit()) {
  }
  t.register_peer(0, 11);  // 12 peers: the second zone opens, six peers move
  std::set<PeerId> told;
  while (auto tx = t.poll_transmit()) {
    const auto& a = std::get<ZoneAssignment>(tx->msg);
    EXPECT_EQ(a.zone, t.zone_of(tx->to));
    told.insert(tx->to);
  }
  EXPECT_EQ(t.zone_count(), 2u);
  for (PeerId p : t.members(1)) EXPECT_TRUE(told.contains(p)) << p;
}

TEST(Tracker, SilentPeersExpireAndHeartbeatsKeepThemAlive) {
  Tracker t(1000, TrackerConfig{1, 1, 1000});
  t.handle_message(0, 1, Register{});
  t.handle_message(0, 2, Register{});
  ASSERT_EQ(t.poll_timeout(), std::optional<TimeUs>(1000));
  t.handle_message(800, 1, Heartbeat{});
  t.handle_timeout(1000);
  EXPECT_EQ(t.peer_count(), 1u);
  EXPECT_EQ(t.zone_of(2), no_zone);
  EXPECT_EQ(t.zone_of(1), 0u);
  t.handle_timeout(1799);
  EXPECT_EQ(t.peer_count(), 1u);
  t.handle_timeout(1800);
  EXPECT_EQ(t.peer_count(), 0u);
}

TEST(Tracker, HeartbeatFromUnknownPeerReRegistersIt) {
  Tracker t(1000, TrackerConfig{1, 1, 0});
  EXPECT_EQ(t.handle_message(0, 5, Heartbeat{}), Arrival::accepted);
  EXPECT_EQ(t.zone_of(5), 0u);
}

TEST(Tracker, DirectorySnapshotMatchesMembership) {
  Tracker t(1000, TrackerConfig{3, 6, 0});
  for (PeerId p = 0; p < 20; ++p) t.register_peer(0, p);
  const auto dir = t.directory();
  ASSERT_EQ(dir->zone_count(), 3u);
  std::size_t total = 0;
  for (ZoneId z = 0; z < 3; ++z) {
    const auto m = dir->members(z);
    EXPECT_TRUE(std::is_sorted(m.begin(), m.end()));
    for (PeerId p : m) EXPECT_EQ(t.zone_of(p), z);
    total += m.size();
  }
  EXPECT_EQ(total, 20u);
  EXPECT_EQ(dir->epoch(), t.epoch());
}

TEST(Tracker, IgnoresNonTrackerMessages) {
  Tracker t(1000, TrackerConfig{});
  EXPECT_EQ(t.handle_message(0, 1, Publish{1, 1}), Arrival::dropped);
  EXPECT_EQ(t.peer_count(), 0u);
}

// The records are one sorted array: peers registering and leaving in any id order (real trackers
// honour requested ids) must be found, moved and forgotten like ascending ones.
TEST(Tracker, PeersInAnyIdOrderAreKeptFoundAndForgotten) {
  Tracker t(0xFFFF'FFF0u, TrackerConfig{8, 3, 0});
  std::set<PeerId> registered;
  std::uint64_t x = 12345;
  for (int i = 0; i < 400; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    const auto p = static_cast<PeerId>(x >> 40);  // scattered ids, some repeated
    if (i % 5 == 4 && !registered.empty()) {
      const PeerId gone = *registered.begin();
      EXPECT_TRUE(t.leave(gone));
      EXPECT_FALSE(t.leave(gone));
      EXPECT_EQ(t.zone_of(gone), no_zone);
      registered.erase(gone);
    }
    t.register_peer(0, p);
    registered.insert(p);
    while (t.poll_transmit()) {
    }
    ASSERT_EQ(t.peer_count(), registered.size());
  }
  for (PeerId p : registered) EXPECT_NE(t.zone_of(p), no_zone) << p;
  expect_zone_invariants(t, 3);
}
