// ZONAL_ASSERT (proto/core/zonal/assert.hpp): on in test builds; a failed check names the file,
// the line, the condition and the message, and aborts.
#include <gtest/gtest.h>

#include <string>

#include "zonal/assert.hpp"

namespace {

int checked_half(int even) {
  ZONAL_ASSERT(even % 2 == 0, "checked_half needs an even number, got " + std::to_string(even));
  return even / 2;
}

TEST(Assert, OnInTests) { EXPECT_TRUE(zonal::assertions_enabled); }

TEST(Assert, PassingCheckReturnsNormally) { EXPECT_EQ(checked_half(8), 4); }

TEST(AssertDeathTest, FailingCheckPrintsWhereAndWhyThenAborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(checked_half(7), "assert_test\\.cpp:[0-9]+: assertion `even % 2 == 0` failed: checked_half needs an "
                                "even number, got 7");
}

TEST(Assert, MessageIsNotEvaluatedWhenTheCheckHolds) {
  int evaluated = 0;
  auto message = [&] {
    ++evaluated;
    return std::string("unused");
  };
  ZONAL_ASSERT(1 + 1 == 2, message());
  EXPECT_EQ(evaluated, 0);
}

}  // namespace
