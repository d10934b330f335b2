// zonal-sim as a user meets it: exit codes, error text naming the JSON path, nothing written
// for a rejected scenario, and results written for a good one.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

namespace fs = std::filesystem;

namespace {

struct Outcome {
  int status;
  std::string output;
};

Outcome run(const std::string& args) {
  const std::string cmd = std::string(ZONAL_SIM_EXE) + " " + args + " 2>&1";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
  std::string out;
  std::array<char, 4096> buf{};
  while (fgets(buf.data(), buf.size(), pipe.get()) != nullptr) out += buf.data();
  const int status = pclose(pipe.release());
  // A crash must not read as a clean exit: a signal becomes 128 + its number, like a shell's $?.
  if (status == -1) return {-1, out};
  if (WIFSIGNALED(status)) return {128 + WTERMSIG(status), out};
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = fs::temp_directory_path() / ("zonal-cli-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(m_dir);
    fs::create_directories(m_dir);
  }
  void TearDown() override { fs::remove_all(m_dir); }

  std::string write(const std::string& text) {
    const fs::path p = m_dir / "scenario.json";
    std::ofstream(p) << text;
    return p.string();
  }

  fs::path m_dir;
};

}  // namespace

TEST_F(Cli, BadScenarioExitsTwoNamesThePathAndWritesNothing) {
  const auto file = write(R"({"name": "bad", "peers": 100, "zones": {"min_size": 0}})");
  const fs::path out = m_dir / "out";
  const Outcome o = run(file + " --out " + out.string());
  EXPECT_EQ(o.status, 2);
  EXPECT_NE(o.output.find("zones.min_size: must be >= 1"), std::string::npos) << o.output;
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(Cli, UnknownKeyIsRejected) {
  const Outcome o = run(write(R"({"name": "bad", "peers": 100, "search": {"ttl": 7, "tll": 3}})"));
  EXPECT_EQ(o.status, 2);
  EXPECT_NE(o.output.find("search.tll: unknown key"), std::string::npos) << o.output;
}

TEST_F(Cli, MissingScenarioFileExitsTwo) {
  const Outcome o = run((m_dir / "nope.json").string());
  EXPECT_EQ(o.status, 2);
  EXPECT_NE(o.output.find("cannot read"), std::string::npos) << o.output;
}

TEST_F(Cli, MalformedJsonExitsTwo) {
  const Outcome o = run(write(R"({"name": "bad", "peers": )"));
  EXPECT_EQ(o.status, 2);
  EXPECT_NE(o.output.find("invalid JSON"), std::string::npos) << o.output;
}

TEST_F(Cli, ExistingResultsSurviveARejectedRun) {
  const fs::path out = m_dir / "out";
  fs::create_directories(out);
  std::ofstream(out / "summary.json") << "{\"keep\": true}";
  const Outcome o = run(write(R"({"name": "bad", "peers": 0})") + " --out " + out.string());
  EXPECT_EQ(o.status, 2);
  std::ifstream in(out / "summary.json");
  std::string kept((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(kept, "{\"keep\": true}");
}

namespace {
const char* const tiny_scenario = R"({"name": "tiny", "seed": 3, "peers": 60, "topology": {"kind": "random-regular", "degree": 4},
    "zones": {"count": 2}, "content": {"files": 20, "replicas": 2}, "workload": {"queries": 30, "rate_per_s": 10}})";
}  // namespace

TEST_F(Cli, OutRefusesADirectoryWithOtherFilesAndKeepsThem) {
  const fs::path out = m_dir / "out";
  fs::create_directories(out / "sub");
  std::ofstream(out / "important.txt") << "precious";
  const Outcome o = run(write(tiny_scenario) + " --out " + out.string() + " --quiet");
  EXPECT_EQ(o.status, 2);
  EXPECT_NE(o.output.find("not empty and not a zonal result"), std::string::npos) << o.output;
  EXPECT_TRUE(fs::exists(out / "important.txt"));
  EXPECT_TRUE(fs::exists(out / "sub"));
  EXPECT_FALSE(fs::exists(out / "summary.json"));
}

TEST_F(Cli, OutRefusesARegularFile) {
  const fs::path out = m_dir / "afile";
  std::ofstream(out) << "data";
  const Outcome o = run(write(tiny_scenario) + " --out " + out.string() + " --quiet");
  EXPECT_EQ(o.status, 2);
  EXPECT_NE(o.output.find("exists and is not a directory"), std::string::npos) << o.output;
  EXPECT_TRUE(fs::is_regular_file(out));
}

TEST_F(Cli, OutBelowARegularFileIsRefusedBeforeTheRun) {
  const fs::path file = m_dir / "afile";
  std::ofstream(file) << "data";
  const Outcome o = run(write(tiny_scenario) + " --out " + (file / "sub").string());
  EXPECT_EQ(o.status, 2);
  EXPECT_NE(o.output.find("--out: " + (file / "sub").string() + ": cannot be created: " + file.string() +
                          " is not a directory"),
            std::string::npos)
      << o.output;
  EXPECT_EQ(o.output.find("replay with"), std::string::npos) << "the run must not start: " << o.output;
  EXPECT_TRUE(fs::is_regular_file(file));
}

TEST_F(Cli, RerunReplacesAPreviousResult) {
  const fs::path out = m_dir / "out";
  const std::string file = write(tiny_scenario);
  ASSERT_EQ(run(file + " --out " + out.string() + " --quiet").status, 0);
  const Outcome o = run(file + " --out " + out.string() + " --quiet --seed 4");
  EXPECT_EQ(o.status, 0) << o.output;
  std::ifstream in(out / "summary.json");
  std::string summary((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(summary.find("\"seed\": 4"), std::string::npos);
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(m_dir)) ++entries;
  EXPECT_EQ(entries, 2u) << "only scenario.json and out/: no temporary directories left";
}

TEST_F(Cli, BadSeedAndUsageErrorsExitTwo) {
  const std::string file = write(tiny_scenario);
  EXPECT_EQ(run(file + " --seed -1").status, 2);
  EXPECT_EQ(run(file + " --seed 18446744073709551616").status, 2);
  EXPECT_EQ(run(file + " --no-such-flag").status, 2);
  EXPECT_EQ(run("").status, 2);
}

TEST_F(Cli, GoodScenarioWritesAllResultsAndATable) {
  const auto file = write(R"({"name": "tiny", "seed": 3, "peers": 60, "topology": {"kind": "random-regular", "degree": 4},
    "zones": {"count": 2}, "content": {"files": 20, "replicas": 2}, "workload": {"queries": 30, "rate_per_s": 10},
    "sweep": {"search.strategy": ["flood", "zone-flood"]}})");
  const fs::path out = m_dir / "out";
  const Outcome o = run(file + " --out " + out.string() + " --quiet");
  ASSERT_EQ(o.status, 0) << o.output;
  for (const char* f : {"summary.json", "queries.csv", "peers.csv", "messages.svg"}) EXPECT_TRUE(fs::exists(out / f)) << f;
  EXPECT_NE(o.output.find("search.strategy=zone-flood"), std::string::npos) << o.output;
  EXPECT_NE(o.output.find("seed 3"), std::string::npos) << o.output;
  std::ifstream csv(out / "queries.csv");
  std::string header;
  std::getline(csv, header);
  EXPECT_EQ(header.rfind("run,replication,query_id,origin,strategy,zone,exists,messages,duplicates,reached,hits,", 0), 0u)
      << header;
  std::size_t rows = 0;
  for (std::string line; std::getline(csv, line);) ++rows;
  EXPECT_EQ(rows, 60u);  // 30 queries x 2 strategies
}

TEST_F(Cli, ListPrintsTheRunTableAndRunsNothing) {
  const auto file = write(R"({"name": "tiny", "seed": 3, "peers": 60, "topology": {"kind": "random-regular", "degree": 4},
    "zones": {"count": 2}, "content": {"files": 20, "replicas": 2}, "workload": {"queries": 30, "rate_per_s": 10},
    "replications": 2, "sweep": {"search.strategy": ["flood", "zone-flood"]}})");
  const Outcome o = run(file + " --list");
  ASSERT_EQ(o.status, 0) << o.output;
  EXPECT_NE(o.output.find("3    1            "), std::string::npos) << "run 3 = point 1, replication 1\n" << o.output;
  EXPECT_NE(o.output.find("search.strategy=zone-flood  [search.strategy=zone-flood]"), std::string::npos) << o.output;
  EXPECT_EQ(std::count(o.output.begin(), o.output.end(), '\n'), 5) << o.output;  // header + 4 runs
  EXPECT_FALSE(fs::exists(m_dir / "results"));
  const Outcome some = run(file + " --list --runs 1,3");
  EXPECT_EQ(std::count(some.output.begin(), some.output.end(), '\n'), 3) << some.output;
  EXPECT_EQ(run(file + " --list --runs 4").status, 2);
  EXPECT_EQ(run(file + " --list --runs 2-1").status, 2);
  EXPECT_EQ(run(file + " --list --shard 2/2").status, 2);
  EXPECT_EQ(run(file + " --list --runs 1 --shard 0/2").status, 2);
}

TEST_F(Cli, DryRunEstimatesAndMaxMemoryRefusesBeforeAllocating) {
  const auto file = write(R"({"name": "huge", "peers": 10000000, "topology": {"degree": 100}})");
  const Outcome dry = run(file + " --dry-run --max-memory 1T");
  ASSERT_EQ(dry.status, 0) << dry.output;
  EXPECT_NE(dry.output.find("scenario huge is valid: 1 run(s)"), std::string::npos) << dry.output;
  EXPECT_NE(dry.output.find(" GB "), std::string::npos) << dry.output;
  const fs::path out = m_dir / "out";
  const Outcome o = run(file + " --out " + out.string() + " --max-memory 2G");
  EXPECT_EQ(o.status, 2) << o.output;
  EXPECT_NE(o.output.find("run 0 (base) needs an estimated "), std::string::npos) << o.output;
  EXPECT_NE(o.output.find("more than --max-memory 2.0 GB"), std::string::npos) << o.output;
  EXPECT_FALSE(fs::exists(out));
  EXPECT_EQ(run(file + " --max-memory lots").status, 2);
}

TEST_F(Cli, VersionAndSetOverrides) {
  const Outcome v = run("--version");
  EXPECT_EQ(v.status, 0);
  EXPECT_EQ(v.output.rfind("zonal-sim 0.", 0), 0u) << v.output;
  const fs::path out = m_dir / "out";
  const Outcome o = run(write(tiny_scenario) + " --set workload.queries=12 --set search.strategy=flood --out " +
                        out.string() + " --quiet");
  ASSERT_EQ(o.status, 0) << o.output;
  std::ifstream in(out / "runs" / "0000" / "scenario.resolved.json");
  const auto resolved = nlohmann::json::parse(in);
  EXPECT_EQ(resolved["workload"]["queries"], 12);
  EXPECT_EQ(resolved["search"]["strategy"], "flood");
  const Outcome bad = run(write(tiny_scenario) + " --set zones.min_size=0");
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.output.find("zones.min_size: must be >= 1"), std::string::npos) << bad.output;
}

TEST_F(Cli, TheScenarioMayLiveInItsResultDirectory) {
  const fs::path study = m_dir / "study";
  fs::create_directories(study);
  std::ofstream(study / "my-study.json") << tiny_scenario;
  const std::string file = (study / "my-study.json").string();
  ASSERT_EQ(run(file + " --out " + study.string() + " --quiet").status, 0);
  ASSERT_EQ(run(file + " --out " + study.string() + " --quiet --seed 5").status, 0) << "a rerun replaces the result";
  EXPECT_TRUE(fs::exists(study / "my-study.json"));
  EXPECT_TRUE(fs::exists(study / "scenario.json"));
  EXPECT_TRUE(fs::exists(study / "runs" / "0000" / "run.json"));
  std::ofstream(study / "notes.txt") << "mine";
  EXPECT_EQ(run(file + " --out " + study.string() + " --quiet").status, 2) << "other files are still refused";
}

TEST_F(Cli, TimeSeriesAreWrittenPerRunAndCombinedInRunOrder) {
  const auto file = write(R"({"name": "ts", "seed": 3, "peers": 60, "topology": {"kind": "random-regular", "degree": 4},
    "zones": {"count": 2}, "content": {"files": 20, "replicas": 2}, "workload": {"queries": 30, "rate_per_s": 10},
    "output": {"timeseries_ms": 500}, "sweep": {"search.strategy": ["flood", "zone-flood"]}})");
  const fs::path out = m_dir / "out";
  ASSERT_EQ(run(file + " --out " + out.string() + " --quiet --jobs 2").status, 0);
  const auto slurp = [](const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  };
  const std::string a = slurp(out / "runs" / "0000" / "timeseries.csv");
  const std::string b = slurp(out / "runs" / "0001" / "timeseries.csv");
  ASSERT_FALSE(a.empty());
  ASSERT_FALSE(b.empty());
  EXPECT_EQ(slurp(out / "timeseries.csv"), a + b.substr(b.find('\n') + 1));
}
