// Search that answers at the first hit (wait=first|all|<ms>), server-sent events, /metrics,
// /healthz, /readyz, the tracker's listener, and query ids unique across strategies, on a real
// 6-node loopback cluster with Chord enabled beside the zones.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "cluster.hpp"
#include "http_client.hpp"
#include "http_text.hpp"

namespace zonal::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr int search_timeout_ms = 4000;

class NodeObservability : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    s_cluster = new Cluster("observability");
    s_cluster->start_tracker({"--zones-count", "1", "--zones-min-size", "6", "--heartbeat-ms", "300"});
    for (int i = 0; i < 6; ++i)
      s_cluster->start_node({"--search-timeout-ms", std::to_string(search_timeout_ms), "--chord-enabled", "true",
                             "--search-strategy", "zone-flood"});
    s_cluster->wait_settled(1);
    s_cluster->share_random(5, "obs.bin", 300'000, 7);
    s_cluster->share_random(4, "obs.bin", 300'000, 7);
    // Index records reach the home zone and the Chord ring asynchronously: wait until a full
    // search from node 0 finds the holders by both strategies.
    const auto deadline = Clock::now() + 30s;
    for (const std::string strategy : {"zone-flood", "chord"}) {
      while (Clock::now() < deadline) {
        const auto r = s_cluster->rest(0, "GET", "/api/search?wait=all&name=obs.bin&strategy=" + strategy);
        if (r.status == 200 && !r.body["hits"].empty()) break;
        std::this_thread::sleep_for(200ms);
      }
    }
  }
  static void TearDownTestSuite() {
    delete s_cluster;
    s_cluster = nullptr;
  }
  Cluster& c() { return *s_cluster; }
  std::string metrics(std::size_t i) {
    const auto r = http_get_text(c().node(i).rest_port, "/metrics", cli::read_api_token(c().node(i).data_dir));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.content_type.rfind("text/plain; version=0.0.4", 0), 0u) << r.content_type;
    return r.body;
  }

  static Cluster* s_cluster;
};

Cluster* NodeObservability::s_cluster = nullptr;

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

TEST_F(NodeObservability, SearchAnswersAtTheFirstHitWellBeforeTheWindowCloses) {
  const auto start = Clock::now();
  const auto r = c().rest(0, "GET", "/api/search?name=obs.bin");
  const double took_ms = ms_since(start);
  ASSERT_EQ(r.status, 200) << r.body.dump();
  ASSERT_FALSE(r.body["hits"].empty()) << r.body.dump();
  EXPECT_FALSE(r.body["complete"].get<bool>());
  EXPECT_LT(took_ms, search_timeout_ms / 4.0) << "the first hit should not wait for the search window";
  const std::uint32_t holder = r.body["hits"][0]["holder"];
  EXPECT_TRUE(holder == c().node(5).id || holder == c().node(4).id) << r.body.dump();

  // wait=all waits for the window and reports it complete.
  const auto all_start = Clock::now();
  const auto all = c().rest(0, "GET", "/api/search?name=obs.bin&wait=all");
  ASSERT_EQ(all.status, 200) << all.body.dump();
  EXPECT_TRUE(all.body["complete"].get<bool>());
  EXPECT_GE(ms_since(all_start), search_timeout_ms * 0.9);
  EXPECT_GE(all.body["hits"].size(), r.body["hits"].size());

  // wait=<ms> on a name nobody has: an empty, incomplete answer after that long, not the window.
  const auto ms_start = Clock::now();
  const auto none = c().rest(0, "GET", "/api/search?name=nobody-has-this.bin&wait=300");
  ASSERT_EQ(none.status, 200) << none.body.dump();
  EXPECT_TRUE(none.body["hits"].empty());
  EXPECT_FALSE(none.body["complete"].get<bool>());
  EXPECT_GE(ms_since(ms_start), 250.0);
  EXPECT_LT(ms_since(ms_start), search_timeout_ms / 2.0);

  EXPECT_EQ(c().rest(0, "GET", "/api/search?name=x&wait=soon").status, 400);
  EXPECT_EQ(c().rest(0, "GET", "/api/search?name=x&wait=600001").status, 400);
  EXPECT_EQ(c().rest(0, "GET", "/api/search?name=x&stream=yes").status, 400);
}

TEST_F(NodeObservability, EventStreamDeliversHitsBeforeDone) {
  const auto s = read_sse(c().node(1).rest_port, "/api/search?name=obs.bin&stream=1", std::chrono::milliseconds(search_timeout_ms + 10000),
                        cli::read_api_token(c().node(1).data_dir));
  EXPECT_EQ(s.status, 200);
  EXPECT_EQ(s.content_type, "text/event-stream");
  ASSERT_GE(s.events.size(), 2u);
  EXPECT_EQ(s.events.back().event, "done");
  std::size_t hits = 0;
  for (std::size_t i = 0; i + 1 < s.events.size(); ++i) {
    EXPECT_EQ(s.events[i].event, "hit");
    EXPECT_TRUE(s.events[i].data.contains("holder")) << s.events[i].data.dump();
    ++hits;
  }
  ASSERT_GE(hits, 1u);
  const json done = s.events.back().data;
  EXPECT_EQ(done["hits"], hits);
  EXPECT_TRUE(done["complete"].get<bool>());
  EXPECT_EQ(done["error"], "");
  EXPECT_EQ(done["strategy"], "zone-flood");
  EXPECT_NE(done["query_id"], 0);
  // The first hit came while the search still ran: well before the window closed and the done event.
  const auto first_ms = std::chrono::duration<double, std::milli>(s.events.front().at - s.started).count();
  const auto done_ms = std::chrono::duration<double, std::milli>(s.events.back().at - s.started).count();
  EXPECT_LT(first_ms, search_timeout_ms / 4.0);
  EXPECT_GE(done_ms, search_timeout_ms * 0.9);
}

TEST_F(NodeObservability, MetricsChangeAfterASearchAndADownload) {
  const std::string before = metrics(2);
  const double served_before = metric_value(metrics(5), "zonal_bytes_served_total") + metric_value(metrics(4), "zonal_bytes_served_total");
  const auto r = c().rest(2, "GET", "/api/search?name=obs.bin&strategy=zone-flood");
  ASSERT_EQ(r.status, 200) << r.body.dump();
  ASSERT_FALSE(r.body["hits"].empty());
  // Hits are counted as they arrive; the answer came at the first one.
  const std::string after = metrics(2);
  const auto delta = [&](const std::string& series) { return metric_value(after, series) - metric_value(before, series); };
  EXPECT_EQ(delta("zonal_searches_total{strategy=\"zone-flood\"}"), 1);
  EXPECT_GE(delta("zonal_search_hits_total{strategy=\"zone-flood\"}"), 1);
  EXPECT_EQ(delta("zonal_search_first_hit_seconds_count{strategy=\"zone-flood\"}"), 1);
  EXPECT_GE(delta("zonal_messages_out_total{kind=\"query\"}"), 1);
  EXPECT_GE(delta("zonal_messages_in_total{kind=\"query_hit\"}"), 1);
  EXPECT_EQ(metric_value(after, "zonal_peers_known"), 6);
  EXPECT_EQ(metric_value(after, "zonal_zone_size"), 6);
  EXPECT_EQ(metric_value(after, "zonal_registered"), 1);
  EXPECT_NE(after.find("# TYPE zonal_search_first_hit_seconds histogram"), std::string::npos);
  EXPECT_NE(after.find("zonal_events_outbox_depth 0"), std::string::npos);

  // A download: bytes downloaded here, bytes served by the holders, no download left running.
  const auto get = c().rest(2, "POST", "/api/get", {{"name", "obs.bin"}});
  ASSERT_EQ(get.status, 200) << get.body.dump();
  const std::string got = metrics(2);
  EXPECT_EQ(metric_value(got, "zonal_bytes_downloaded_total") - metric_value(after, "zonal_bytes_downloaded_total"), 300'000);
  EXPECT_EQ(metric_value(got, "zonal_downloads_active"), 0);
  const double served = metric_value(metrics(5), "zonal_bytes_served_total") + metric_value(metrics(4), "zonal_bytes_served_total");
  EXPECT_GE(served - served_before, 300'000);
}

TEST_F(NodeObservability, GetStartsOnTheFirstHitInsteadOfWaitingForTheWindow) {
  c().share_random(5, "quick.bin", 50'000, 9);
  // Wait until the record is findable, then time a get from a node that does not have it.
  const auto deadline = Clock::now() + 20s;
  while (Clock::now() < deadline && c().rest(3, "GET", "/api/search?name=quick.bin&wait=all").body["hits"].empty())
    std::this_thread::sleep_for(200ms);
  const auto start = Clock::now();
  const auto get = c().rest(3, "POST", "/api/get", {{"name", "quick.bin"}});
  const double took_ms = ms_since(start);
  ASSERT_EQ(get.status, 200) << get.body.dump();
  EXPECT_EQ(get.body["file"]["size"], 50'000);
  EXPECT_LT(took_ms, search_timeout_ms / 2.0) << "get should start downloading at the first hit";
}

TEST_F(NodeObservability, QueryIdsAreUniqueAcrossStrategies) {
  std::set<std::uint64_t> ids;
  for (int round = 0; round < 2; ++round) {
    for (const std::string strategy : {"flood", "chord", "zone-flood", "chord"}) {
      const auto r = c().rest(1, "GET", "/api/search?wait=all&name=obs.bin&strategy=" + strategy);
      ASSERT_EQ(r.status, 200) << strategy << ": " << r.body.dump();
      const std::uint64_t id = r.body["query_id"];
      EXPECT_EQ(id >> 32, c().node(1).id) << "the origin's id is in the high half";
      EXPECT_TRUE(ids.insert(id).second) << "query id " << id << " reused by " << strategy;
    }
  }
  // /api/queries rows of this node's own searches do not collide either.
  const auto q = c().rest(1, "GET", "/api/queries").body;
  std::size_t own = 0;
  for (const auto& row : q["queries"]) own += ids.count(row["query_id"].get<std::uint64_t>());
  EXPECT_GE(own, 4u);  // the flood and zone-flood searches (Chord lookups are not core queries)
}

TEST_F(NodeObservability, HealthAndReadinessOnNodesAndTracker) {
  for (std::size_t i = 0; i < c().size(); ++i) {
    const auto h = c().rest(i, "GET", "/healthz");
    EXPECT_EQ(h.status, 200);
    EXPECT_EQ(h.body["status"], "ok");
    const auto r = c().rest(i, "GET", "/readyz");
    EXPECT_EQ(r.status, 200) << r.body.dump();
    EXPECT_TRUE(r.body["registered"].get<bool>());
    EXPECT_TRUE(r.body["zones_known"].get<bool>());
  }
  ASSERT_NE(c().tracker_http_port(), 0);
  EXPECT_EQ(http_get_text(c().tracker_http_port(), "/healthz").status, 200);
  EXPECT_EQ(http_get_text(c().tracker_http_port(), "/readyz").status, 200);
  EXPECT_EQ(http_get_text(c().tracker_http_port(), "/nothing").status, 404);
  const auto m = http_get_text(c().tracker_http_port(), "/metrics");
  EXPECT_EQ(m.status, 200);
  EXPECT_EQ(metric_value(m.body, "zonal_tracker_peers"), 6);
  EXPECT_EQ(metric_value(m.body, "zonal_tracker_zones"), 1);
  EXPECT_GE(metric_value(m.body, "zonal_tracker_requests_total{method=\"Tracker/Heartbeat\"}"), 1);
  EXPECT_GE(metric_value(m.body, "zonal_tracker_requests_total{method=\"Tracker/Register\"}"), 6);
}

}  // namespace
}  // namespace zonal::test
