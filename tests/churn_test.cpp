// Churn schedules and mass-failure victims: order, determinism, per-peer alternation, means and rates.
#include "model/churn.hpp"

#include <gtest/gtest.h>

#include "engine/liveness.hpp"
#include "model/workload.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <vector>

namespace zonal::sim {
namespace {

constexpr TimeUs second_us = 1'000'000;

ChurnSpec sessions(LifetimeKind lifetime, double session_s, double offline_s, double shape = 2.0) {
  ChurnSpec c;
  c.model = ChurnModel::sessions;
  c.lifetime = lifetime;
  c.session_mean_s = session_s;
  c.offline_mean_s = offline_s;
  c.shape = shape;
  return c;
}

ChurnSpec poisson(double rate_per_s) {
  ChurnSpec c;
  c.model = ChurnModel::poisson;
  c.rate_per_s = rate_per_s;
  return c;
}

bool sorted_by_time(const std::vector<ChurnEvent>& s) {
  return std::is_sorted(s.begin(), s.end(), [](const ChurnEvent& a, const ChurnEvent& b) { return a.at_us < b.at_us; });
}

/// Every peer's events alternate departure, join, departure, ... starting online.
void expect_alternation(const std::vector<ChurnEvent>& s, std::uint32_t peers) {
  std::vector<bool> online(peers, true);
  for (const ChurnEvent& e : s) {
    ASSERT_LT(e.peer, peers);
    if (e.kind == ChurnKind::join) {
      EXPECT_FALSE(online[e.peer]) << "peer " << e.peer << " joined while online at " << e.at_us;
      online[e.peer] = true;
    } else {
      EXPECT_TRUE(online[e.peer]) << "peer " << e.peer << " departed while offline at " << e.at_us;
      online[e.peer] = false;
    }
  }
}

/// Mean length of the completed sessions (join or start .. departure) in seconds.
double mean_session_s(const std::vector<ChurnEvent>& s, std::uint32_t peers, TimeUs start_us) {
  std::vector<TimeUs> since(peers, start_us);
  double total = 0;
  std::size_t count = 0;
  for (const ChurnEvent& e : s) {
    if (e.kind == ChurnKind::join) {
      since[e.peer] = e.at_us;
    } else {
      total += static_cast<double>(e.at_us - since[e.peer]) / second_us;
      ++count;
    }
  }
  return count == 0 ? 0.0 : total / static_cast<double>(count);
}

TEST(ChurnSchedule, NoneAndEmptyWindowsAreEmpty) {
  EXPECT_TRUE(make_churn_schedule(ChurnSpec{}, 100, 0, 1000 * second_us, 1).empty());
  EXPECT_TRUE(make_churn_schedule(sessions(LifetimeKind::exponential, 1, 1), 100, 5, 5, 1).empty());
  EXPECT_TRUE(make_churn_schedule(poisson(10), 0, 0, 100 * second_us, 1).empty());
}

TEST(ChurnSchedule, SessionsSortedDeterministicAlternatingWithinWindow) {
  const auto spec = sessions(LifetimeKind::weibull, 20, 10, 0.7);
  const TimeUs start = 3 * second_us;
  const TimeUs end = 400 * second_us;
  const auto a = make_churn_schedule(spec, 300, start, end, 42);
  const auto b = make_churn_schedule(spec, 300, start, end, 42);
  const auto c = make_churn_schedule(spec, 300, start, end, 43);
  ASSERT_GT(a.size(), 1000u);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_TRUE(sorted_by_time(a));
  EXPECT_TRUE(std::all_of(a.begin(), a.end(), [&](const ChurnEvent& e) { return e.at_us >= start && e.at_us < end; }));
  expect_alternation(a, 300);
}

TEST(ChurnSchedule, SessionMeansMatchEachLifetimeFamily) {
  // Sessions much shorter than the window, so truncation at end_us hardly biases the mean.
  const TimeUs end = 20'000 * second_us;
  for (const auto& [kind, shape] : std::vector<std::pair<LifetimeKind, double>>{{LifetimeKind::exponential, 2.0},
                                                                                {LifetimeKind::weibull, 0.8},
                                                                                {LifetimeKind::weibull, 3.0},
                                                                                {LifetimeKind::pareto, 3.0}}) {
    const auto s = make_churn_schedule(sessions(kind, 10, 5, shape), 200, 0, end, 7);
    expect_alternation(s, 200);
    const double mean = mean_session_s(s, 200, 0);
    EXPECT_NEAR(mean, 10.0, 0.3) << "lifetime " << static_cast<int>(kind) << " shape " << shape;
    // Offline 5 s of every 15 s cycle: about 1 / 1.5 cycles per 10 s, two events each.
    const double expected_events = 200.0 * 20'000.0 / 15.0 * 2.0;
    EXPECT_NEAR(static_cast<double>(s.size()) / expected_events, 1.0, 0.03);
  }
}

TEST(ChurnSchedule, LeaveFractionSplitsDepartures) {
  auto spec = sessions(LifetimeKind::exponential, 10, 10);
  spec.leave_fraction = 0.25;
  const auto s = make_churn_schedule(spec, 200, 0, 5000 * second_us, 3);
  double leaves = 0, departures = 0;
  for (const ChurnEvent& e : s) {
    if (e.kind == ChurnKind::join) continue;
    ++departures;
    leaves += e.kind == ChurnKind::leave;
  }
  ASSERT_GT(departures, 10'000);
  EXPECT_NEAR(leaves / departures, 0.25, 0.02);
  spec.leave_fraction = 0.0;
  const auto crashes = make_churn_schedule(spec, 50, 0, 1000 * second_us, 3);
  EXPECT_TRUE(
      std::none_of(crashes.begin(), crashes.end(), [](const ChurnEvent& e) { return e.kind == ChurnKind::leave; }));
}

TEST(ChurnSchedule, PoissonRatesAndAlternation) {
  const double rate = 2.0;
  const double window_s = 5000;
  const auto s = make_churn_schedule(poisson(rate), 1000, 0, static_cast<TimeUs>(window_s) * second_us, 11);
  EXPECT_TRUE(sorted_by_time(s));
  expect_alternation(s, 1000);
  double failures = 0, joins = 0;
  for (const ChurnEvent& e : s) (e.kind == ChurnKind::join ? joins : failures) += 1;
  // 10,000 expected each; a Poisson count has sd 100. Joins can be no-ops only when nobody is
  // offline, which is rare here after the first few seconds.
  EXPECT_NEAR(failures, rate * window_s, 400);
  EXPECT_NEAR(joins, rate * window_s, 400);
  EXPECT_EQ(s, make_churn_schedule(poisson(rate), 1000, 0, static_cast<TimeUs>(window_s) * second_us, 11));
}

TEST(ChurnSchedule, PoissonJoinsNeedAnOfflinePeerAndFailuresALiveOne) {
  // Two peers and a high rate: the live/offline counts stay within [0, 2] by construction.
  const auto s = make_churn_schedule(poisson(50), 2, 0, 100 * second_us, 5);
  ASSERT_GT(s.size(), 100u);
  expect_alternation(s, 2);
  int live = 2;
  for (const ChurnEvent& e : s) {
    live += e.kind == ChurnKind::join ? 1 : -1;
    EXPECT_GE(live, 0);
    EXPECT_LE(live, 2);
  }
}

TEST(MassFailure, FractionDrawsDistinctLivePeers) {
  std::vector<PeerId> live;
  for (PeerId p = 0; p < 1000; p += 2) live.push_back(p);  // 500 live peers
  MassFailure f;
  f.fraction = 0.3;
  const auto zone_of = [](PeerId p) { return p % 4; };
  const auto v = mass_failure_victims(f, live, zone_of, 9);
  EXPECT_EQ(v.size(), 150u);
  EXPECT_TRUE(std::is_sorted(v.begin(), v.end()));
  EXPECT_EQ(std::set<PeerId>(v.begin(), v.end()).size(), v.size());
  for (const PeerId p : v) EXPECT_TRUE(std::binary_search(live.begin(), live.end(), p));
  EXPECT_EQ(v, mass_failure_victims(f, live, zone_of, 9));
  EXPECT_NE(v, mass_failure_victims(f, live, zone_of, 10));
  f.fraction = 1.0;
  EXPECT_EQ(mass_failure_victims(f, live, zone_of, 9), live);
  f.fraction = 0.001;  // 0.5 of 500 live peers: std::round rounds halves away from zero
  EXPECT_EQ(mass_failure_victims(f, live, zone_of, 9).size(), 1u);
}

TEST(MassFailure, ZoneTakesExactlyItsLiveMembers) {
  const std::vector<PeerId> live{1, 2, 3, 5, 8, 13, 21, 34};
  MassFailure f;
  f.zone = 1;
  const auto zone_of = [](PeerId p) { return p % 2 == 0 ? ZoneId{0} : ZoneId{1}; };
  EXPECT_EQ(mass_failure_victims(f, live, zone_of, 1), (std::vector<PeerId>{1, 3, 5, 13, 21}));
  f.zone = 7;
  EXPECT_TRUE(mass_failure_victims(f, live, zone_of, 1).empty());
}

TEST(LastArrival, MatchesTheStreamItCopies) {
  WorkloadSpec w;
  w.queries = 500;
  w.rate_per_s = 40;
  w.missing_fraction = 0.2;
  const Content content = place_content(ContentSpec{100, 2, {}}, 50, 3);
  QueryStream stream(w, content, 50, 77);
  const TimeUs predicted = last_arrival_us(stream, w.queries);  // copies: `stream` is untouched
  TimeUs at = 0;
  for (std::uint32_t i = 0; i < w.queries; ++i) {
    at += stream.next_gap_us();
    stream.next();
  }
  EXPECT_EQ(predicted, at);
  EXPECT_NEAR(static_cast<double>(at) / second_us, 500 / 40.0, 2.0);
}

}  // namespace
}  // namespace zonal::sim
