// Failures on real processes: a holder SIGKILLed mid-download (the download continues from the
// other holder at the same offset, or fails clearly and resumes later from its partial file),
// nodes SIGKILLed before a search, and a tracker restart (nodes re-register and keep working).
#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <future>
#include <set>
#include <thread>

#include "cluster.hpp"
#include "time_scale.hpp"

namespace zonal::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr std::size_t node_count = 12;
constexpr std::size_t file_bytes = 12 << 20;
const std::vector<std::string> slow_holder{"--files-upload-rate-bytes-per-s", std::to_string(6 << 20), "--files-chunk-bytes", "262144"};

class NodeFailure : public ::testing::Test {
 protected:
  void SetUp() override {
    m_cluster = std::make_unique<Cluster>("failure");
    c().start_tracker({"--zones-count", "2", "--zones-min-size", "6", "--heartbeat-ms", "100", "--expiry-ms", "1500"});
    for (std::size_t i = 0; i < node_count; ++i) {
      std::vector<std::string> args{"--search-timeout-ms", search_timeout_ms()};
      if (i == 1 || i == 2) args.insert(args.end(), slow_holder.begin(), slow_holder.end());
      c().start_node(args);
    }
    c().wait_settled(2);
  }
  Cluster& c() { return *m_cluster; }
  static std::string search_timeout_ms() { return std::to_string(scaled(600ms).count()); }

  /// Index of the node currently serving a Fetch stream, waiting up to 5 s (scaled).
  std::optional<std::size_t> serving_node() {
    std::optional<std::size_t> found;
    wait_until(
        [&] {
          for (std::size_t i = 0; i < c().size(); ++i)
            if (c().node(i).process->running() && c().rest(i, "GET", "/api/status").body["uploads_active"] > 0) found = i;
          return found.has_value();
        },
        5s, 10ms);
    return found;
  }

  /// Holders a `strategy` search from node `from` finds for `name`.
  std::set<std::uint32_t> holders_found(std::size_t from, const std::string& name, const std::string& strategy) {
    const auto r = c().rest(from, "GET", "/api/search?wait=all&name=" + name + "&strategy=" + strategy);
    std::set<std::uint32_t> out;
    for (const auto& h : r.body["hits"]) out.insert(h["holder"].get<std::uint32_t>());
    return out;
  }

  /// Wait until a `strategy` search from `from` names every one of `holders` (node indices).
  void wait_found(std::size_t from, const std::string& name, const std::string& strategy, const std::vector<std::size_t>& holders) {
    const auto all_found = [&] {
      const auto found = holders_found(from, name, strategy);
      return std::all_of(holders.begin(), holders.end(), [&](std::size_t h) { return found.contains(c().node(h).id); });
    };
    ASSERT_TRUE(wait_until(all_found, 20s, 50ms)) << strategy << " search never found every holder of " << name;
  }

  /// Wait until the download into node `i` has written part of `name`: the serving holder is then mid-transfer.
  void wait_partial(std::size_t i, const std::string& name) {
    const auto partial = c().node(i).data_dir / "partial" / (name + ".download");
    ASSERT_TRUE(wait_until([&] { std::error_code ec; return fs::file_size(partial, ec) > 0 && !ec; }, 10s, 5ms))
        << "no bytes of " << name << " arrived";
  }

  std::unique_ptr<Cluster> m_cluster;
};

TEST_F(NodeFailure, HolderKilledMidDownloadTheOtherHolderFinishes) {
  const std::string sha = c().share_random(1, "big.bin", file_bytes, 7);
  ASSERT_EQ(c().share_random(2, "big.bin", file_bytes, 7), sha);
  wait_found(8, "big.bin", "flood", {1, 2});
  auto download = std::async(std::launch::async, [&] { return c().rest(8, "POST", "/api/get", {{"name", "big.bin"}, {"strategy", "flood"}}); });
  const auto serving = serving_node();
  ASSERT_TRUE(serving.has_value());
  wait_partial(8, "big.bin");
  c().stop_node(*serving, SIGKILL);
  const auto r = download.get();
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.body["file"]["sha256"], sha);
  EXPECT_EQ(sha256_hex_of(c().node(8).shared_dir() / "big.bin"), sha);
  ASSERT_EQ(r.body["sources"].size(), 2u) << r.body.dump();
  EXPECT_EQ(r.body["sources"][0]["peer"], c().node(*serving).id);
  EXPECT_GT(r.body["sources"][1]["from_offset"].get<std::uint64_t>(), 0u);  // continued, not restarted
  EXPECT_TRUE(fs::is_empty(c().node(8).data_dir / "partial"));
}

TEST_F(NodeFailure, OnlyHolderKilledFailsClearlyThenResumes) {
  const std::string sha = c().share_random(1, "solo.bin", file_bytes, 8);
  wait_found(9, "solo.bin", "zone-flood", {1});
  auto download = std::async(std::launch::async, [&] { return c().rest(9, "POST", "/api/get", {{"name", "solo.bin"}}); });
  ASSERT_EQ(serving_node(), 1u);
  wait_partial(9, "solo.bin");
  c().stop_node(1, SIGKILL);
  const auto failed = download.get();
  EXPECT_EQ(failed.status, 502) << failed.body.dump();
  EXPECT_NE(failed.body["error"].get<std::string>().find("every holder failed"), std::string::npos) << failed.body.dump();
  EXPECT_FALSE(fs::exists(c().node(9).shared_dir() / "solo.bin"));  // nothing half-written is shared
  const auto partial = c().node(9).data_dir / "partial" / "solo.bin.download";
  ASSERT_TRUE(fs::exists(partial));
  const auto kept = fs::file_size(partial);
  EXPECT_GT(kept, 0u);
  // Another holder appears: the download resumes from the partial file's length.
  ASSERT_EQ(c().share_random(3, "solo.bin", file_bytes, 8), sha);
  // The home zone's records still name the dead holder first; /api/get then floods and finds 3.
  wait_found(9, "solo.bin", "flood", {3});
  const auto resumed = c().rest(9, "POST", "/api/get", {{"name", "solo.bin"}});
  ASSERT_EQ(resumed.status, 200) << resumed.body.dump();
  EXPECT_EQ(resumed.body["resumed_from"].get<std::uint64_t>(), kept);
  EXPECT_EQ(sha256_hex_of(c().node(9).shared_dir() / "solo.bin"), sha);
}

TEST_F(NodeFailure, SearchStillFindsReachableHoldersAfterKills) {
  c().share_random(4, "kept.bin", 1000, 9);
  c().share_random(5, "kept.bin", 1000, 9);
  wait_found(0, "kept.bin", "flood", {4, 5});
  c().stop_node(6, SIGKILL);
  c().stop_node(7, SIGKILL);
  // Flood straight away (the tracker still lists them): copies to the dead nodes fail, the rest
  // flows. Zone flood after the tracker expired them: its single entry hop may have picked a
  // dead member before that (a known limit of one-hop entry, see docs/node.md).
  for (const std::string strategy : {"flood", "zone-flood"}) {
    if (strategy == "zone-flood") c().wait_settled(1);  // the tracker expired both: 10 live peers, min_size 6, one zone
    const auto r = c().rest(0, "GET", "/api/search?wait=all&name=kept.bin&strategy=" + strategy);
    ASSERT_EQ(r.status, 200) << r.body.dump();
    std::set<std::uint32_t> holders;
    for (const auto& h : r.body["hits"]) holders.insert(h["holder"].get<std::uint32_t>());
    EXPECT_FALSE(holders.empty()) << strategy;
    for (auto h : holders) EXPECT_TRUE(h == c().node(4).id || h == c().node(5).id);
    if (strategy == "flood") {
      EXPECT_EQ(holders.size(), 2u);
    }
  }
}

TEST_F(NodeFailure, TrackerRestartNodesReRegisterAndKeepWorking) {
  const std::string sha = c().share_random(10, "after.bin", 100'000, 11);
  c().kill_tracker();  // returns once the tracker has exited
  // Without a tracker the nodes keep their directory and still search and transfer.
  auto during = c().rest(3, "POST", "/api/get", {{"name", "after.bin"}, {"strategy", "flood"}});
  EXPECT_EQ(during.status, 200) << during.body.dump();
  c().restart_tracker();
  const auto all_registered_again = [&] {
    for (std::size_t i = 0; i < c().size(); ++i)
      if (c().rest(i, "GET", "/api/status").body["registrations"] < 2) return false;
    return true;
  };
  ASSERT_TRUE(wait_until(all_registered_again, 20s, 50ms)) << "not every node re-registered";
  c().wait_settled(2);
  for (std::size_t i = 0; i < c().size(); ++i) EXPECT_EQ(c().rest(i, "GET", "/api/status").body["id"], c().node(i).id) << "kept its id";
  const std::size_t late = c().start_node({"--search-timeout-ms", search_timeout_ms()});
  c().wait_settled(2);
  const auto r = c().rest(late, "POST", "/api/get", {{"name", "after.bin"}});
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.body["file"]["sha256"], sha);
}

TEST_F(NodeFailure, SigtermLeavesGracefully) {
  c().stop_node(11, SIGTERM);
  EXPECT_EQ(c().node(11).process->wait_exit(scaled(5s)), 0);
  std::size_t peers = 0;
  wait_until(
      [&] {
        peers = c().rest(0, "GET", "/api/peers").body["peers"].size();
        return peers == node_count - 1;
      },
      5s, 50ms);
  EXPECT_EQ(peers, node_count - 1);
}

}  // namespace
}  // namespace zonal::test
