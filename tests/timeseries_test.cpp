// Observers (output.timeseries_ms) in both engines: off by default, no effect on any other
// output, per-window counts that add up to the run's totals, and an online-peer series that
// follows the churn model.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>
#include <string>

#include "engine/engine.hpp"
#include "output/output_timeseries.hpp"
#include "scenario_text.hpp"
#include "zonal/strategy.hpp"

using namespace zonal;
using namespace zonal::sim;

namespace {

constexpr double window_ms = 2000.0;

/// 2000 peers in 4 zones, constant 10 ms latency, 400 zone-flood queries over about 40 s.
Scenario base_scenario() {
  Scenario sc;
  sc.name = "timeseries";
  sc.peers = 2000;
  sc.topology.degree = 6;
  sc.zones = ZonesSpec{4, 6, 4, ZonePlacement::random, 2, {}};
  sc.latency = LatencySpec{LatencyKind::constant, 10.0};
  sc.content = ContentSpec{300, 2, {}};
  sc.workload = WorkloadSpec{400, 10.0, 0.5, 0.1, 0.0, {}};
  sc.search = SearchSpec{Strategy::zone_flood, 7, 256, 1000.0};
  return sc;
}

/// Exponential sessions (mean 20 s online, 10 s offline), half of the departures graceful.
Scenario churn_scenario(Strategy strategy) {
  Scenario sc = base_scenario();
  sc.search.strategy = strategy;
  sc.faults.churn.model = ChurnModel::sessions;
  sc.faults.churn.lifetime = LifetimeKind::exponential;
  sc.faults.churn.session_mean_s = 20.0;
  sc.faults.churn.offline_mean_s = 10.0;
  sc.faults.churn.leave_fraction = 0.5;
  sc.output.timeseries_ms = window_ms;
  return sc;
}

template <class F>
std::uint64_t sum_windows(const RunResult& r, F field) {
  std::uint64_t total = 0;
  for (const TimeseriesWindow& w : r.timeseries.windows) total += field(w);
  return total;
}

std::uint64_t messages(const RunResult& r, MessageClass c) {
  return sum_windows(r, [c](const TimeseriesWindow& w) { return w.messages[static_cast<std::size_t>(c)]; });
}

/// Query counts per window add up to the run's queries, and every window's outcomes to its starts.
void expect_query_sums(const RunResult& r) {
  ASSERT_FALSE(r.timeseries.windows.empty());
  const auto answered = static_cast<std::uint64_t>(
      std::count_if(r.queries.begin(), r.queries.end(), [](const QueryRecord& q) { return q.hits > 0; }));
  std::uint64_t hops = 0, search = 0;
  for (const QueryRecord& q : r.queries) {
    search += q.messages;
    if (q.hits > 0) hops += static_cast<std::uint64_t>(q.first_hit_hops);
  }
  EXPECT_EQ(sum_windows(r, [](const auto& w) { return w.queries_started; }), r.queries.size());
  EXPECT_EQ(sum_windows(r, [](const auto& w) { return w.queries_answered; }), answered);
  EXPECT_EQ(sum_windows(r, [](const auto& w) { return w.queries_failed; }), r.queries.size() - answered);
  EXPECT_EQ(sum_windows(r, [](const auto& w) { return w.queries_skipped; }), r.faults.queries_skipped);
  EXPECT_EQ(sum_windows(r, [](const auto& w) { return w.hops_sum; }), hops);
  EXPECT_EQ(messages(r, MessageClass::search), search);
  for (const TimeseriesWindow& w : r.timeseries.windows) EXPECT_EQ(w.queries_answered + w.queries_failed, w.queries_started);
}

/// The last window's online count is the run's balance of departures and joins.
void expect_final_online(const RunResult& r) {
  const auto expected = static_cast<std::int64_t>(r.peers) - static_cast<std::int64_t>(r.faults.crashed + r.faults.left) +
                        static_cast<std::int64_t>(r.faults.joined);
  EXPECT_EQ(static_cast<std::int64_t>(r.timeseries.windows.back().peers_online), expected);
}

TEST(Timeseries, OffByDefaultInTheScenarioAndTheRun) {
  const ScenarioPlan plan = test::parse_text(R"({"name": "x", "peers": 50, "workload": {"queries": 5}})");
  EXPECT_EQ(plan.runs.at(0).scenario.output.timeseries_ms, 0.0);
  const RunResult r = run_simulation(plan.runs.at(0).scenario, 1);
  EXPECT_TRUE(r.timeseries.windows.empty());
  std::vector<std::vector<RunResult>> runs{{r}};
  EXPECT_FALSE(has_timeseries(runs));
}

TEST(Timeseries, ScenarioValidation) {
  const auto doc = [](std::string_view output) {
    return R"({"name": "x", "workload": {"queries": 1000, "rate_per_s": 100}, "search": {"timeout_ms": 1000},
               "output": )" + std::string(output) + "}";
  };
  EXPECT_EQ(test::parse_text(doc(R"({"timeseries_ms": 250})")).runs.at(0).scenario.output.timeseries_ms, 250.0);
  EXPECT_EQ(test::parse_text(doc(R"({"timeseries_ms": 0})")).runs.at(0).scenario.output.timeseries_ms, 0.0);
  EXPECT_EQ(test::error_of(doc(R"({"timeseries_ms": -1})")), "output.timeseries_ms: must be >= 0, got -1");
  EXPECT_EQ(test::error_of(doc(R"({"timeseries_ms": "1s"})")).rfind("output.timeseries_ms: ", 0), 0u);
  EXPECT_EQ(test::error_of(doc(R"({"timeseries": 10})")).rfind("output.timeseries: unknown key", 0), 0u);
  // 11 s of query phase in windows of 0.1 ms: 110,000 windows, more than the 100,000 allowed.
  EXPECT_EQ(test::error_of(doc(R"({"timeseries_ms": 0.1})")),
            "output.timeseries_ms: about 110000 windows over the expected 11000 ms query phase, at most 100000: "
            "use windows of at least 1 ms");
  // The sweep reaches it like any other parameter.
  const ScenarioPlan swept = test::parse_text(R"({"name": "x", "sweep": {"output.timeseries_ms": [0, 500]}})");
  EXPECT_EQ(swept.runs.at(1).scenario.output.timeseries_ms, 500.0);
}

TEST(Timeseries, DoesNotChangeTheRun) {
  for (const Strategy strategy : {Strategy::zone_flood, Strategy::chord}) {
    Scenario with = churn_scenario(strategy);
    with.faults.loss = 0.01;
    Scenario without = with;
    without.output.timeseries_ms = 0;
    const RunResult a = run_simulation(with, 11);
    const RunResult b = run_simulation(without, 11);
    EXPECT_FALSE(a.timeseries.windows.empty());
    EXPECT_TRUE(b.timeseries.windows.empty());
    EXPECT_EQ(a.events, b.events);
    EXPECT_EQ(a.lost_messages, b.lost_messages);
    EXPECT_EQ(a.registration_messages, b.registration_messages);
    EXPECT_EQ(a.maintenance_messages, b.maintenance_messages);
    ASSERT_EQ(a.queries.size(), b.queries.size());
    for (std::size_t i = 0; i < a.queries.size(); ++i) {
      EXPECT_EQ(a.queries[i].messages, b.queries[i].messages) << i;
      EXPECT_EQ(a.queries[i].first_hit_us, b.queries[i].first_hit_us) << i;
    }
  }
}

TEST(Timeseries, FloodFamilyCountsAddUpToTheRunTotals) {
  Scenario sc = churn_scenario(Strategy::zone_flood);
  sc.faults.loss = 0.01;
  const RunResult r = run_simulation(sc, 5);
  expect_query_sums(r);
  expect_final_online(r);
  const std::uint64_t hit_messages = std::accumulate(r.queries.begin(), r.queries.end(), std::uint64_t{0},
                                                     [](std::uint64_t s, const QueryRecord& q) { return s + q.hit_messages; });
  EXPECT_EQ(messages(r, MessageClass::hit), hit_messages);
  EXPECT_GT(hit_messages, 0u);
  // Lost, registration and publication traffic also happens before the query phase: the series
  // holds the query phase's share (rejoins register, zone changes republish).
  EXPECT_GT(messages(r, MessageClass::lost), 0u);
  EXPECT_LE(messages(r, MessageClass::lost), r.lost_messages);
  EXPECT_GT(messages(r, MessageClass::registration), 0u);
  EXPECT_LT(messages(r, MessageClass::registration), r.registration_messages);
  EXPECT_LE(messages(r, MessageClass::publish), r.publish_messages);
  EXPECT_EQ(messages(r, MessageClass::maintenance), 0u);
}

TEST(Timeseries, ChordCountsAddUpToTheRunTotals) {
  Scenario sc = churn_scenario(Strategy::chord);
  sc.chord.stabilize_ms = 1000;
  sc.chord.fix_fingers_ms = 1000;
  sc.chord.check_predecessor_ms = 1000;
  const RunResult r = run_simulation(sc, 5);
  expect_query_sums(r);
  expect_final_online(r);
  EXPECT_EQ(messages(r, MessageClass::maintenance), r.maintenance_messages);  // counted in the query phase only
  EXPECT_GT(r.maintenance_messages, 0u);
  EXPECT_GT(messages(r, MessageClass::registration), 0u);  // rejoins register again
  EXPECT_EQ(messages(r, MessageClass::hit), 0u);            // Chord answers inside its lookups
}

// Every peer starts online with a fresh exponential session; the two-state chain's online
// probability at time t is pi + (1 - pi) exp(-(1/S + 1/O) t) with pi = S / (S + O).
TEST(Timeseries, OnlinePeersFollowTheChurnModel) {
  for (const Strategy strategy : {Strategy::zone_flood, Strategy::chord}) {
    const Scenario sc = churn_scenario(strategy);
    const RunResult r = run_simulation(sc, 21);
    const auto& windows = r.timeseries.windows;
    ASSERT_GE(windows.size(), 20u) << strategy_name(strategy);
    const double session_s = sc.faults.churn.session_mean_s, offline_s = sc.faults.churn.offline_mean_s;
    const double pi = session_s / (session_s + offline_s);
    const double n = sc.peers;
    for (std::size_t i = 0; i + 1 < windows.size(); ++i) {  // the last window ends after the run
      const double t_s = window_ms * static_cast<double>(i + 1) / 1000.0;
      const double p = pi + (1 - pi) * std::exp(-(1 / session_s + 1 / offline_s) * t_s);
      const double sigma = std::sqrt(n * p * (1 - p));
      EXPECT_NEAR(windows[i].peers_online, n * p, 5 * sigma + 1) << strategy_name(strategy) << " window " << i;
    }
    // Well past the transient (1/0.15 s), the series sits at the stationary share.
    EXPECT_NEAR(windows[windows.size() - 2].peers_online / n, pi, 0.05);
  }
}

TEST(Timeseries, CsvHasOneRowPerWindowAndEmptyRatesWithoutQueries) {
  Scenario sc = base_scenario();
  sc.peers = 300;
  sc.workload.queries = 20;
  sc.workload.start_ms = 5000;  // the first windows start no query
  sc.output.timeseries_ms = 1000;
  RunResult r = run_simulation(sc, 3);
  r.label = "a,b";
  std::ostringstream out;
  write_timeseries_header(out);
  write_timeseries_rows(out, r);
  std::istringstream lines(out.str());
  std::string line;
  std::getline(lines, line);
  EXPECT_EQ(line,
            "run,replication,window,start_ms,end_ms,peers_online,queries_started,queries_answered,queries_failed,"
            "queries_skipped,success_rate,hops_mean,messages_search,messages_hit,messages_publish,"
            "messages_registration,messages_maintenance,messages_lost");
  std::getline(lines, line);
  EXPECT_EQ(line, "\"a,b\",0,0,0.000,1000.000,300,0,0,0,0,,,0,0,0,0,0,0");
  std::size_t rows = 1;
  while (std::getline(lines, line)) ++rows;
  EXPECT_EQ(rows, r.timeseries.windows.size());
}

}  // namespace
