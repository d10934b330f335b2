// CSV cells written without streams (output/csv_text.hpp) are the text a stream writes.
#include <gtest/gtest.h>

#include <cstdint>
#include <iomanip>
#include <limits>
#include <sstream>

#include "output/csv_text.hpp"

namespace zonal::sim {
namespace {

std::string stream_fixed(double v, int digits) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(digits) << v;
  return s.str();
}

TEST(CsvText, FixedIsWhatAFixedStreamWrites) {
  // Millisecond times of microsecond clocks, exact ties, negative zero, large and tiny values.
  for (const double v : {0.0, -0.0, 0.0005, 0.0625, 0.125, 2.5, 1234.5675, 1e15 / 1000.0, 4294967295.999,
                         -17.0625, 1e-300, 123456789012345.678, std::numeric_limits<double>::max()}) {
    for (int digits : {0, 1, 3, 6}) EXPECT_EQ(fixed(v, digits), stream_fixed(v, digits)) << v << " " << digits;
  }
  std::uint64_t x = 88172645463325252ull;  // xorshift: a million microsecond times as /1000.0 with 3 decimals
  for (int i = 0; i < 1'000'000; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    const double ms = static_cast<double>(x % 10'000'000'000'000ull) / 1000.0;
    ASSERT_EQ(fixed(ms, 3), stream_fixed(ms, 3)) << ms;
  }
}

TEST(CsvText, IntegersAreTheirDecimalText) {
  std::string s;
  append_int(s, std::uint32_t{4294967295u});
  s += ',';
  append_int(s, std::int32_t{-1});
  s += ',';
  append_int(s, std::uint64_t{18446744073709551615ull});
  EXPECT_EQ(s, "4294967295,-1,18446744073709551615");
}

}  // namespace
}  // namespace zonal::sim
