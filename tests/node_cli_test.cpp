// The `zonal` command-line client against a real node: readable answers, exit status 1 with a
// clear message for errors, and the interactive menu driven through stdin.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>

#include "cluster.hpp"
#include "http_client.hpp"
#include "time_scale.hpp"

namespace zonal::test {
namespace {

struct Output {
  int status = -1;
  std::string text;
};

/// Run the shell command `cmd` (stderr merged) and collect its output and exit status.
Output run(const std::string& cmd) {
  Output out;
  FILE* pipe = ::popen((cmd + " 2>&1").c_str(), "r");
  std::array<char, 4096> buf{};
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe)) out.text.append(buf.data(), n);
  const int status = ::pclose(pipe);
  out.status = WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
  return out;
}

TEST(ZonalCli, CommandsAgainstARealNode) {
  Cluster c("cli");
  c.start_tracker({"--zones-min-size", "2"});
  // Searches collect hits for their whole timeout: long enough for all 16 walkers on a loaded machine.
  const std::string timeout_ms = std::to_string(scaled(std::chrono::milliseconds(1500)).count());
  c.start_node({"--search-timeout-ms", timeout_ms});
  c.start_node({"--search-timeout-ms", timeout_ms});
  c.wait_settled(1);
  const std::string zonal = std::string(ZONAL_CLI_EXE) + " --node 127.0.0.1:";
  const auto cli = [&](std::size_t i) {  // the CLI reads node i's API token from its data directory
    return std::string(ZONAL_CLI_EXE) + " --data-dir " + c.node(i).data_dir.string() + " --node 127.0.0.1:" +
           std::to_string(c.node(i).rest_port);
  };
  const std::string a = cli(0);
  const std::string b = cli(1);

  const auto status = run(a + " status");
  EXPECT_EQ(status.status, 0);
  EXPECT_NE(status.text.find("peer " + std::to_string(c.node(0).id) + " at 127.0.0.1:"), std::string::npos) << status.text;

  const auto file = c.dir() / "notes.txt";
  std::ofstream(file) << "zonal cli test\n";
  const auto share = run(a + " share " + file.string());
  EXPECT_EQ(share.status, 0) << share.text;
  EXPECT_NE(share.text.find("sharing \"notes.txt\" (15 bytes"), std::string::npos) << share.text;
  // A publishes the index record to its zone (both nodes): searches start once B keeps it.
  ASSERT_TRUE(wait_until([&] { return c.rest(1, "GET", "/api/status").body["records"] >= 1; }, std::chrono::seconds(10)));

  const auto search = run(b + " search notes.txt");
  EXPECT_EQ(search.status, 0);
  EXPECT_NE(search.text.find("1 hit(s) for \"notes.txt\""), std::string::npos) << search.text;
  // 16 walkers from B all reach the one holder A one hop away: one line, the repeats counted.
  const auto walk = run(b + " search notes.txt --strategy random-walk --wait all");
  EXPECT_EQ(walk.status, 0);
  EXPECT_NE(walk.text.find("16 hit(s) for \"notes.txt\" (random-walk)"), std::string::npos) << walk.text;
  EXPECT_NE(walk.text.find("(and 15 more the same way)"), std::string::npos) << walk.text;
  EXPECT_EQ(std::count(walk.text.begin(), walk.text.end(), '\n'), 2) << walk.text;
  const auto get = run(b + " get notes.txt");
  EXPECT_EQ(get.status, 0);
  EXPECT_NE(get.text.find("downloaded \"notes.txt\": 15 bytes"), std::string::npos) << get.text;

  const auto bad = run(b + " get ../secret");
  EXPECT_EQ(bad.status, 1);
  EXPECT_EQ(bad.text, "zonal: name: must not start with '.'\n");
  const auto down = run(zonal + "1 status");
  EXPECT_EQ(down.status, 1);
  EXPECT_NE(down.text.find("cannot reach the node at 127.0.0.1:1"), std::string::npos) << down.text;

  // `zonal ui` hands the page the token the CLI itself sends: from the data directory, else --token.
  const std::string token_a = cli::read_api_token(c.node(0).data_dir);
  const auto ui = run(a + " ui");
  EXPECT_EQ(ui.status, 0) << ui.text;
  EXPECT_EQ(ui.text.rfind("http://127.0.0.1:" + std::to_string(c.node(0).rest_port) + "/#token=" + token_a + "\n", 0), 0u) << ui.text;
  const auto ui_flag = run(zonal + std::to_string(c.node(0).rest_port) + " --token " + token_a + " ui");
  EXPECT_EQ(ui_flag.status, 0) << ui_flag.text;
  EXPECT_NE(ui_flag.text.find("/#token=" + token_a + "\n"), std::string::npos) << ui_flag.text;

  const auto menu = run("printf '4\\n5\\nnotes.txt\\nq\\n' | " + b + " interactive");
  EXPECT_EQ(menu.status, 0);
  EXPECT_NE(menu.text.find("notes.txt  15 bytes"), std::string::npos) << menu.text;
  EXPECT_NE(menu.text.find("hit(s) for \"notes.txt\""), std::string::npos) << menu.text;
}

}  // namespace
}  // namespace zonal::test
