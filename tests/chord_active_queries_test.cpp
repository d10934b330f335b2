// The Chord engine's table of searches in flight (sim/engine/chord/chord_active_queries.hpp).
#include "engine/chord/chord_active_queries.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace zonal::sim {
namespace {

TEST(ChordActiveQueries, FindsOpenSearchesAndForgetsClosedOnes) {
  ChordActiveQueries active(4);
  active.open(1, 10);
  active.open(2, 20);
  ASSERT_NE(active.find(1), nullptr);
  EXPECT_EQ(active.find(1)->origin(), 10u);
  EXPECT_EQ(active.find(2)->origin(), 20u);
  EXPECT_EQ(active.find(3), nullptr);
  EXPECT_EQ(active.find(5), nullptr);  // shares search 1's slot in a 4-slot array
  EXPECT_EQ(active.find(0), nullptr);
  EXPECT_EQ(active.size(), 2u);
  active.close(*active.find(1));
  EXPECT_EQ(active.find(1), nullptr);
  EXPECT_EQ(active.size(), 1u);
  active.open(5, 50);  // the freed slot is reused
  EXPECT_EQ(active.find(5)->origin(), 50u);
  EXPECT_EQ(active.find(1), nullptr);
}

TEST(ChordActiveQueries, GrowsWhenAnOlderSearchHoldsTheSlot) {
  ChordActiveQueries active(4);
  for (std::uint32_t ordinal = 1; ordinal <= 100; ++ordinal) active.open(ordinal, ordinal * 3);
  EXPECT_EQ(active.size(), 100u);
  for (std::uint32_t ordinal = 1; ordinal <= 100; ++ordinal) {
    ASSERT_NE(active.find(ordinal), nullptr) << ordinal;
    EXPECT_EQ(active.find(ordinal)->origin(), ordinal * 3);
  }
  EXPECT_EQ(active.find(101), nullptr);
}

TEST(ChordActiveQueries, SpillsSearchesThatOutliveTheLargestArray) {
  ChordActiveQueries active(4);
  const std::uint32_t slow = 7;
  active.open(slow, 1);
  active.find(slow)->sent(42);
  // Thousands of later searches come and go while `slow` runs; twice the largest array's span.
  const auto span = static_cast<std::uint32_t>(ChordActiveQueries::slots_max);
  for (std::uint32_t ordinal = slow + 1; ordinal <= slow + 2 * span + 5; ++ordinal) {
    active.open(ordinal, 2);
    active.close(*active.find(ordinal));
  }
  ASSERT_NE(active.find(slow), nullptr);
  EXPECT_EQ(active.find(slow)->origin(), 1u);
  EXPECT_EQ(active.find(slow)->distinct_contacted(), 1u);
  EXPECT_EQ(active.size(), 1u);
  EXPECT_EQ(active.ordinals_of(no_peer), std::vector<std::uint32_t>{slow});
  active.close(*active.find(slow));
  EXPECT_EQ(active.find(slow), nullptr);
  EXPECT_EQ(active.size(), 0u);
}

TEST(ChordActiveQueries, ListsOrdinalsByOrigin) {
  ChordActiveQueries active(2);
  active.open(3, 1);
  active.open(1, 2);
  active.open(2, 1);
  active.open(9, 1);
  EXPECT_EQ(active.ordinals_of(1), (std::vector<std::uint32_t>{2, 3, 9}));
  EXPECT_EQ(active.ordinals_of(2), std::vector<std::uint32_t>{1});
  EXPECT_EQ(active.ordinals_of(no_peer), (std::vector<std::uint32_t>{1, 2, 3, 9}));
  EXPECT_TRUE(active.ordinals_of(5).empty());
}

TEST(ChordActiveQueries, CountsMessagesAndDistinctContactsInlineAndBeyond) {
  ChordActiveQueries active;
  auto& few = active.open(1, 0);
  for (PeerId p : {5u, 3u, 0u, 5u, 9u, 3u, 0u}) few.sent(p);  // 0 is the origin: a message, not a contact
  EXPECT_EQ(few.messages(), 7u);
  EXPECT_EQ(few.distinct_contacted(), 3u);
  auto& many = active.open(2, 1000);
  for (PeerId p = 0; p < 100; ++p) many.sent(p % 40);  // 100 contacts, 40 distinct: most beyond the inline ones
  EXPECT_EQ(many.distinct_contacted(), 40u);
  EXPECT_EQ(many.messages(), 100u);
  active.close(many);
  auto& reused = active.open(2 + 1024, 0);  // same slot: starts with no contacts
  reused.sent(7);
  EXPECT_EQ(reused.distinct_contacted(), 1u);
  EXPECT_EQ(reused.messages(), 1u);
}

}  // namespace
}  // namespace zonal::sim
