// Scenario files: parsing, defaults, sweep expansion and one test per kind of rejected input.
#include "scenario/scenario.hpp"

#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <string_view>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engine/engine.hpp"
#include "scenario/scenario_detail.hpp"
#include "scenario_text.hpp"
#include "model/topology.hpp"
#include "zonal/hash.hpp"

namespace zonal::sim {
namespace {

namespace fs = std::filesystem;
using test::error_of;
using test::parse_text;
using ::testing::HasSubstr;
using ::testing::StartsWith;

const fs::path source_dir{ZONAL_SOURCE_DIR};

/// Parse JSON text as a scenario (relative files resolve against the repo's scenarios/ folder).
/// Write `text` to a fresh file in the test temp directory and return its path.
fs::path write_temp(const std::string& name, std::string_view text) {
  const fs::path dir = fs::path(::testing::TempDir()) / "zonal_scenario_test";
  fs::create_directories(dir);
  const fs::path file = dir / name;
  std::ofstream(file, std::ios::binary) << text;
  return file;
}

/// what() of the ScenarioError that load_scenario(file) throws ("" if it loads).
std::string load_error_of(const fs::path& file) {
  try {
    load_scenario(file);
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "";
}

TEST(Scenario, FullDocumentParsesEveryValue) {
  const auto plan = parse_text(R"({
    "name": "full", "seed": 18446744073709551615, "peers": 2000,
    "topology": {"kind": "watts-strogatz", "degree": 6, "rewire": 0.25},
    "zones": {"count": 16, "min_size": 5, "degree": 3, "placement": "rendezvous", "publish_replicas": 3},
    "latency": {"kind": "lognormal", "mean_ms": 40, "sigma": 0.75},
    "faults": {"loss": 0.05},
    "content": {"files": 500, "replicas": 4},
    "workload": {"queries": 300, "rate_per_s": 20.5, "zipf_alpha": 1.1, "missing_fraction": 0.2},
    "search": {"strategy": "flood", "ttl": 5, "seen_capacity": 128, "timeout_ms": 2500},
    "replications": 3
  })");
  EXPECT_EQ(plan.name, "full");
  EXPECT_EQ(plan.seed, 18446744073709551615ull);
  EXPECT_EQ(plan.replications, 3u);
  ASSERT_EQ(plan.runs.size(), 1u);
  EXPECT_EQ(plan.runs[0].label, "base");
  const Scenario& s = plan.runs[0].scenario;
  EXPECT_EQ(s.name, "full");
  EXPECT_EQ(s.seed, 18446744073709551615ull);
  EXPECT_EQ(s.peers, 2000u);
  EXPECT_EQ(s.topology.kind, TopologyKind::watts_strogatz);
  EXPECT_EQ(s.topology.degree, 6u);
  EXPECT_DOUBLE_EQ(s.topology.rewire, 0.25);
  EXPECT_EQ(s.zones.count, 16u);
  EXPECT_EQ(s.zones.min_size, 5u);
  EXPECT_EQ(s.zones.degree, 3u);
  EXPECT_EQ(s.zones.placement, ZonePlacement::rendezvous);
  EXPECT_EQ(s.zones.publish_replicas, 3u);
  EXPECT_EQ(s.latency.kind, LatencyKind::lognormal);
  EXPECT_DOUBLE_EQ(s.latency.mean_ms, 40.0);
  EXPECT_DOUBLE_EQ(s.latency.sigma, 0.75);
  EXPECT_DOUBLE_EQ(s.faults.loss, 0.05);
  EXPECT_EQ(s.content.files, 500u);
  EXPECT_EQ(s.content.replicas, 4u);
  EXPECT_EQ(s.workload.queries, 300u);
  EXPECT_DOUBLE_EQ(s.workload.rate_per_s, 20.5);
  EXPECT_DOUBLE_EQ(s.workload.zipf_alpha, 1.1);
  EXPECT_DOUBLE_EQ(s.workload.missing_fraction, 0.2);
  EXPECT_EQ(s.search.strategy, Strategy::flood);
  EXPECT_EQ(s.search.params.ttl_hops, 5);
  EXPECT_EQ(s.search.seen_capacity, 128u);
  EXPECT_DOUBLE_EQ(s.search.timeout_ms, 2500.0);
}

TEST(Scenario, OtherKindsParse) {
  const auto uniform = parse_text(R"({"name": "u", "latency": {"kind": "uniform", "min_ms": 5, "max_ms": 5},
                                      "topology": {"kind": "erdos-renyi", "degree_mean": 3.5}})");
  EXPECT_EQ(uniform.runs[0].scenario.latency.kind, LatencyKind::uniform);
  EXPECT_DOUBLE_EQ(uniform.runs[0].scenario.latency.max_ms, 5.0);
  EXPECT_EQ(uniform.runs[0].scenario.topology.kind, TopologyKind::erdos_renyi);
  EXPECT_DOUBLE_EQ(uniform.runs[0].scenario.topology.degree_mean, 3.5);
  const auto ba = parse_text(R"({"name": "b", "topology": {"kind": "barabasi-albert", "attach": 2}})");
  EXPECT_EQ(ba.runs[0].scenario.topology.kind, TopologyKind::barabasi_albert);
  EXPECT_EQ(ba.runs[0].scenario.topology.attach, 2u);
}

TEST(Scenario, EdgeListPathIsAbsoluteAndPeersZero) {
  const auto plan = parse_text(R"({"name": "g", "topology": {"kind": "edge-list", "file": "topologies/p2p-Gnutella04.txt"},
                                   "content": {"replicas": 50}})");
  const Scenario& s = plan.runs[0].scenario;
  EXPECT_EQ(s.topology.kind, TopologyKind::edge_list);
  EXPECT_TRUE(s.topology.file.is_absolute());
  EXPECT_TRUE(fs::equivalent(s.topology.file, source_dir / "scenarios/topologies/p2p-Gnutella04.txt"));
  EXPECT_EQ(s.peers, 0u);
  EXPECT_EQ(s.content.replicas, 50u);
}

TEST(Scenario, MinimalScenarioIsOneBaseRun) {
  // The documented default of every key is checked against docs/scenarios.md in scenario_docs_test.cpp.
  const auto plan = parse_text(R"({"name": "d"})");
  EXPECT_EQ(plan.seed, 1u);
  EXPECT_EQ(plan.replications, 1u);
  ASSERT_EQ(plan.runs.size(), 1u);
  EXPECT_EQ(plan.runs[0].label, "base");
  EXPECT_EQ(plan.runs[0].scenario.seed, 1u);
}

TEST(Scenario, WalkAndRingKeysParse) {
  const auto plan = parse_text(R"({"name": "w", "search": {"strategy": "random-walk", "walkers": 32,
      "walk_ttl": 500, "check_every": 0, "ring_start": 2, "ring_step": 3, "ring_wait_ms": 250}})");
  const SearchSpec& s = plan.runs[0].scenario.search;
  EXPECT_EQ(s.strategy, Strategy::random_walk);
  EXPECT_EQ(s.params.walkers, 32);
  EXPECT_EQ(s.params.walk_ttl_hops, 500);
  EXPECT_EQ(s.params.walk_check_every, 0);
  EXPECT_EQ(s.params.ring_ttl_start, 2);
  EXPECT_EQ(s.params.ring_ttl_step, 3);
  EXPECT_EQ(s.params.ring_wait_us, 250'000);  // converted once, by us_from_ms
}

TEST(Scenario, OneSearchSectionServesASweepOverStrategies) {
  // Keys of the strategies not selected are validated but ignored.
  const auto plan = parse_text(R"({"name": "w", "search": {"walkers": 8, "ring_wait_ms": 300},
      "sweep": {"search.strategy": ["flood", "random-walk", "expanding-ring"]}})");
  ASSERT_EQ(plan.runs.size(), 3u);
  EXPECT_EQ(plan.runs[0].scenario.search.strategy, Strategy::flood);
  EXPECT_EQ(plan.runs[1].scenario.search.strategy, Strategy::random_walk);
  EXPECT_EQ(plan.runs[2].scenario.search.strategy, Strategy::expanding_ring);
  for (const auto& run : plan.runs) EXPECT_EQ(run.scenario.search.params.walkers, 8);
}

TEST(ScenarioErrors, WalkAndRingKeysOutOfRange) {
  EXPECT_EQ(error_of(R"({"name": "x", "search": {"walkers": 0}})"), "search.walkers: must be between 1 and 1024, got 0");
  EXPECT_EQ(error_of(R"({"name": "x", "search": {"walkers": 1025}})"),
            "search.walkers: must be between 1 and 1024, got 1025");
  EXPECT_EQ(error_of(R"({"name": "x", "search": {"walk_ttl": 0}})"),
            "search.walk_ttl: must be between 1 and 65535, got 0");
  EXPECT_EQ(error_of(R"({"name": "x", "search": {"walk_ttl": 65536}})"),
            "search.walk_ttl: must be between 1 and 65535, got 65536");
  EXPECT_EQ(error_of(R"({"name": "x", "search": {"check_every": 256}})"),
            "search.check_every: must be between 0 and 255, got 256");
  EXPECT_EQ(error_of(R"({"name": "x", "search": {"ring_start": 0}})"),
            "search.ring_start: must be between 1 and 10, got 0");
  EXPECT_EQ(error_of(R"({"name": "x", "search": {"ring_step": 11}})"),
            "search.ring_step: must be between 1 and 10, got 11");
  EXPECT_EQ(error_of(R"({"name": "x", "search": {"ring_wait_ms": 0}})"), "search.ring_wait_ms: must be > 0, got 0");
  EXPECT_THAT(error_of(R"({"name": "x", "search": {"ring_wait_ms": 1e12}})"), StartsWith("search.ring_wait_ms: "));
}

TEST(ScenarioErrors, WalkAndRingKeysWrongType) {
  EXPECT_THAT(error_of(R"({"name": "x", "search": {"walkers": "many"}})"), StartsWith("search.walkers: "));
  EXPECT_THAT(error_of(R"({"name": "x", "search": {"check_every": 2.5}})"), StartsWith("search.check_every: "));
  EXPECT_THAT(error_of(R"({"name": "x", "search": {"ring_wait_ms": true}})"), StartsWith("search.ring_wait_ms: "));
  EXPECT_EQ(error_of(R"({"name": "x", "search": {"walker": 3}})").rfind("search.walker: unknown key", 0), 0u);
}

TEST(Scenario, SweepIsCrossProductInFileOrder) {
  // Axes deliberately not in alphabetical order: load_scenario keeps the file's order.
  const auto file = write_temp("sweep.json", R"({"name": "sw", "seed": 9, "search": {"timeout_ms": 500},
    "sweep": {"search.ttl": [3, 5, 7], "search.strategy": ["flood", "zone-flood"]}, "replications": 2})");
  const auto plan = load_scenario(file);
  EXPECT_EQ(plan.replications, 2u);
  const std::vector<std::string> labels{
      "search.ttl=3,search.strategy=flood", "search.ttl=3,search.strategy=zone-flood",
      "search.ttl=5,search.strategy=flood", "search.ttl=5,search.strategy=zone-flood",
      "search.ttl=7,search.strategy=flood", "search.ttl=7,search.strategy=zone-flood"};
  ASSERT_EQ(plan.runs.size(), labels.size());
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const Scenario& s = plan.runs[i].scenario;
    EXPECT_EQ(plan.runs[i].label, labels[i]);
    EXPECT_EQ(s.name, "sw");
    EXPECT_EQ(s.seed, 9u);
    EXPECT_EQ(s.search.params.ttl_hops, 3 + 2 * (i / 2));
    EXPECT_EQ(s.search.strategy, i % 2 == 0 ? Strategy::flood : Strategy::zone_flood);
    EXPECT_DOUBLE_EQ(s.search.timeout_ms, 500.0);
  }
}

TEST(Scenario, SweepCreatesMissingSectionsAndReplacesWholeSections) {
  const auto plan = parse_text(R"({"name": "s", "sweep": {"faults.loss": [0, 0.5],
    "latency": [{"kind": "constant", "mean_ms": 1}, {"kind": "uniform", "min_ms": 1, "max_ms": 2}]}})");
  ASSERT_EQ(plan.runs.size(), 4u);
  EXPECT_EQ(plan.runs[3].label, R"(faults.loss=0.5,latency={"kind":"uniform","max_ms":2,"min_ms":1})");
  EXPECT_DOUBLE_EQ(plan.runs[3].scenario.faults.loss, 0.5);
  EXPECT_EQ(plan.runs[3].scenario.latency.kind, LatencyKind::uniform);
  EXPECT_DOUBLE_EQ(plan.runs[0].scenario.latency.mean_ms, 1.0);
}

TEST(Scenario, WholeSectionSweepValuesMayCarryALabel) {
  const auto plan = parse_text(R"({"name": "s", "sweep": {"search": [
    {"label": "16 walkers", "strategy": "random-walk", "walkers": 16},
    {"strategy": "flood", "ttl": 5}]}})");
  ASSERT_EQ(plan.runs.size(), 2u);
  EXPECT_EQ(plan.runs[0].label, "search=16 walkers");
  EXPECT_EQ(plan.runs[0].scenario.search.strategy, Strategy::random_walk);
  EXPECT_EQ(plan.runs[0].scenario.search.params.walkers, 16u);
  EXPECT_EQ(plan.runs[1].label, R"(search={"strategy":"flood","ttl":5})");
}

TEST(ScenarioErrors, BadSweepLabels) {
  EXPECT_EQ(error_of(R"({"name": "x", "sweep": {"search": [{"label": 3, "ttl": 5}]}})"),
            "sweep.search[0].label: expected a string, got number");
  EXPECT_EQ(error_of(R"({"name": "x", "sweep": {"search": [{"label": "", "ttl": 5}]}})"),
            "sweep.search[0].label: must be 1 to 100 printable characters");
  EXPECT_EQ(error_of(R"({"name": "x", "sweep": {"search": [{"label": "a", "ttl": 5}, {"label": "a", "ttl": 6}]}})"),
            "sweep.search[1].label: duplicate label \"a\"");
  EXPECT_EQ(error_of(R"({"name": "x", "sweep": {"search": [{"label": "a", "ttl": 5}, {"label": "b", "ttl": 5}]}})"),
            "sweep.search[1]: duplicate value {\"ttl\":5}");
  EXPECT_EQ(error_of(R"({"name": "x", "search": {"label": "a"}})"), "search.label: unknown key");
}

TEST(Scenario, ReplicationSeed) {
  EXPECT_EQ(replication_seed(42, 0), 42u);
  EXPECT_EQ(replication_seed(42, 1), mix64(43));
  EXPECT_EQ(replication_seed(42, 7), mix64(49));
  EXPECT_NE(replication_seed(42, 1), replication_seed(42, 2));
}

TEST(ScenarioErrors, UnknownTopLevelKey) {
  EXPECT_EQ(error_of(R"({"name": "x", "bogus": 1})"), "bogus: unknown key");
}

TEST(ScenarioErrors, UnknownNestedKey) {
  EXPECT_EQ(error_of(R"({"name": "x", "zones": {"count": 2, "bogus": 1}})"), "zones.bogus: unknown key");
  EXPECT_EQ(error_of(R"({"name": "x", "latency": {"kind": "uniform", "sigma": 1}})"),
            R"(latency.sigma: unknown key for kind "uniform")");
  EXPECT_EQ(error_of(R"({"name": "x", "topology": {"degree_mean": 3}})"),
            R"(topology.degree_mean: unknown key for kind "random-regular")");
}

TEST(ScenarioErrors, UnknownSweepPath) {
  EXPECT_EQ(error_of(R"({"name": "x", "sweep": {"search.bogus": [1]}})"),
            "sweep.search.bogus: unknown key \"bogus\" in section search");
  EXPECT_EQ(error_of(R"({"name": "x", "sweep": {"bogus": [1]}})"),
            "sweep.bogus: unknown key \"bogus\" (expected a parameter path such as search.ttl)");
  EXPECT_EQ(error_of(R"({"name": "x", "sweep": {"search.ttl.x": [1]}})"),
            "sweep.search.ttl.x: search.ttl has no keys of its own (only faults.churn can be swept below a section "
            "key, e.g. faults.churn.rate_per_s)");
  EXPECT_EQ(error_of(R"({"name": "x", "sweep": {"name": ["a"]}})"), "sweep.name: cannot be swept");
  EXPECT_THAT(error_of(R"({"name": "x", "sweep": {"seed": [1, 2]}})"), StartsWith("sweep.seed: cannot be swept"));
  EXPECT_EQ(error_of(R"({"name": "x", "sweep": {"search": [{}], "search.ttl": [1]}})"),
            "sweep.search.ttl: overlaps sweep.search");
}

TEST(ScenarioSweep, DeepPathsIntoObjectKeysAreSwept) {
  const auto plan = parse_text(R"({"name": "x", "peers": 200, "workload": {"queries": 50},
      "faults": {"churn": {"model": "poisson", "rate_per_s": 0.1}},
      "sweep": {"faults.churn.rate_per_s": [0.1, 0.2]}})");
  ASSERT_EQ(plan.runs.size(), 2u);
  EXPECT_DOUBLE_EQ(plan.runs[1].scenario.faults.churn.rate_per_s, 0.2);
  EXPECT_EQ(plan.runs[1].label, "faults.churn.rate_per_s=0.2");
  EXPECT_EQ(plan.runs[1].parameters.dump(), R"({"faults.churn.rate_per_s":0.2})");
  EXPECT_EQ(plan.runs[1].document["faults"]["churn"]["model"], "poisson") << "the rest of the object is kept";
  EXPECT_EQ(error_of(R"({"name": "x", "peers": 200, "faults": {"churn": {"model": "poisson"}},
      "sweep": {"faults.churn.rat": [1]}})"),
            "sweep.faults.churn.rat[0]: unknown key");
  EXPECT_EQ(error_of(R"({"name": "x", "faults": {"failures": []}, "sweep": {"faults.failures.at_ms": [1]}})"),
            "sweep.faults.failures.at_ms: faults.failures has no keys of its own (only faults.churn can be swept "
            "below a section key, e.g. faults.churn.rate_per_s)");
}

TEST(ScenarioSweep, ObjectValuesOfAKeyTakeLabels) {
  const auto plan = parse_text(R"({"name": "x", "peers": 200, "workload": {"queries": 50},
      "sweep": {"faults.churn": [{"label": "calm", "model": "poisson", "rate_per_s": 0.05},
                                 {"label": "stormy", "model": "poisson", "rate_per_s": 0.5}]}})");
  ASSERT_EQ(plan.runs.size(), 2u);
  EXPECT_EQ(plan.runs[0].label, "faults.churn=calm");
  EXPECT_EQ(plan.runs[1].label, "faults.churn=stormy");
  EXPECT_EQ(plan.runs[1].parameters["faults.churn"]["label"], "stormy") << "recorded with its label";
  EXPECT_FALSE(plan.runs[1].document["faults"]["churn"].contains("label")) << "parsed without it";
}

TEST(ScenarioSweep, AValueNoRunReadsIsRefusedAndOneSomeRunsIgnoreIsWarned) {
  EXPECT_EQ(error_of(R"({"name": "x", "search": {"strategy": "random-walk"}, "sweep": {"search.ttl": [3, 5]}})"),
            "sweep.search.ttl: has no effect on any run (search.ttl is only read by flood, zone-flood, "
            "expanding-ring; these runs are random-walk): every value would repeat the same run");
  const auto plan = parse_text(R"({"name": "x", "peers": 200,
      "sweep": {"search.strategy": ["flood", "random-walk"], "search.ttl": [3, 5]}})");
  ASSERT_EQ(plan.warnings.size(), 1u);
  EXPECT_EQ(plan.warnings[0].rfind("sweep.search.ttl: has no effect on the random-walk runs", 0), 0u) << plan.warnings[0];
  EXPECT_TRUE(parse_text(R"({"name": "x", "sweep": {"search.ttl": [3, 5]}})").warnings.empty());
}

TEST(ScenarioOverrides, SetIsValidatedLikeTheFileAndRecorded) {
  const auto file = write_temp("set.json", R"({"name": "s", "peers": 300, "sweep": {"search.ttl": [3, 4]}})");
  const auto plan = load_scenario(file, {parse_override("workload.queries=77"), parse_override("search.strategy=flood")});
  EXPECT_EQ(plan.runs[0].scenario.workload.queries, 77u);
  EXPECT_EQ(plan.runs[0].document["workload"]["queries"], 77);
  EXPECT_EQ(plan.runs[0].document["search"]["strategy"], "flood") << "a non-JSON value is a string";
  EXPECT_THROW(load_scenario(file, {parse_override("zones.min_size=0")}), ScenarioError);
  try {
    load_scenario(file, {parse_override("search.ttl=5")});
    ADD_FAILURE() << "overriding a swept path must be refused";
  } catch (const ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()), "--set search.ttl: is swept (sweep.search.ttl); cannot be overridden as well");
  }
  EXPECT_THROW(parse_override("novalue"), ScenarioError);
}

TEST(ScenarioEdgeList, ScriptAndPlacementUseTheFilesNodeIdsAndDropsAreReported) {
  const auto edges = write_temp("ids-edges.txt", "100 200\n200 300\n300 100\n300 300\n200 100\n400 100\n");
  const auto file = write_temp("ids.json", R"({"name": "ids", "topology": {"kind": "edge-list", "file": "ids-edges.txt"},
      "content": {"placement": [{"name": "a", "holders": [300, 400]}]},
      "workload": {"script": [{"origin": 200, "name": "a"}]}})");
  const auto plan = load_scenario(file);
  ASSERT_EQ(plan.runs.size(), 1u);
  // Dense ids follow first appearance: 100 -> 0, 200 -> 1, 300 -> 2, 400 -> 3.
  EXPECT_EQ(plan.runs[0].scenario.workload.script[0].origin, 1u);
  EXPECT_EQ(plan.runs[0].scenario.content.placement[0].holders, (std::vector<PeerId>{2, 3}));
  ASSERT_EQ(plan.warnings.size(), 1u);
  EXPECT_NE(plan.warnings[0].find("dropped 1 self-loop(s) and 1 duplicate link(s) of 6 link lines"), std::string::npos)
      << plan.warnings[0];
  const auto bad = write_temp("ids-bad.json", R"({"name": "ids", "topology": {"kind": "edge-list", "file": "ids-edges.txt"},
      "workload": {"script": [{"origin": 2, "name": "a"}]}})");
  EXPECT_THAT(load_error_of(bad), StartsWith("workload.script[0].origin: node 2 is not in the edge list "));
  (void)edges;
}

TEST(ScenarioErrors, WrongType) {
  EXPECT_EQ(error_of(R"({"name": "x", "search": {"ttl": "7"}})"), "search.ttl: expected an integer, got string");
  EXPECT_EQ(error_of(R"({"name": "x", "faults": {"loss": true}})"), "faults.loss: expected a number, got boolean");
  EXPECT_EQ(error_of(R"({"name": "x", "search": {"strategy": 1}})"), "search.strategy: expected a string, got number");
  EXPECT_EQ(error_of(R"({"name": "x", "zones": [1]})"), "zones: expected an object, got array");
  EXPECT_EQ(error_of(R"({"name": 5})"), "name: expected a string, got number");
  EXPECT_EQ(error_of(R"([1, 2])"), "(root): expected an object, got array");
}

TEST(ScenarioErrors, FloatForInteger) {
  EXPECT_EQ(error_of(R"({"name": "x", "peers": 10.5})"), "peers: expected an integer, got 10.5");
  EXPECT_EQ(error_of(R"({"name": "x", "content": {"files": 8.0}})"), "content.files: expected an integer, got 8.0");
}

TEST(ScenarioErrors, NegativeUnsigned) {
  EXPECT_EQ(error_of(R"({"name": "x", "seed": -1})"), "seed: must be >= 0, got -1");
  EXPECT_EQ(error_of(R"({"name": "x", "zones": {"count": -2}})"), "zones.count: must be >= 1, got -2");
}

TEST(ScenarioErrors, OutOfRange) {
  EXPECT_EQ(error_of(R"({"name": "x", "search": {"ttl": 12}})"), "search.ttl: must be between 1 and 10, got 12");
  EXPECT_EQ(error_of(R"({"name": "x", "search": {"ttl": 0}})"), "search.ttl: must be between 1 and 10, got 0");
  EXPECT_EQ(error_of(R"({"name": "x", "faults": {"loss": 1}})"), "faults.loss: must be in [0, 1), got 1");
  EXPECT_EQ(error_of(R"({"name": "x", "zones": {"min_size": 0}})"), "zones.min_size: must be >= 1, got 0");
  EXPECT_EQ(error_of(R"({"name": "x", "workload": {"zipf_alpha": -0.5}})"),
            "workload.zipf_alpha: must be >= 0, got -0.5");
  EXPECT_EQ(error_of(R"({"name": "x", "workload": {"rate_per_s": 0}})"),
            "workload.rate_per_s: must be >= 0.001, got 0");
  EXPECT_EQ(error_of(R"({"name": "x", "workload": {"start_ms": -1}})"), "workload.start_ms: must be >= 0, got -1");
  EXPECT_EQ(error_of(R"({"name": "x", "workload": {"start_ms": 1e9}})"),
            "workload.start_ms: must be <= 86400000, got 1000000000");
  EXPECT_EQ(error_of(R"({"name": "x", "workload": {"start_ms": "soon"}})"),
            "workload.start_ms: expected a number, got string");
  EXPECT_EQ(error_of(R"({"name": "x", "workload": {"start_ms": 5, "script": [{"origin": 0, "name": "a"}]}})"),
            "workload.script: cannot be combined with start_ms (the script sets the times)");
  EXPECT_EQ(error_of(R"({"name": "x", "workload": {"queries": 100000001}})"),
            "workload.queries: must be between 1 and 100000000, got 100000001");
  EXPECT_EQ(error_of(R"({"name": "x", "latency": {"kind": "lognormal", "sigma": 0}})"),
            "latency.sigma: must be in (0, 5], got 0");
  EXPECT_EQ(error_of(R"({"name": "x", "peers": 10000001})"), "peers: must be between 1 and 10000000, got 10000001");
  EXPECT_EQ(error_of(R"({"name": "x", "replications": 1001})"), "replications: must be between 1 and 1000, got 1001");
  EXPECT_EQ(error_of(R"({"name": "x", "zones": {"count": 4294967296}})"),
            "zones.count: must be <= 4294967295, got 4294967296");
}

TEST(ScenarioErrors, OutOfRangeAgainstPeers) {
  EXPECT_EQ(error_of(R"({"name": "x", "peers": 8})"), "topology.degree: must be < peers (8), got 8");
  EXPECT_EQ(error_of(R"({"name": "x", "peers": 9, "topology": {"degree": 3}})"),
            "topology.degree: peers * degree must be even, got 9 * 3");
  EXPECT_EQ(error_of(R"({"name": "x", "topology": {"kind": "watts-strogatz", "degree": 3}})"),
            "topology.degree: must be even, got 3");
  EXPECT_EQ(error_of(R"({"name": "x", "peers": 10, "topology": {"kind": "erdos-renyi", "degree_mean": 10}})"),
            "topology.degree_mean: must be <= peers - 1 (9), got 10");
  EXPECT_EQ(error_of(R"({"name": "x", "peers": 20, "topology": {"degree": 4}, "content": {"replicas": 21}})"),
            "content.replicas: must be <= peers (20), got 21");
}

TEST(ScenarioErrors, LatencyMinAboveMax) {
  EXPECT_EQ(error_of(R"({"name": "x", "latency": {"kind": "uniform", "min_ms": 100, "max_ms": 10}})"),
            "latency.max_ms: must be >= latency.min_ms (100), got 10");
}

TEST(ScenarioErrors, UnknownEnumValue) {
  EXPECT_EQ(error_of(R"({"name": "x", "topology": {"kind": "ring"}})"),
            R"(topology.kind: unknown value "ring" (expected one of: random-regular, erdos-renyi, barabasi-albert, watts-strogatz, k-out, edge-list))");
  EXPECT_EQ(error_of(R"({"name": "x", "search": {"strategy": "dht"}})"),
            R"(search.strategy: unknown value "dht" (expected one of: flood, zone-flood, random-walk, expanding-ring, )"
            R"(chord))");
  EXPECT_EQ(error_of(R"({"name": "x", "zones": {"placement": "near"}})"),
            R"(zones.placement: unknown value "near" (expected one of: random, rendezvous))");
}

TEST(ScenarioErrors, MissingOrBadName) {
  EXPECT_EQ(error_of(R"({"peers": 10, "topology": {"degree": 2}})"), "name: missing required key");
  EXPECT_EQ(error_of(R"({"name": "a b"})"), R"(name: must match [A-Za-z0-9._-]+, got "a b")");
  EXPECT_EQ(error_of(R"({"name": ".."})"), "name: must not consist of dots only");
}

TEST(ScenarioErrors, PeersGivenWithEdgeList) {
  EXPECT_EQ(error_of(R"({"name": "x", "peers": 100,
                         "topology": {"kind": "edge-list", "file": "topologies/p2p-Gnutella04.txt"}})"),
            "peers: must be absent for edge-list topologies (the count comes from the file)");
}

TEST(ScenarioErrors, MissingEdgeListFile) {
  EXPECT_THAT(error_of(R"({"name": "x", "topology": {"kind": "edge-list", "file": "x.txt"}})"),
              StartsWith(R"(topology.file: cannot open "x.txt")"));
  EXPECT_THAT(error_of(R"({"name": "x", "topology": {"kind": "edge-list", "file": "topologies"}})"),
              StartsWith(R"(topology.file: "topologies" is not a regular file)"));
  EXPECT_EQ(error_of(R"({"name": "x", "topology": {"kind": "edge-list"}})"),
            R"(topology.file: missing required key for kind "edge-list")");
}

TEST(ScenarioErrors, BadJson) {
  const auto file = write_temp("bad.json", "{\"name\": \"x\",\n \"peers\": }");
  const std::string error = load_error_of(file);
  EXPECT_THAT(error, StartsWith(file.string() + ": invalid JSON: parse error at line 2"));
  EXPECT_THAT(error, HasSubstr("(byte "));
}

TEST(ScenarioErrors, DuplicateKey) {
  const auto file = write_temp("dup.json", R"({"name": "x", "search": {"ttl": 3, "ttl": 4}})");
  EXPECT_EQ(load_error_of(file), "search.ttl: duplicate key");
  const auto nested = write_temp("dup2.json", R"({"name": "x", "sweep": {"latency": [{"kind": "uniform"},
    {"min_ms": 1, "min_ms": 2}]}})");
  EXPECT_EQ(load_error_of(nested), "sweep.latency[1].min_ms: duplicate key");
}

TEST(ScenarioErrors, TopLevelNotAnObjectInFile) {
  const auto file = write_temp("array.json", "[1]");
  EXPECT_EQ(load_error_of(file), file.string() + ": expected a JSON object at the top level, got array");
}

TEST(ScenarioErrors, UnreadableFile) {
  const fs::path missing = fs::path(::testing::TempDir()) / "no-such-scenario.json";
  EXPECT_EQ(load_error_of(missing), missing.string() + ": cannot read: no such file");
  const fs::path dir = write_temp("x", "").parent_path();
  EXPECT_EQ(load_error_of(dir), dir.string() + ": cannot read: is a directory");
}

TEST(ScenarioErrors, BadSweepValue) {
  EXPECT_EQ(error_of(R"({"name": "x", "sweep": [1]})"), "sweep: expected an object, got array");
  EXPECT_EQ(error_of(R"({"name": "x", "sweep": {"search.ttl": 5}})"),
            "sweep.search.ttl: expected a non-empty array, got number");
  EXPECT_EQ(error_of(R"({"name": "x", "sweep": {"search.ttl": []}})"), "sweep.search.ttl: must be a non-empty array");
  EXPECT_EQ(error_of(R"({"name": "x", "sweep": {"search.ttl": [3, 5, 11]}})"),
            "sweep.search.ttl[2]: must be between 1 and 10, got 11");
  EXPECT_EQ(error_of(R"({"name": "x", "sweep": {"topology": [{"kind": "random-regular"}, {"kind": "ring"}]}})"),
            R"(sweep.topology[1].kind: unknown value "ring" (expected one of: random-regular, erdos-renyi, barabasi-albert, watts-strogatz, k-out, edge-list))");
}

TEST(ScenarioErrors, SweepPointInvalidOnlyInCombination) {
  // Each value is fine alone; peers=9 with the base degree 3 makes peers * degree odd.
  EXPECT_EQ(error_of(R"({"name": "x", "topology": {"degree": 3}, "sweep": {"peers": [10, 9], "zones.count": [1, 2]}})"),
            "sweep[peers=9,zones.count=1]: topology.degree: peers * degree must be even, got 9 * 3");
  // An error inside a swept path is blamed on that axis' value.
  EXPECT_EQ(error_of(R"({"name": "x", "sweep": {"peers": [10, 9], "topology.degree": [2, 3]}})"),
            "sweep.topology.degree[1]: peers * degree must be even, got 9 * 3");
  // An error of the document itself is reported plainly, even with a sweep present.
  EXPECT_EQ(error_of(R"({"name": "x", "zones": {"min_size": 0}, "sweep": {"search.ttl": [3]}})"),
            "zones.min_size: must be >= 1, got 0");
  // ... but a base value that every run overrides is not an error.
  EXPECT_EQ(error_of(R"({"name": "x", "search": {"ttl": 12}, "sweep": {"search.ttl": [3, 5]}})"), "");
  EXPECT_EQ(error_of(R"({"name": "x", "peers": 0, "topology": {"degree": 3}, "sweep": {"peers": [10, 9]}})"),
            "sweep[peers=9]: topology.degree: peers * degree must be even, got 9 * 3");
}

TEST(ScenarioErrors, SweepTooLarge) {
  EXPECT_EQ(error_of(R"({"name": "x", "sweep": {"seed": [1]}})").rfind("sweep.seed", 0), 0u);
  std::string values = "[";
  for (int i = 1; i <= 400; ++i) {
    if (i > 1) values += ",";
    values += std::to_string(i);
  }
  values += "]";
  EXPECT_EQ(error_of(R"({"name": "x", "sweep": {"content.files": )" + values + R"(, "workload.queries": )" + values +
                     "}}"),
            "sweep: the cross product has more than 100000 runs");
}

TEST(ScenarioErrors, ValuesThatWouldOverflowTheClock) {
  EXPECT_EQ(error_of(R"({"name": "x", "latency": {"mean_ms": 1e300}})"),
            "latency.mean_ms: must be <= 3600000, got 1e+300");
  EXPECT_EQ(error_of(R"({"name": "x", "latency": {"kind": "lognormal", "mean_ms": 3600001}})"),
            "latency.mean_ms: must be <= 3600000, got 3600001");
  EXPECT_EQ(error_of(R"({"name": "x", "latency": {"kind": "uniform", "min_ms": 1e10, "max_ms": 1e11}})"),
            "latency.min_ms: must be <= 3600000, got 10000000000");
  EXPECT_EQ(error_of(R"({"name": "x", "latency": {"kind": "uniform", "min_ms": 0, "max_ms": 3600000.5}})"),
            "latency.max_ms: must be <= 3600000, got 3600000.5");
  EXPECT_EQ(error_of(R"({"name": "x", "search": {"timeout_ms": 1e300}})"),
            "search.timeout_ms: must be <= 86400000, got 1e+300");
  EXPECT_EQ(error_of(R"({"name": "x", "workload": {"rate_per_s": 1e-300}})"),
            "workload.rate_per_s: must be >= 0.001, got 1e-300");
  EXPECT_EQ(error_of(R"({"name": "x", "workload": {"rate_per_s": 2000000}})"),
            "workload.rate_per_s: must be <= 1000000, got 2000000");
  EXPECT_EQ(error_of(R"({"name": "x", "sweep": {"latency.mean_ms": [1, 1e300]}})"),
            "sweep.latency.mean_ms[1]: must be <= 3600000, got 1e+300");
  // The limits themselves are accepted.
  const auto plan = parse_text(R"({"name": "x", "latency": {"kind": "uniform", "min_ms": 3600000, "max_ms": 3600000},
    "search": {"timeout_ms": 86400000}, "sweep": {"workload.rate_per_s": [0.001, 1000000]}})");
  ASSERT_EQ(plan.runs.size(), 2u);
  EXPECT_DOUBLE_EQ(plan.runs[0].scenario.latency.max_ms, 3600000.0);
  EXPECT_DOUBLE_EQ(plan.runs[0].scenario.search.timeout_ms, 86400000.0);
  EXPECT_DOUBLE_EQ(plan.runs[0].scenario.workload.rate_per_s, 0.001);
  EXPECT_DOUBLE_EQ(plan.runs[1].scenario.workload.rate_per_s, 1000000.0);
}

TEST(ScenarioErrors, NonFiniteNumbers) {
  // JSON text cannot hold them, but documents built in code can.
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const auto error = [](const nlohmann::json& doc) {
    try {
      parse_scenario(doc, source_dir / "scenarios");
    } catch (const ScenarioError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_EQ(error({{"name", "x"}, {"latency", {{"mean_ms", inf}}}}), "latency.mean_ms: must be a finite number, got inf");
  EXPECT_EQ(error({{"name", "x"}, {"faults", {{"loss", -inf}}}}), "faults.loss: must be a finite number, got -inf");
  EXPECT_EQ(error({{"name", "x"}, {"search", {{"ttl", nan}}}}), "search.ttl: must be a finite number, got nan");
  // Anywhere: also a base value that the sweep overrides, and inside sweep arrays.
  EXPECT_EQ(error({{"name", "x"}, {"search", {{"ttl", nan}}}, {"sweep", {{"search.ttl", {3, 5}}}}}),
            "search.ttl: must be a finite number, got nan");
  EXPECT_EQ(error({{"name", "x"}, {"sweep", {{"search.timeout_ms", {1, inf}}}}}),
            "sweep.search.timeout_ms[1]: must be a finite number, got inf");
}

TEST(ScenarioErrors, NumberOverflowInFileIsInvalidJson) {
  const auto file = write_temp("overflow.json", R"({"name":"t","latency":{"mean_ms":1e999}})");
  EXPECT_EQ(load_error_of(file), file.string() + ": invalid JSON: number overflow parsing '1e999'");
}

TEST(ScenarioErrors, ContentAndWorkloadSizes) {
  EXPECT_EQ(error_of(R"({"name": "x", "content": {"files": 4294967295}})"),
            "content.files: must be between 1 and 10000000, got 4294967295");
  EXPECT_EQ(error_of(R"({"name": "x", "peers": 5000, "content": {"replicas": 1001}})"),
            "content.replicas: must be between 1 and 1000, got 1001");
  EXPECT_EQ(error_of(R"({"name": "x", "workload": {"queries": 4294967295}})"),
            "workload.queries: must be between 1 and 100000000, got 4294967295");
  EXPECT_EQ(error_of(R"({"name": "x", "peers": 5000, "content": {"files": 10000000, "replicas": 1000},
                         "workload": {"queries": 100000000}})"),
            "");
}

TEST(ScenarioErrors, TopologyMatchesGeneratorPreconditions) {
  EXPECT_EQ(error_of(R"({"name": "x", "peers": 10, "topology": {"kind": "erdos-renyi", "degree_mean": 9.5}})"),
            "topology.degree_mean: must be <= peers - 1 (9), got 9.5");
  EXPECT_EQ(error_of(R"({"name": "x", "peers": 1, "topology": {"kind": "erdos-renyi", "degree_mean": 0.5}})"),
            "topology.degree_mean: must be <= peers - 1 (0), got 0.5");
  EXPECT_EQ(error_of(R"({"name": "x", "peers": 4, "topology": {"kind": "barabasi-albert", "attach": 4}})"),
            "topology.attach: must be < peers (4), got 4");
  EXPECT_EQ(error_of(R"({"name": "x", "peers": 4, "topology": {"kind": "watts-strogatz", "degree": 4}})"),
            "topology.degree: must be < peers (4), got 4");
  EXPECT_EQ(error_of(R"({"name": "x", "topology": {"kind": "watts-strogatz", "rewire": 1.5}})"),
            "topology.rewire: must be in [0, 1], got 1.5");
  EXPECT_EQ(error_of(R"({"name": "x", "peers": 4, "topology": {"kind": "k-out", "k": 4}})"),
            "topology.k: must be < peers (4), got 4");
  EXPECT_EQ(error_of(R"({"name": "x", "topology": {"kind": "k-out", "k": 0}})"), "topology.k: must be >= 1, got 0");
  EXPECT_EQ(error_of(R"({"name": "x", "peers": 10000000, "topology": {"kind": "k-out", "k": 101}})"),
            "topology.k: must be <= 100 for 10000000 peers (at most 1000000000 links), got 101");
  EXPECT_EQ(error_of(R"({"name": "x", "topology": {"kind": "k-out", "degree": 4}})"),
            "topology.degree: unknown key for kind \"k-out\"");
  // Rewiring needs a peer outside the lattice neighbourhood (boost's iterator would loop forever).
  EXPECT_EQ(error_of(R"({"name": "x", "peers": 3, "topology": {"kind": "watts-strogatz", "degree": 2, "rewire": 0.5}})"),
            "topology.degree: must be < peers - 1 (2) when topology.rewire > 0, got 2");
  EXPECT_THROW(make_watts_strogatz(3, 2, 0.5, 1), TopologyError);
  // Every boundary value that validation accepts generates without error.
  const char* accepted[] = {
      R"({"name": "x", "peers": 10, "topology": {"kind": "random-regular", "degree": 9}, "content": {"replicas": 1}})",
      R"({"name": "x", "peers": 2, "topology": {"kind": "random-regular", "degree": 1}, "content": {"replicas": 1}})",
      R"({"name": "x", "peers": 10, "topology": {"kind": "erdos-renyi", "degree_mean": 9}, "content": {"replicas": 1}})",
      R"({"name": "x", "peers": 2, "topology": {"kind": "erdos-renyi", "degree_mean": 1}, "content": {"replicas": 1}})",
      R"({"name": "x", "peers": 2, "topology": {"kind": "erdos-renyi", "degree_mean": 1e-9}, "content": {"replicas": 1}})",
      R"({"name": "x", "peers": 2, "topology": {"kind": "barabasi-albert", "attach": 1}, "content": {"replicas": 1}})",
      R"({"name": "x", "peers": 6, "topology": {"kind": "barabasi-albert", "attach": 5}, "content": {"replicas": 1}})",
      R"({"name": "x", "peers": 4, "topology": {"kind": "watts-strogatz", "degree": 2, "rewire": 1}, "content": {"replicas": 1}})",
      R"({"name": "x", "peers": 9, "topology": {"kind": "watts-strogatz", "degree": 6, "rewire": 1}, "content": {"replicas": 1}})",
      R"({"name": "x", "peers": 9, "topology": {"kind": "watts-strogatz", "degree": 8, "rewire": 0}, "content": {"replicas": 1}})",
  };
  for (const char* text : accepted) {
    const auto plan = parse_text(text);
    EXPECT_NO_THROW(build_topology(plan.runs[0].scenario, 7)) << text;
  }
}

TEST(ScenarioErrors, GeneratedTopologyLinkCap) {
  EXPECT_EQ(error_of(R"({"name": "x", "peers": 10000000, "topology": {"degree": 202}})"),
            "topology.degree: must be <= 200 for 10000000 peers (at most 1000000000 links), got 202");
  EXPECT_EQ(error_of(R"({"name": "x", "peers": 10000000, "topology": {"kind": "watts-strogatz", "degree": 202}})"),
            "topology.degree: must be <= 200 for 10000000 peers (at most 1000000000 links), got 202");
  EXPECT_EQ(error_of(R"({"name": "x", "peers": 3000000, "topology": {"kind": "watts-strogatz", "degree": 668}})"),
            "topology.degree: must be <= 666 for 3000000 peers (at most 1000000000 links), got 668");
  EXPECT_EQ(error_of(R"({"name": "x", "peers": 10000000, "topology": {"kind": "erdos-renyi", "degree_mean": 200.5}})"),
            "topology.degree_mean: must be <= 200 for 10000000 peers (at most 1000000000 links), got 200.5");
  EXPECT_EQ(error_of(R"({"name": "x", "peers": 10000000, "topology": {"kind": "barabasi-albert", "attach": 101}})"),
            "topology.attach: must be <= 100 for 10000000 peers (at most 1000000000 links), got 101");
  EXPECT_EQ(error_of(R"({"name": "x", "peers": 10000000, "topology": {"degree": 200}})"), "");
  EXPECT_EQ(error_of(R"({"name": "x", "peers": 10000000, "topology": {"kind": "barabasi-albert", "attach": 100}})"), "");
}

TEST(ScenarioErrors, EdgeListLoadedDuringValidation) {
  const auto bad = write_temp("bad-edges.txt", "# comment\n1 2\na b\n");
  const auto empty = write_temp("empty-edges.txt", "# nothing here\n\n");
  const auto small = write_temp("small-edges.txt", "1 2\n2 3\n");
  const auto where = [](const fs::path& f) { return fs::absolute(f).lexically_normal().string(); };
  const auto scenario = [](std::string_view edges, std::string_view rest) {
    return write_temp("edges.json", std::string(R"({"name": "x", "topology": {"kind": "edge-list", "file": ")") +
                                        std::string(edges) + "\"}" + std::string(rest) + "}");
  };
  EXPECT_EQ(load_error_of(scenario("bad-edges.txt", "")),
            "topology.file: " + where(bad) + R"(:3: expected two node ids, got "a b")");
  EXPECT_EQ(load_error_of(scenario("empty-edges.txt", "")),
            "topology.file: " + where(empty) + ": edge list contains no links");
  EXPECT_EQ(load_error_of(scenario("small-edges.txt", R"(, "content": {"replicas": 4})")),
            "content.replicas: must be <= peers (3, from topology.file), got 4");
  EXPECT_EQ(load_error_of(scenario("small-edges.txt", R"(, "content": {"replicas": 3})")), "");
  EXPECT_EQ(load_error_of(scenario("small-edges.txt", R"(, "sweep": {"content.replicas": [1, 2, 3, 4]})")),
            "sweep.content.replicas[3]: must be <= peers (3, from topology.file), got 4");
  EXPECT_EQ(load_error_of(scenario("small-edges.txt", R"(, "sweep": {"topology.file": ["small-edges.txt", "bad-edges.txt"]})")),
            "sweep.topology.file[1]: " + where(bad) + R"(:3: expected two node ids, got "a b")");
  // The plan still reports peers 0 for edge lists: the run takes the count from the file.
  EXPECT_EQ(load_scenario(scenario("small-edges.txt", "")).runs[0].scenario.peers, 0u);
}

TEST(ScenarioErrors, EdgeListCacheLoadsEachFileOnce) {
  const auto file = write_temp("cached-edges.txt", "1 2\n2 3\n3 4\n");
  detail::EdgeListCache cache;
  EXPECT_EQ(cache.peers(file, "topology.file"), 4u);
  std::ofstream(file, std::ios::binary | std::ios::trunc) << "not an edge list\n";
  EXPECT_EQ(cache.peers(file, "topology.file"), 4u);  // not re-read
  detail::EdgeListCache fresh;
  EXPECT_THROW(fresh.peers(file, "topology.file"), ScenarioError);
}

TEST(ScenarioErrors, DuplicateSweepValue) {
  EXPECT_EQ(error_of(R"({"name": "x", "sweep": {"search.ttl": [3, 3]}})"), "sweep.search.ttl[1]: duplicate value 3");
  EXPECT_EQ(error_of(R"({"name": "x", "sweep": {"search.strategy": ["flood", "zone-flood", "flood"]}})"),
            R"(sweep.search.strategy[2]: duplicate value "flood")");
  EXPECT_EQ(error_of(R"({"name": "x", "sweep": {"latency.mean_ms": [50, 20, 50.0]}})"),
            "sweep.latency.mean_ms[2]: duplicate value 50.0");
  EXPECT_EQ(error_of(R"({"name": "x", "sweep": {"faults": [{"loss": 0.1}, {"loss": 0.1}]}})"),
            R"(sweep.faults[1]: duplicate value {"loss":0.1})");
  EXPECT_EQ(error_of(R"({"name": "x", "sweep": {"search.ttl": [3, 4], "faults.loss": [0, 0.1]}})"), "");
}

}  // namespace
}  // namespace zonal::sim
