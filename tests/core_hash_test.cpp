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

TEST(Hash, HomeZoneIsStable) {
  // Frozen values: changing them moves every file to another zone.
  EXPECT_EQ(home_zone(file_key("file-0"), 8), home_zone(file_key("file-0"), 8));
  EXPECT_EQ(jump_consistent_hash(0, 1), 0u);
  EXPECT_EQ(jump_consistent_hash(1, 1000), jump_consistent_hash(1, 1000));
  const std::uint32_t frozen[] = {home_zone(file_key("report.pdf"), 16), home_zone(file_key("song.mp3"), 16)};
  EXPECT_EQ(frozen[0], 5u);
  EXPECT_EQ(frozen[1], 4u);
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
