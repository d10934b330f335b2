// Seed sweep (in the style of TigerBeetle's VOPR): every seed draws a small random scenario --
// strategy, topology, latency, loss, churn, mass failures, partitions, ring formation -- and runs
// it with the per-event invariant checks on (FloodSimulation::check_event, ChordSimulation::
// check_event, ZONAL_ASSERT in the queues and the event loop), then checks what every run must
// satisfy and that a second run of the same seed is identical. A failing seed is printed (also
// when an assertion aborts the process); replay it alone with
//   ZONAL_SWEEP_SEED=<seed> build/release/tests/sim_seed_sweep_test
// and sweep further with ZONAL_SWEEP_SEEDS=<count> (default 48 seeds: a few seconds).
#include <gtest/gtest.h>

#include <unistd.h>

#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>
#include <string>

#include <boost/random/mersenne_twister.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <nlohmann/json.hpp>

#include "engine/engine.hpp"
#include "scenario_text.hpp"

using namespace zonal;
using namespace zonal::sim;

namespace {

// The note for the seed being run, written by the SIGABRT handler (a failed ZONAL_ASSERT aborts
// the test process); prepared before each run so that the handler only calls write().
volatile std::sig_atomic_t g_running = 0;
char g_abort_note[160];

extern "C" void note_seed_on_abort(int) {
  if (g_running != 0) (void)!write(STDERR_FILENO, g_abort_note, std::strlen(g_abort_note));
  std::signal(SIGABRT, SIG_DFL);
  std::raise(SIGABRT);
}

class Draw {
 public:
  explicit Draw(std::uint64_t seed) : m_engine(seed) {}
  int in(int lo, int hi) { return boost::random::uniform_int_distribution<int>(lo, hi)(m_engine); }
  bool coin() { return in(0, 1) == 1; }
  template <class T, std::size_t N>
  const T& pick(const T (&options)[N]) {
    return options[in(0, static_cast<int>(N) - 1)];
  }

 private:
  boost::random::mt19937_64 m_engine;
};

nlohmann::json random_faults(Draw& d, int zones) {
  nlohmann::json f = nlohmann::json::object();
  if (d.coin()) f["loss"] = d.in(1, 5) / 100.0;
  switch (d.in(0, 2)) {
    case 1:
      f["churn"] = {{"model", "poisson"}, {"rate_per_s", d.in(1, 20) / 2.0}, {"leave_fraction", d.in(0, 4) / 4.0}};
      break;
    case 2:
      f["churn"] = {{"model", "sessions"},         {"lifetime", "weibull"},
                    {"shape", 0.6},                {"session_mean_s", d.in(1, 6)},
                    {"offline_mean_s", d.in(1, 3)}, {"leave_fraction", d.in(0, 4) / 4.0}};
      break;
    default: break;
  }
  if (d.coin()) {
    f["failures"] = nlohmann::json::array();
    f["failures"].push_back({{"at_ms", d.in(0, 2000)}, {"fraction", d.in(1, 5) / 10.0}});
    if (d.coin()) f["failures"].push_back({{"at_ms", d.in(0, 3000)}, {"zone", d.in(0, zones - 1)}});
  }
  if (zones >= 2 && d.coin()) {  // a partition leaves some zone outside
    const int from_ms = d.in(0, 2000);
    f["partitions"] = nlohmann::json::array({{{"from_ms", from_ms}, {"until_ms", from_ms + d.in(1, 3000)}, {"zones", {0}}}});
  }
  if (f.contains("churn") || f.contains("failures") || f.contains("partitions")) {
    f["heartbeat_ms"] = d.in(200, 1000);
    f["expiry_ms"] = d.in(1000, 4000);
  }
  return f;
}

/// A small random scenario drawn from `seed` (peers, topology, latency, strategy, faults).
nlohmann::json random_scenario(std::uint64_t seed) {
  Draw d(seed);
  const char* strategies[] = {"flood", "zone-flood", "random-walk", "expanding-ring", "chord"};
  const std::string strategy = d.pick(strategies);
  const int peers = d.in(12, 90);
  const int zones = d.in(1, 4);
  nlohmann::json topology;
  switch (d.in(0, 3)) {
    case 0: topology = {{"kind", "random-regular"}, {"degree", 4}}; break;
    case 1: topology = {{"kind", "erdos-renyi"}, {"degree_mean", 4}}; break;
    case 2: topology = {{"kind", "barabasi-albert"}, {"attach", 2}}; break;
    default: topology = {{"kind", "watts-strogatz"}, {"degree", 4}, {"rewire", 0.2}}; break;
  }
  nlohmann::json latency;
  switch (d.in(0, 2)) {
    case 0: latency = {{"kind", "constant"}, {"mean_ms", d.in(1, 80)}}; break;
    case 1: latency = {{"kind", "uniform"}, {"min_ms", 5}, {"max_ms", d.in(6, 120)}}; break;
    default: latency = {{"kind", "lognormal"}, {"mean_ms", d.in(5, 80)}, {"sigma", 0.5}}; break;
  }
  nlohmann::json search = {{"strategy", strategy}, {"timeout_ms", d.in(500, 4000)}};
  if (strategy == "flood" || strategy == "zone-flood") search["ttl"] = d.in(1, 7);
  if (strategy == "random-walk") search["walkers"] = d.in(1, 8), search["walk_ttl"] = d.in(4, 64);
  if (strategy != "chord") search["seen_capacity"] = d.in(4, 256);
  nlohmann::json doc = {
      {"name", "sweep"},
      {"seed", seed},
      {"peers", peers},
      {"topology", topology},
      {"zones", {{"count", zones}, {"min_size", 2}, {"degree", 2}}},
      {"latency", latency},
      {"faults", random_faults(d, zones)},
      {"content", {{"files", d.in(5, 40)}, {"replicas", d.in(1, 3)}}},
      {"workload", {{"queries", d.in(5, 40)}, {"rate_per_s", d.in(5, 50)}, {"missing_fraction", 0.1}}},
      {"search", search},
  };
  if (strategy == "chord") {
    doc["chord"] = {{"id_bits", 32}, {"successors", d.in(1, 4)}, {"ring", d.coin() ? "stable" : "join"},
                    {"mode", d.coin() ? "iterative" : "recursive"}, {"stabilize_ms", d.in(100, 1000)},
                    {"fix_fingers_ms", d.in(100, 1000)}, {"check_predecessor_ms", d.in(100, 1000)},
                    {"replication", d.coin()}, {"settle_ms", 20000}};
  }
  if (d.in(0, 3) == 0) doc["output"] = {{"timeseries_ms", d.in(100, 1000)}};
  return doc;
}

/// What every run must satisfy, whatever its scenario.
void check_result(const Scenario& sc, const RunResult& r) {
  const std::uint64_t skipped = r.faults_active ? r.faults.queries_skipped : 0;
  EXPECT_EQ(r.queries.size() + skipped, sc.workload.queries);
  EXPECT_EQ(r.peers_load.size(), r.peers);
  for (const QueryRecord& q : r.queries) {
    if (q.hits > 0) {
      EXPECT_GE(q.first_hit_hops, 0);
      EXPECT_GE(q.first_hit_us, 0);
    }
    if (!q.exists && sc.search.strategy != Strategy::chord) {
      EXPECT_EQ(q.hits, 0u) << "a hit for a name nobody holds";
    }
  }
  if (r.faults_active) {
    EXPECT_LE(r.faults.mass_failed, r.faults.crashed);
  }
  if (sc.search.strategy == Strategy::chord && sc.chord.ring == ChordRingKind::stable) {
    EXPECT_EQ(r.ring_violations, 0u) << "a stable ring is exact when it forms";
  }
}

bool same_run(const RunResult& a, const RunResult& b) {
  if (a.queries.size() != b.queries.size() || a.events != b.events || a.end_us != b.end_us ||
      a.lost_messages != b.lost_messages || a.faults.crashed != b.faults.crashed)
    return false;
  for (std::size_t i = 0; i < a.queries.size(); ++i) {
    const QueryRecord& x = a.queries[i];
    const QueryRecord& y = b.queries[i];
    if (x.messages != y.messages || x.reached != y.reached || x.hits != y.hits || x.first_hit_us != y.first_hit_us)
      return false;
  }
  return true;
}

void run_seed(std::uint64_t seed) {
  std::snprintf(g_abort_note, sizeof g_abort_note,
                "\nseed sweep: seed %llu failed; replay: ZONAL_SWEEP_SEED=%llu sim_seed_sweep_test\n",
                static_cast<unsigned long long>(seed), static_cast<unsigned long long>(seed));
  g_running = 1;
  const nlohmann::json doc = random_scenario(seed);
  const std::string where = "seed " + std::to_string(seed) + " (replay: ZONAL_SWEEP_SEED=" + std::to_string(seed) +
                            "); scenario: " + doc.dump();
  SCOPED_TRACE(where);
  try {
    const ScenarioPlan plan = parse_scenario(doc, test::scenarios_dir());
    const Scenario& sc = plan.runs.at(0).scenario;
    const RunResult first = run_simulation(sc, seed, {}, {}, true);
    check_result(sc, first);
    const RunResult again = run_simulation(sc, seed, {}, {}, true);
    EXPECT_TRUE(same_run(first, again)) << "the same seed ran differently";
  } catch (const std::exception& e) {
    ADD_FAILURE() << where << ": " << e.what();
  }
}

std::uint64_t env_number(const char* name, std::uint64_t fallback) {
  const char* text = std::getenv(name);
  return text != nullptr && *text != '\0' ? std::strtoull(text, nullptr, 10) : fallback;
}

TEST(SimSeedSweep, RandomSmallScenariosKeepEveryInvariant) {
  std::signal(SIGABRT, note_seed_on_abort);
  if (std::getenv("ZONAL_SWEEP_SEED") != nullptr) {
    run_seed(env_number("ZONAL_SWEEP_SEED", 0));
  } else {
    const std::uint64_t seeds = env_number("ZONAL_SWEEP_SEEDS", 48);
    for (std::uint64_t seed = 1; seed <= seeds && !HasFailure(); ++seed) run_seed(seed);
  }
  g_running = 0;
  std::signal(SIGABRT, SIG_DFL);
}

/// The sweep covers what it claims: every strategy and every fault kind appear among its seeds.
TEST(SimSeedSweep, DefaultSeedsCoverEveryStrategyAndFaultKind) {
  std::set<std::string> seen;
  for (std::uint64_t seed = 1; seed <= 48; ++seed) {
    const nlohmann::json doc = random_scenario(seed);
    seen.insert(doc["search"]["strategy"].get<std::string>());
    for (const auto& [key, value] : doc["faults"].items()) {
      if (key == "churn") seen.insert("churn:" + value["model"].get<std::string>());
      else if (key != "heartbeat_ms" && key != "expiry_ms") seen.insert(key);
    }
    if (doc["search"]["strategy"] == "chord") seen.insert("chord:" + doc["chord"]["ring"].get<std::string>());
  }
  for (const char* want : {"flood", "zone-flood", "random-walk", "expanding-ring", "chord", "loss", "churn:poisson",
                           "churn:sessions", "failures", "partitions", "chord:stable", "chord:join"}) {
    EXPECT_TRUE(seen.count(want)) << want << " never drawn by the default seeds";
  }
}

}  // namespace
