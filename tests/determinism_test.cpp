// Same scenario + seed => byte-identical result files; a different seed changes them.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "sim_cli.hpp"

namespace fs = std::filesystem;

namespace {

using zonal::test::run_sim;
using zonal::test::slurp;

fs::path temp_dir(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("zonal-determinism-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(d);
  return d;
}

const char* const files[] = {"summary.json", "queries.csv", "peers.csv"};

/// Runs `scenario` twice with its own seed and once with seed 99; expects every output file of
/// the first two to be non-empty and identical, and the third's queries to differ. Returns the
/// first run's queries.csv.
std::string expect_identical_reruns(const std::string& scenario, const std::string& tag) {
  const fs::path a = temp_dir(tag + "-a"), b = temp_dir(tag + "-b"), c = temp_dir(tag + "-c");
  EXPECT_EQ(run_sim(scenario + " --out " + a.string()), 0);
  EXPECT_EQ(run_sim(scenario + " --out " + b.string()), 0);
  EXPECT_EQ(run_sim(scenario + " --out " + c.string() + " --seed 99"), 0);
  for (const char* f : files) {
    const std::string x = slurp(a / f);
    EXPECT_FALSE(x.empty()) << f;
    EXPECT_EQ(x, slurp(b / f)) << f << " differs between identical runs";
  }
  const std::string queries = slurp(a / "queries.csv");
  EXPECT_NE(queries, slurp(c / "queries.csv")) << "another seed must give other queries";
  fs::remove_all(a);
  fs::remove_all(b);
  fs::remove_all(c);
  return queries;
}

}  // namespace

TEST(Determinism, TwoRunsGiveIdenticalBytes) {
  expect_identical_reruns(ZONAL_SOURCE_DIR "/tests/data/determinism.json", "flood");
}

TEST(Determinism, WalkAndRingRunsGiveIdenticalBytes) {
  const std::string queries = expect_identical_reruns(ZONAL_SOURCE_DIR "/tests/data/determinism-walk.json", "walk");
  EXPECT_NE(queries.find("random-walk"), std::string::npos);
  EXPECT_NE(queries.find("expanding-ring"), std::string::npos);
}
