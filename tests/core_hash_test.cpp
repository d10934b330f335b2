// Stability of the documented hashes: these values are part of the protocol (docs/protocol.md).
#include <gtest/gtest.h>

#include <map>

#include "zonal/hash.hpp"
#include "zonal/rng.hpp"

using namespace zonal;

TEST(Hash, FileKeyIsFnv1a64) {
  EXPECT_EQ(file_key(""), 0xcbf29ce484222325ull);  // FNV-1a offset basis
  EXPECT_EQ(file_key("a"), 0xaf63dc4c8601ec8cull);  // published FNV-1a 64 test vector
  EXPECT_EQ(file_key("foobar"), 0x85944171f73967e8ull);
}

TEST(Hash, JumpHashMatchesPublishedVectors) {
  // Lamping & Veach's jump consistent hash: vectors shared by the reference ports (go-jump,
  // rust-jumphash, jump_consistent_hash crate, ClickHouse's jumpConsistentHash tests).
  EXPECT_EQ(jump_consistent_hash(1, 1), 0u);
  EXPECT_EQ(jump_consistent_hash(42, 57), 43u);
  EXPECT_EQ(jump_consistent_hash(256, 1024), 520u);
  EXPECT_EQ(jump_consistent_hash(0xDEAD10CCull, 1), 0u);
  EXPECT_EQ(jump_consistent_hash(0xDEAD10CCull, 666), 361u);
  EXPECT_EQ(jump_consistent_hash(16045690984833335023ull, 255), 237u);
  EXPECT_EQ(jump_consistent_hash(0, 60), 0u);
  EXPECT_EQ(jump_consistent_hash(1, 60), 55u);
  EXPECT_EQ(jump_consistent_hash(2, 60), 46u);
}

TEST(Hash, HomeZoneIsJumpHashOfTheFileKey) {
  // Frozen values: changing them moves every file to another zone.
  EXPECT_EQ(home_zone(file_key("report.pdf"), 16), 5u);
  EXPECT_EQ(home_zone(file_key("song.mp3"), 16), 4u);
  EXPECT_EQ(home_zone(file_key("song.mp3"), 0), no_zone);
  for (std::uint64_t k = 0; k < 1000; ++k) EXPECT_EQ(home_zone(mix64(k), 8), jump_consistent_hash(mix64(k), 8));
}

TEST(Hash, JumpHashMovesOnlyToTheNewBucket) {
  for (std::uint64_t k = 0; k < 10000; ++k) {
    const auto before = jump_consistent_hash(mix64(k), 10);
    const auto after = jump_consistent_hash(mix64(k), 11);
    EXPECT_TRUE(after == before || after == 10u) << k;
  }
}

TEST(Hash, HomeZonesAreBalanced) {
  std::map<ZoneId, int> counts;
  for (int i = 0; i < 80000; ++i) ++counts[home_zone(file_key("file-" + std::to_string(i)), 8)];
  ASSERT_EQ(counts.size(), 8u);
  for (const auto& [zone, n] : counts) EXPECT_NEAR(n, 10000, 500) << zone;
}

TEST(Rng, IsSplitMix64) {
  // Published SplitMix64 outputs (Vigna's splitmix64.c) for the seed 1234567.
  Rng r(1234567);
  EXPECT_EQ(r.next(), 6457827717110365317ull);
  EXPECT_EQ(r.next(), 3203168211198807973ull);
  EXPECT_EQ(r.next(), 9817491932198370423ull);
  EXPECT_EQ(r.next(), 4593380528125082431ull);
  EXPECT_EQ(r.next(), 16408922859458223821ull);
}

TEST(Rng, SameSeedSameSequenceAndBounded) {
  Rng a(42), b(42), c(43);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const auto x = a.next();
    EXPECT_EQ(x, b.next());
    differs |= x != c.next();
    EXPECT_LT(a.below(7), 7u);
    b.below(7);
  }
  EXPECT_TRUE(differs);
}
