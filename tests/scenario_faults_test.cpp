// The faults section of scenario files: churn, mass failures, partitions; one test per kind of bad input.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "scenario/scenario.hpp"
#include "scenario_text.hpp"

namespace zonal::sim {
namespace {


/// A document with 4 zones whose faults section is `faults`.
std::string doc(std::string_view faults) {
  return R"({"name": "x", "zones": {"count": 4}, "faults": )" + std::string(faults) + "}";
}

Scenario parse_run(std::string_view faults) { return test::parse_text(doc(faults)).runs.at(0).scenario; }

/// what() of the ScenarioError for a document whose faults section is `faults` ("" if it parses).
std::string error_of(std::string_view faults) { return test::error_of(doc(faults)); }

TEST(ScenarioFaults, DefaultsAreNoFaults) {
  const Scenario s = parse_run("{}");
  const FaultSpec d;
  EXPECT_EQ(s.faults.churn.model, ChurnModel::none);
  EXPECT_EQ(s.faults.churn.lifetime, d.churn.lifetime);
  EXPECT_DOUBLE_EQ(s.faults.churn.session_mean_s, d.churn.session_mean_s);
  EXPECT_DOUBLE_EQ(s.faults.churn.leave_fraction, 0.0);
  EXPECT_TRUE(s.faults.failures.empty());
  EXPECT_TRUE(s.faults.partitions.empty());
}

TEST(ScenarioFaults, EveryValueParses) {
  const Scenario s = parse_run(R"({"loss": 0.01,
      "churn": {"model": "sessions", "lifetime": "pareto", "session_mean_s": 600, "offline_mean_s": 120,
                "shape": 1.5, "leave_fraction": 0.3},
      "failures": [{"at_ms": 1000, "fraction": 0.5}, {"at_ms": 2000, "zone": 3}],
      "partitions": [{"from_ms": 500, "until_ms": 1500, "zones": [0, 2]}, {"until_ms": 10, "zones": [1]}]})");
  const FaultSpec& f = s.faults;
  EXPECT_DOUBLE_EQ(f.loss, 0.01);
  EXPECT_EQ(f.churn.model, ChurnModel::sessions);
  EXPECT_EQ(f.churn.lifetime, LifetimeKind::pareto);
  EXPECT_DOUBLE_EQ(f.churn.session_mean_s, 600);
  EXPECT_DOUBLE_EQ(f.churn.offline_mean_s, 120);
  EXPECT_DOUBLE_EQ(f.churn.shape, 1.5);
  EXPECT_DOUBLE_EQ(f.churn.leave_fraction, 0.3);
  ASSERT_EQ(f.failures.size(), 2u);
  EXPECT_DOUBLE_EQ(f.failures[0].at_ms, 1000);
  EXPECT_DOUBLE_EQ(f.failures[0].fraction, 0.5);
  EXPECT_FALSE(f.failures[0].zone.has_value());
  EXPECT_EQ(f.failures[1].zone, ZoneId{3});
  ASSERT_EQ(f.partitions.size(), 2u);
  EXPECT_DOUBLE_EQ(f.partitions[0].from_ms, 500);
  EXPECT_DOUBLE_EQ(f.partitions[0].until_ms, 1500);
  EXPECT_EQ(f.partitions[0].zones, (std::vector<ZoneId>{0, 2}));
  EXPECT_DOUBLE_EQ(f.partitions[1].from_ms, 0);
  const Scenario p = parse_run(R"({"churn": {"model": "poisson", "rate_per_s": 3.5}})");
  EXPECT_EQ(p.faults.churn.model, ChurnModel::poisson);
  EXPECT_DOUBLE_EQ(p.faults.churn.rate_per_s, 3.5);
}

TEST(ScenarioFaults, UnknownKeys) {
  EXPECT_EQ(error_of(R"({"crash": 1})"), "faults.crash: unknown key");
  EXPECT_EQ(error_of(R"({"churn": {"mode": "sessions"}})"), "faults.churn.mode: unknown key");
  EXPECT_EQ(error_of(R"({"churn": {"session_mean_s": 5}})"),
            R"(faults.churn.session_mean_s: unknown key for model "none")");
  EXPECT_EQ(error_of(R"({"churn": {"model": "poisson", "lifetime": "weibull"}})"),
            R"(faults.churn.lifetime: unknown key for model "poisson")");
  EXPECT_EQ(error_of(R"({"churn": {"model": "sessions", "shape": 2}})"),
            R"(faults.churn.shape: unknown key for model "sessions" and lifetime "exponential")");
  EXPECT_EQ(error_of(R"({"failures": [{"at_ms": 1, "fraction": 0.1, "zones": [1]}]})"),
            "faults.failures[0].zones: unknown key");
  EXPECT_EQ(error_of(R"({"partitions": [{"until_ms": 1, "zones": [1], "zone": 1}]})"),
            "faults.partitions[0].zone: unknown key");
}

TEST(ScenarioFaults, UnknownEnumValues) {
  EXPECT_EQ(error_of(R"({"churn": {"model": "random"}})"),
            R"(faults.churn.model: unknown value "random" (expected one of: none, sessions, poisson))");
  EXPECT_EQ(error_of(R"({"churn": {"model": "sessions", "lifetime": "gamma"}})"),
            R"(faults.churn.lifetime: unknown value "gamma" (expected one of: exponential, weibull, pareto))");
}

TEST(ScenarioFaults, ChurnOutOfRange) {
  EXPECT_EQ(error_of(R"({"churn": {"model": "sessions", "lifetime": "pareto", "shape": 0.5}})"),
            "faults.churn.shape: must be > 1 for pareto (the mean must exist), got 0.5");
  EXPECT_EQ(error_of(R"({"churn": {"model": "sessions", "lifetime": "weibull", "shape": 0}})"),
            "faults.churn.shape: must be > 0, got 0");
  EXPECT_EQ(error_of(R"({"churn": {"model": "sessions", "session_mean_s": 0}})"),
            "faults.churn.session_mean_s: must be > 0, got 0");
  EXPECT_EQ(error_of(R"({"churn": {"model": "sessions", "offline_mean_s": 1e9}})"),
            "faults.churn.offline_mean_s: must be <= 31536000, got 1000000000");
  EXPECT_EQ(error_of(R"({"churn": {"model": "poisson", "rate_per_s": -1}})"),
            "faults.churn.rate_per_s: must be > 0, got -1");
  EXPECT_EQ(error_of(R"({"churn": {"model": "poisson", "leave_fraction": 1.5}})"),
            "faults.churn.leave_fraction: must be in [0, 1], got 1.5");
}

TEST(ScenarioFaults, WrongTypes) {
  EXPECT_EQ(error_of(R"({"churn": "sessions"})"), "faults.churn: expected an object, got string");
  EXPECT_EQ(error_of(R"({"failures": {"fraction": 0.5}})"), "faults.failures: expected an array, got object");
  EXPECT_EQ(error_of(R"({"failures": [0.5]})"), "faults.failures[0]: expected an object, got number");
  EXPECT_EQ(error_of(R"({"partitions": [{"until_ms": 5, "zones": 1}]})"),
            "faults.partitions[0].zones: expected an array, got number");
  EXPECT_EQ(error_of(R"({"failures": [{"zone": "a"}]})"), "faults.failures[0].zone: expected an integer, got string");
  EXPECT_EQ(error_of(R"({"failures": [{"zone": 1.5}]})"), "faults.failures[0].zone: expected an integer, got 1.5");
}

TEST(ScenarioFaults, FailureNeedsExactlyOneTarget) {
  EXPECT_EQ(error_of(R"({"failures": [{"at_ms": 5}]})"),
            "faults.failures[0]: exactly one of fraction and zone is required");
  EXPECT_EQ(error_of(R"({"failures": [{"fraction": 0.1, "zone": 1}]})"),
            "faults.failures[0]: exactly one of fraction and zone is required");
}

TEST(ScenarioFaults, FailureOutOfRange) {
  EXPECT_EQ(error_of(R"({"failures": [{"fraction": 0.5}, {"fraction": 2}]})"),
            "faults.failures[1].fraction: must be in (0, 1], got 2");
  EXPECT_EQ(error_of(R"({"failures": [{"fraction": 0}]})"), "faults.failures[0].fraction: must be in (0, 1], got 0");
  EXPECT_EQ(error_of(R"({"failures": [{"at_ms": -1, "fraction": 0.5}]})"),
            "faults.failures[0].at_ms: must be >= 0, got -1");
  EXPECT_EQ(error_of(R"({"failures": [{"at_ms": 1e12, "fraction": 0.5}]})"),
            "faults.failures[0].at_ms: must be <= 86400000, got 1000000000000");
}

TEST(ScenarioFaults, ZonesOutOfRangeOfZonesCount) {
  EXPECT_EQ(error_of(R"({"failures": [{"zone": 4}]})"), "faults.failures[0].zone: must be between 0 and zones.count - 1 (3), got 4");
  EXPECT_EQ(error_of(R"({"failures": [{"zone": -1}]})"), "faults.failures[0].zone: must be between 0 and zones.count - 1 (3), got -1");
  EXPECT_EQ(error_of(R"({"partitions": [{"until_ms": 5, "zones": [0, 9]}]})"),
            "faults.partitions[0].zones[1]: must be between 0 and zones.count - 1 (3), got 9");
}

TEST(ScenarioFaults, PartitionShape) {
  EXPECT_EQ(error_of(R"({"partitions": [{"from_ms": 100, "until_ms": 50, "zones": [1]}]})"),
            "faults.partitions[0].until_ms: must be >= from_ms (100), got 50");
  EXPECT_EQ(error_of(R"({"partitions": [{"zones": [1]}]})"), "faults.partitions[0].until_ms: is required");
  EXPECT_EQ(error_of(R"({"partitions": [{"until_ms": 5}]})"), "faults.partitions[0].zones: is required");
  EXPECT_EQ(error_of(R"({"partitions": [{"until_ms": 5, "zones": []}]})"),
            "faults.partitions[0].zones: must not be empty");
  EXPECT_EQ(error_of(R"({"partitions": [{"until_ms": 5, "zones": [1, 1]}]})"),
            "faults.partitions[0].zones[1]: zone 1 listed twice");
  EXPECT_EQ(error_of(R"({"partitions": [{"until_ms": 5, "zones": [0, 1, 2, 3]}]})"),
            "faults.partitions[0].zones: must leave at least one of zones.count (4) zones outside");
}

TEST(ScenarioFaults, HeartbeatAndExpiry) {
  const Scenario s = parse_run(R"({"heartbeat_ms": 500, "expiry_ms": 1500})");
  EXPECT_DOUBLE_EQ(s.faults.heartbeat_ms, 500);
  EXPECT_DOUBLE_EQ(s.faults.expiry_ms, 1500);
  EXPECT_DOUBLE_EQ(parse_run("{}").faults.expiry_ms, 10000);
  EXPECT_EQ(error_of(R"({"heartbeat_ms": 0})"), "faults.heartbeat_ms: must be >= 1, got 0");
  EXPECT_EQ(error_of(R"({"expiry_ms": 1000})"), "faults.expiry_ms: must be >= faults.heartbeat_ms (2000), got 1000");
  EXPECT_EQ(error_of(R"({"heartbeat_ms": "fast"})"), "faults.heartbeat_ms: expected a number, got string");
}

TEST(ScenarioFaults, ChurnScheduleSizeIsCapped) {
  // 1000 peers, 1000 queries at 100/s plus the 10 s timeout: a 20 s phase; 0.0002 s cycles.
  EXPECT_EQ(error_of(R"({"churn": {"model": "sessions", "session_mean_s": 0.0001, "offline_mean_s": 0.0001}})"),
            "faults.churn: about 200001000 churn events expected over the 20 s query phase, at most 10000000");
  EXPECT_EQ(error_of(R"({"churn": {"model": "poisson", "rate_per_s": 1000000}})"),
            "faults.churn: about 40000000 churn events expected over the 20 s query phase, at most 10000000");
  EXPECT_EQ(error_of(R"({"churn": {"model": "poisson", "rate_per_s": 200000}})"), "");  // 8 million
}

TEST(ScenarioFaults, SweepOverChurnIsValidatedPerPoint) {
  const std::string text = R"({"name": "x", "sweep": {"faults.churn": [{"model": "poisson", "rate_per_s": 1},
                                                                       {"model": "poisson", "rate_per_s": 0}]}})";
  try {
    parse_scenario(nlohmann::json::parse(text), ".");
    FAIL() << "expected an error";
  } catch (const ScenarioError& e) {
    EXPECT_STREQ(e.what(), "sweep.faults.churn[1].rate_per_s: must be > 0, got 0");
  }
}

}  // namespace
}  // namespace zonal::sim
