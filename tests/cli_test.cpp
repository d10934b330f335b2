// zonal-sim as a user meets it: exit codes, error text naming the JSON path, nothing written
// for a rejected scenario, and results written for a good one.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

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
