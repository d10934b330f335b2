// The simulator's link model (sim/engine/core/network.hpp): its inline rounding of drawn delays
// is us_from_ms() bit for bit, and its draws are the documented ones (boost's mt19937_64 and
// uniform_01, loss drawn before the delay), so results do not change with its implementation.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include <boost/random/mersenne_twister.hpp>
#include <boost/random/uniform_01.hpp>

#include "engine/core/network.hpp"
#include "zonal/time.hpp"

using namespace zonal;
using namespace zonal::sim;

namespace {

TEST(SimNetwork, DelayRoundingIsUsFromMsOnHalves) {
  // m / 16 ms with m odd is exactly 62.5 m us: every value a tie, rounded away from zero.
  for (int m = -4001; m <= 4001; m += 2) {
    const double ms = m / 16.0;
    ASSERT_EQ(delay_us_from_ms(ms), us_from_ms(ms)) << ms;
  }
  EXPECT_EQ(delay_us_from_ms(1.0 / 16), 63);
  EXPECT_EQ(delay_us_from_ms(-1.0 / 16), -63);
}

TEST(SimNetwork, DelayRoundingIsUsFromMsEverywhere) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> small(-200.0, 200.0);
  std::uniform_real_distribution<double> large(-1e13, 1e13);  // past 2^52 us: the library's branch
  for (int i = 0; i < 200000; ++i) {
    const double a = small(rng);
    ASSERT_EQ(delay_us_from_ms(a), us_from_ms(a)) << a;
    const double b = large(rng);
    ASSERT_EQ(delay_us_from_ms(b), us_from_ms(b)) << b;
    const double c = std::nextafter(std::round(a * 1000.0) + 0.5, 0.0) / 1000.0;  // near ties
    ASSERT_EQ(delay_us_from_ms(c), us_from_ms(c)) << c;
  }
  for (const double ms : {0.0, -0.0, 0.0004999999999999999, 0.0005, 4503599627370.4955, 4503599627370.496, 9e15, -9e15})
    EXPECT_EQ(delay_us_from_ms(ms), us_from_ms(ms)) << ms;
}

/// The draws a uniform-latency network must make: loss (when lossy), then the delay.
void expect_reference_draws(double loss) {
  LatencySpec latency;
  latency.kind = LatencyKind::uniform;
  latency.min_ms = 0.5;
  latency.max_ms = 100.5;
  FaultSpec faults;
  faults.loss = loss;
  Network network(latency, faults, 31);
  boost::random::mt19937_64 engine(31);
  boost::random::uniform_01<double> unit;
  std::size_t lost = 0;
  for (int i = 0; i < 100000; ++i) {
    const auto got = network.transit_us();
    if (loss > 0.0 && unit(engine) < loss) {
      ASSERT_FALSE(got.has_value()) << i;
      ++lost;
      continue;
    }
    ASSERT_TRUE(got.has_value()) << i;
    ASSERT_EQ(*got, us_from_ms(latency.min_ms + (latency.max_ms - latency.min_ms) * unit(engine))) << i;
  }
  if (loss > 0.0) {
    EXPECT_NEAR(static_cast<double>(lost) / 100000, loss, 0.01);
  }
}

TEST(SimNetwork, UniformDelaysAreTheReferenceDraws) { expect_reference_draws(0.0); }

TEST(SimNetwork, LossyUniformDelaysAreTheReferenceDraws) { expect_reference_draws(0.1); }

}  // namespace
