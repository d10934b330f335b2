// A 12-run sweep (tests/data/sweep12.json: 6 sweep points x 2 replications) gives the same bytes
// in every result file but provenance.json whichever way it is run: --jobs 1, --jobs 2, subsets
// (--runs, --shard) combined with `zonal-sim merge`, or interrupted by SIGINT and resumed.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>

namespace fs = std::filesystem;

namespace {

const std::string scenario = ZONAL_SOURCE_DIR "/tests/data/sweep12.json";

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Every file under `dir` (relative path -> bytes) except provenance.json.
std::map<std::string, std::string> result_bytes(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file() || e.path().filename() == "provenance.json") continue;
    files[fs::relative(e.path(), dir).string()] = slurp(e.path());
  }
  return files;
}

/// Compare two results file by file, naming the first difference.
void expect_same_result(const fs::path& expected, const fs::path& actual) {
  const auto a = result_bytes(expected), b = result_bytes(actual);
  std::string names_a, names_b;
  for (const auto& [k, v] : a) names_a += k + " ";
  for (const auto& [k, v] : b) names_b += k + " ";
  ASSERT_EQ(names_a, names_b) << "the results hold different files";
  for (const auto& [name, bytes] : a) EXPECT_TRUE(bytes == b.at(name)) << name << " differs from " << expected / name;
}

int sim(const std::string& args) {
  const std::string cmd = std::string(ZONAL_SIM_EXE) + " " + args + " --quiet > /dev/null 2>&1";
  const int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

class SweepIdentity : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    s_root = fs::temp_directory_path() / ("zonal-sweep-identity-" + std::to_string(::getpid()));
    fs::remove_all(s_root);
    fs::create_directories(s_root);
    ASSERT_EQ(sim(scenario + " --jobs 1 --out " + (s_root / "serial").string()), 0);
  }
  static void TearDownTestSuite() { fs::remove_all(s_root); }
  static fs::path serial() { return s_root / "serial"; }
  static fs::path dir(const std::string& name) { return s_root / name; }
  static inline fs::path s_root;
};

}  // namespace

TEST_F(SweepIdentity, SerialResultHasEveryRunAndItsFiles) {
  const auto files = result_bytes(serial());
  for (const char* f : {"summary.json", "summary.csv", "queries.csv", "peers.csv", "scenario.json"}) {
    EXPECT_EQ(files.count(f), 1u) << f;
  }
  for (int i = 0; i < 12; ++i) {
    char name[8];
    std::snprintf(name, sizeof name, "%04d", i);
    for (const char* f : {"run.json", "scenario.resolved.json", "queries.csv", "peers.csv"}) {
      EXPECT_EQ(files.count(std::string("runs/") + name + "/" + f), 1u) << name << "/" << f;
    }
    EXPECT_TRUE(fs::exists(serial() / "runs" / name / "provenance.json")) << name;
  }
  EXPECT_FALSE(fs::exists(serial() / "runs" / "0012"));
  // The combined CSV is the runs' CSVs in run order, one header.
  std::string joined;
  for (int i = 0; i < 12; ++i) {
    char name[8];
    std::snprintf(name, sizeof name, "%04d", i);
    const std::string part = files.at(std::string("runs/") + name + "/queries.csv");
    joined += i == 0 ? part : part.substr(part.find('\n') + 1);
  }
  EXPECT_TRUE(joined == files.at("queries.csv"));
  EXPECT_NE(files.at("summary.csv").find("run,search.strategy,workload.zipf_alpha,metric,mean,ci95,n\n"), std::string::npos);
}

TEST_F(SweepIdentity, TwoJobsGiveTheSameBytes) {
  ASSERT_EQ(sim(scenario + " --jobs 2 --out " + dir("jobs2").string()), 0);
  expect_same_result(serial(), dir("jobs2"));
}

TEST_F(SweepIdentity, RunsAndShardsMergeToTheSameBytes) {
  ASSERT_EQ(sim(scenario + " --runs 0,3,5-7 --out " + dir("part-a").string()), 0);
  ASSERT_EQ(sim(scenario + " --runs 1-2,4,8-11 --jobs 2 --out " + dir("part-b").string()), 0);
  ASSERT_EQ(sim(std::string("merge ") + dir("part-a").string() + " " + dir("part-b").string() + " --out " +
                dir("merged").string()),
            0);
  expect_same_result(serial(), dir("merged"));
  for (int s = 0; s < 3; ++s) {
    ASSERT_EQ(sim(scenario + " --shard " + std::to_string(s) + "/3 --out " + dir("shard" + std::to_string(s)).string()), 0);
  }
  ASSERT_EQ(sim("merge " + dir("shard0").string() + " " + dir("shard1").string() + " " + dir("shard2").string() +
                " --out " + dir("merged-shards").string()),
            0);
  expect_same_result(serial(), dir("merged-shards"));
}

TEST_F(SweepIdentity, MergeRefusesRunsOfAnotherScenario) {
  ASSERT_EQ(sim(scenario + " --runs 0 --seed 12 --out " + dir("other-seed").string()), 0);
  ASSERT_EQ(sim(scenario + " --runs 1 --out " + dir("this-seed").string()), 0);
  EXPECT_EQ(sim("merge " + dir("other-seed").string() + " " + dir("this-seed").string() + " --out " +
                dir("mixed").string()),
            2);
  EXPECT_FALSE(fs::exists(dir("mixed") / "summary.json"));
}

TEST_F(SweepIdentity, InterruptedRunResumesToTheSameBytes) {
  const fs::path out = dir("interrupted");
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const std::string out_arg = out.string();
    ::execl(ZONAL_SIM_EXE, ZONAL_SIM_EXE, scenario.c_str(), "--out", out_arg.c_str(), "--quiet", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Wait (generous deadline) until the first run is complete, then interrupt.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(3);
  while (!fs::exists(out / "runs" / "0000" / "run.json") && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_TRUE(fs::exists(out / "runs" / "0000" / "run.json"));
  ::kill(child, SIGINT);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130) << "the sweep must stop early and say so";
  std::size_t complete = 0;
  for (const auto& e : fs::directory_iterator(out / "runs")) {
    EXPECT_NE(e.path().filename().string()[0], '.') << "temporary left behind: " << e.path();
    complete += fs::exists(e.path() / "run.json");
  }
  for (const auto& e : fs::directory_iterator(out)) {
    EXPECT_NE(e.path().filename().string()[0], '.') << "temporary left behind: " << e.path();
  }
  EXPECT_GE(complete, 1u);
  EXPECT_LT(complete, 12u) << "SIGINT came too late to test anything";
  EXPECT_TRUE(fs::exists(out / "summary.json")) << "the completed runs are summarised";
  ASSERT_EQ(sim(scenario + " --out " + out.string() + " --resume --jobs 2"), 0);
  expect_same_result(serial(), out);
}

TEST_F(SweepIdentity, ResumeRefusesAChangedScenario) {
  const fs::path out = dir("changed");
  ASSERT_EQ(sim(scenario + " --runs 0-1 --out " + out.string()), 0);
  EXPECT_EQ(sim(scenario + " --set workload.queries=150 --out " + out.string() + " --resume"), 2);
  EXPECT_EQ(sim(scenario + " --seed 5 --out " + out.string() + " --resume"), 2);
  EXPECT_TRUE(fs::exists(out / "runs" / "0001" / "run.json")) << "a refused resume keeps what was there";
  EXPECT_FALSE(fs::exists(out / "runs" / "0002"));
}
