// Query rows spooled to disk (RunOptions::spool_dir) are the rows an in-memory run keeps: same
// fields, same queries.csv text, same metrics and time series, for both node kinds, also when
// every row leaves memory at once (horizon 0: late messages patch spooled rows). The spool file
// itself: append, patch, read back in order, and a clear error for a directory it cannot use.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "engine/core/query_spool.hpp"
#include "engine/engine.hpp"
#include "output/output.hpp"
#include "output/summary.hpp"
#include "scenario/scenario.hpp"

namespace zonal::sim {
namespace {

namespace fs = std::filesystem;

Scenario scenario_of(const std::string& text) {
  return parse_scenario(nlohmann::json::parse(text), ZONAL_SOURCE_DIR).runs.at(0).scenario;
}

std::string rows_text(const RunResult& r) {
  std::ostringstream out;
  write_queries_rows(out, r);
  return out.str();
}

std::string series_text(const RunResult& r) {
  std::ostringstream out;
  for (const auto& w : r.timeseries.windows)
    out << w.queries_started << ' ' << w.queries_answered << ' ' << w.queries_failed << ' ' << w.hops_sum << ' '
        << w.peers_online << '\n';
  return out.str();
}

void expect_same_rows(const Scenario& sc, TimeUs horizon_us) {
  const RunResult memory = run_simulation(sc, 7);
  ASSERT_FALSE(memory.queries.empty());
  EXPECT_EQ(memory.query_spool, nullptr);
  const RunResult spooled = run_simulation(sc, 7, {}, {}, false, RunOptions{fs::temp_directory_path(), horizon_us});
  ASSERT_NE(spooled.query_spool, nullptr);
  EXPECT_TRUE(spooled.queries.empty());
  EXPECT_EQ(query_count(spooled), memory.queries.size());
  std::size_t i = 0;
  for_each_query(spooled, [&](const QueryRecord& q) {
    ASSERT_LT(i, memory.queries.size());
    const QueryRecord& m = memory.queries[i++];
    EXPECT_EQ(q.ordinal, m.ordinal);
    EXPECT_EQ(q.messages, m.messages) << q.ordinal;
    EXPECT_EQ(q.reached, m.reached) << q.ordinal;
    EXPECT_EQ(q.duplicates, m.duplicates) << q.ordinal;
    EXPECT_EQ(q.hits, m.hits) << q.ordinal;
    EXPECT_EQ(q.hit_messages, m.hit_messages) << q.ordinal;
    EXPECT_EQ(q.first_hit_us, m.first_hit_us) << q.ordinal;
  });
  EXPECT_EQ(i, memory.queries.size());
  EXPECT_EQ(rows_text(spooled), rows_text(memory));
  EXPECT_EQ(compute_metrics(spooled).values, compute_metrics(memory).values);
  EXPECT_FALSE(memory.timeseries.windows.empty());
  EXPECT_EQ(series_text(spooled), series_text(memory));
}

constexpr const char* chord_text = R"({"name": "spool-chord", "seed": 3, "peers": 120, "content": {"files": 100},
    "latency": {"kind": "lognormal", "mean_ms": 40, "sigma": 0.6}, "faults": {"loss": 0.02},
    "workload": {"queries": 400, "rate_per_s": 100}, "search": {"strategy": "chord", "timeout_ms": 2000},
    "output": {"timeseries_ms": 500},
    "chord": {"ring": "join", "mode": "recursive", "successors": 4, "stabilize_ms": 800,
              "fix_fingers_ms": 800, "check_predecessor_ms": 800}})";

constexpr const char* flood_text = R"({"name": "spool-flood", "seed": 3, "peers": 300,
    "topology": {"kind": "random-regular", "degree": 6}, "content": {"files": 100, "replicas": 2},
    "latency": {"kind": "lognormal", "mean_ms": 40, "sigma": 0.6}, "faults": {"loss": 0.02},
    "workload": {"queries": 300, "rate_per_s": 100, "missing_fraction": 0.2},
    "output": {"timeseries_ms": 500}, "search": {"strategy": "flood", "ttl": 4}})";

TEST(QuerySpool, ChordRowsOnDiskAreTheRowsInMemory) { expect_same_rows(scenario_of(chord_text), -1); }
TEST(QuerySpool, ChordRowsPatchedLateAreTheRowsInMemory) { expect_same_rows(scenario_of(chord_text), 0); }
TEST(QuerySpool, FloodRowsOnDiskAreTheRowsInMemory) { expect_same_rows(scenario_of(flood_text), -1); }
TEST(QuerySpool, FloodRowsPatchedLateAreTheRowsInMemory) { expect_same_rows(scenario_of(flood_text), 0); }

TEST(QuerySpool, AppendsPatchesAndReadsBackInOrder) {
  QuerySpool spool(fs::temp_directory_path());
  for (std::uint32_t i = 1; i <= 10'000; ++i) {  // more than one buffer of rows
    QueryRecord r;
    r.ordinal = i;
    r.messages = i * 3;
    spool.append(r);
  }
  EXPECT_EQ(spool.size(), 10'000u);
  QueryRecord early = spool.read(5);  // on disk
  EXPECT_EQ(early.messages, 15u);
  early.hits = 2;
  spool.write(5, early);
  QueryRecord recent = spool.read(9'999);  // still buffered
  EXPECT_EQ(recent.messages, 9'999u * 3);
  recent.hits = 7;
  spool.write(9'999, recent);
  spool.flush();
  std::uint32_t next = 1, hits = 0;
  spool.for_each([&](const QueryRecord& r) {
    EXPECT_EQ(r.ordinal, next++);
    EXPECT_EQ(r.messages, r.ordinal * 3);
    hits += r.hits;
  });
  EXPECT_EQ(next, 10'001u);
  EXPECT_EQ(hits, 9u);
}

TEST(QuerySpool, AMissingDirectoryIsAClearError) {
  const fs::path dir = fs::temp_directory_path() / "zonal-no-such-dir" / "deeper";
  try {
    QuerySpool spool(dir);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(dir.string()), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace zonal::sim
