// The client-facing gRPC service (zonal.wire.Client) through the generated stubs against real
// nodes, and the OpenAPI document against the routes the node actually serves.
#include <gtest/gtest.h>
#include <grpcpp/grpcpp.h>

#include <fstream>
#include <set>
#include <thread>

#include "api_routes.hpp"
#include "cluster.hpp"
#include "http_client.hpp"
#include "http_text.hpp"
#include "zonal.grpc.pb.h"

namespace zonal::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr int search_timeout_ms = 3000;

class NodeClientApi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    s_cluster = new Cluster("client-api");
    s_cluster->start_tracker({"--zones-count", "1", "--zones-min-size", "4", "--heartbeat-ms", "300"});
    for (int i = 0; i < 4; ++i) s_cluster->start_node({"--search-timeout-ms", std::to_string(search_timeout_ms)});
    s_cluster->wait_settled(1);
  }
  static void TearDownTestSuite() {
    delete s_cluster;
    s_cluster = nullptr;
  }
  Cluster& c() { return *s_cluster; }
  std::unique_ptr<wire::Client::Stub> stub(std::size_t i) {
    EXPECT_NE(c().node(i).client_port, 0);
    return wire::Client::NewStub(grpc::CreateChannel(c().node(i).client_address(), grpc::InsecureChannelCredentials()));
  }
  /// Add node `i`'s API token to `ctx` as the Client service requires (metadata `authorization: Bearer TOKEN`).
  void authorize(grpc::ClientContext& ctx, std::size_t i) {
    ctx.AddMetadata("authorization", "Bearer " + cli::read_api_token(c().node(i).data_dir));
  }
  /// Share `name` on node `i` through Client.Share after writing it into its shared directory.
  wire::ClientFile share(std::size_t i, const std::string& name, std::size_t bytes) {
    std::ofstream(c().node(i).shared_dir() / name, std::ios::binary) << std::string(bytes, 'z');
    grpc::ClientContext ctx;
    authorize(ctx, i);
    wire::ClientShareRequest req;
    req.set_name(name);
    wire::ClientFile f;
    const auto s = stub(i)->Share(&ctx, req, &f);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return f;
  }

  static Cluster* s_cluster;
};

Cluster* NodeClientApi::s_cluster = nullptr;

TEST_F(NodeClientApi, StatusAnswersWithTheNodesIdentity) {
  grpc::ClientContext ctx;
  authorize(ctx, 1);
  wire::ClientStatus st;
  const auto s = stub(1)->Status(&ctx, wire::ClientStatusRequest{}, &st);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(st.id(), c().node(1).id);
  EXPECT_EQ(st.address(), c().node(1).grpc_address());
  EXPECT_TRUE(st.registered());
  EXPECT_EQ(st.zone_count(), 1u);
  EXPECT_EQ(st.peers_known(), 4u);
  EXPECT_EQ(st.strategy(), "zone-flood");
}

TEST_F(NodeClientApi, SearchStreamsHitsThenDoneAndGetStreamsProgress) {
  const auto f = share(3, "app.bin", 3 << 20);
  EXPECT_EQ(f.name(), "app.bin");
  EXPECT_EQ(f.size(), 3u << 20);
  EXPECT_EQ(f.sha256().size(), 64u);

  // The record reaches the zone asynchronously: search until the stream brings a hit.
  std::vector<wire::ClientHit> hits;
  wire::ClientSearchDone done;
  Clock::time_point first_hit_at{}, done_at{}, started{};
  const auto deadline = Clock::now() + 20s;
  while (hits.empty() && Clock::now() < deadline) {
    grpc::ClientContext ctx;
    authorize(ctx, 0);
    wire::ClientSearchRequest req;
    req.set_name("app.bin");
    started = Clock::now();
    auto reader = stub(0)->Search(&ctx, req);
    wire::ClientSearchEvent ev;
    bool saw_done = false;
    while (reader->Read(&ev)) {
      EXPECT_FALSE(saw_done) << "nothing may follow done";
      if (ev.has_hit()) {
        if (hits.empty()) first_hit_at = Clock::now();
        hits.push_back(ev.hit());
      } else {
        ASSERT_TRUE(ev.has_done());
        saw_done = true;
        done = ev.done();
        done_at = Clock::now();
      }
    }
    const auto s = reader->Finish();
    ASSERT_TRUE(s.ok()) << s.error_message();
    ASSERT_TRUE(saw_done);
  }
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].holder(), c().node(3).id);
  EXPECT_EQ(hits[0].address(), c().node(3).grpc_address());
  EXPECT_EQ(done.hits(), hits.size());
  EXPECT_TRUE(done.complete());
  EXPECT_EQ(done.strategy(), "zone-flood");
  EXPECT_EQ(done.query_id() >> 32, c().node(0).id);
  // Hits are streamed as they arrive, long before the window closes and done is sent.
  const auto ms = [](Clock::duration d) { return std::chrono::duration_cast<std::chrono::microseconds>(d).count() / 1000.0; };
  EXPECT_LT(ms(first_hit_at - started), search_timeout_ms / 4.0);
  EXPECT_GE(ms(done_at - started), search_timeout_ms * 0.9);

  grpc::ClientContext ctx;
  authorize(ctx, 0);
  wire::ClientGetRequest req;
  req.set_name("app.bin");
  auto reader = stub(0)->Get(&ctx, req);
  wire::ClientGetProgress p;
  std::vector<wire::ClientGetProgress> all;
  while (reader->Read(&p)) all.push_back(p);
  const auto s = reader->Finish();
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_GE(all.size(), 2u) << "progress messages, then the file";
  std::uint64_t last = 0;
  for (std::size_t i = 0; i + 1 < all.size(); ++i) {
    EXPECT_FALSE(all[i].has_file());
    EXPECT_GE(all[i].bytes_done(), last);
    last = all[i].bytes_done();
    EXPECT_EQ(all[i].bytes_total(), 3u << 20);
  }
  ASSERT_TRUE(all.back().has_file());
  EXPECT_EQ(all.back().file().sha256(), f.sha256());
  EXPECT_EQ(all.back().bytes_done(), 3u << 20);
  EXPECT_FALSE(all.back().already_shared());
  EXPECT_EQ(sha256_hex_of(c().node(0).shared_dir() / "app.bin"), f.sha256());
}

TEST_F(NodeClientApi, BadRequestsGetStatusCodesNamingTheField) {
  grpc::ClientContext ctx;
  authorize(ctx, 0);
  wire::ClientSearchRequest req;
  req.set_name("../x");
  auto reader = stub(0)->Search(&ctx, req);
  wire::ClientSearchEvent ev;
  EXPECT_FALSE(reader->Read(&ev));
  const auto s = reader->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message().rfind("name: ", 0), 0u) << s.error_message();

  grpc::ClientContext ctx2;
  authorize(ctx2, 0);
  wire::ClientSearchRequest bad;
  bad.set_name("x");
  bad.set_strategy("gossip");
  auto r2 = stub(0)->Search(&ctx2, bad);
  EXPECT_FALSE(r2->Read(&ev));
  const auto s2 = r2->Finish();
  EXPECT_EQ(s2.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s2.error_message().rfind("strategy: ", 0), 0u) << s2.error_message();

  grpc::ClientContext ctx3;
  authorize(ctx3, 0);
  wire::ClientShareRequest share;
  share.set_name("not-there.bin");
  wire::ClientFile f;
  EXPECT_EQ(stub(0)->Share(&ctx3, share, &f).error_code(), grpc::StatusCode::NOT_FOUND);

  const auto m = http_get_text(c().node(0).rest_port, "/metrics", cli::read_api_token(c().node(0).data_dir)).body;
  EXPECT_GE(metric_value(m, "zonal_grpc_errors_total{side=\"server\",method=\"Client/Search\",code=\"INVALID_ARGUMENT\"}"), 2);
  EXPECT_GE(metric_value(m, "zonal_grpc_errors_total{side=\"server\",method=\"Client/Share\",code=\"NOT_FOUND\"}"), 1);
}

TEST_F(NodeClientApi, EveryCallNeedsTheApiToken) {
  const auto expect_refused = [](const grpc::Status& s, const std::string& what) {
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << what << ": " << s.error_message();
    EXPECT_EQ(s.error_message().rfind("authorization: ", 0), 0u) << what << ": " << s.error_message();
  };
  // A refused server stream yields nothing and ends with the refusal.
  const auto expect_stream_refused = [&](auto reader, auto item, const std::string& what) {
    EXPECT_FALSE(reader->Read(&item)) << what;
    expect_refused(reader->Finish(), what);
  };
  for (const std::string& token : {std::string(), std::string("Bearer not-the-token-0123456789"), cli::read_api_token(c().node(1).data_dir)}) {
    const auto with = [&](grpc::ClientContext& ctx) {
      if (!token.empty()) ctx.AddMetadata("authorization", token.rfind("Bearer ", 0) == 0 ? token : "Bearer " + token);
    };
    const std::string what = token.empty() ? "no token" : "wrong token";
    grpc::ClientContext ctx1, ctx2, ctx3, ctx4;
    for (auto* ctx : {&ctx1, &ctx2, &ctx3, &ctx4}) with(*ctx);
    wire::ClientStatus st;
    expect_refused(stub(0)->Status(&ctx1, wire::ClientStatusRequest{}, &st), what + " Status");
    wire::ClientShareRequest share;
    share.set_name("not-there.bin");
    wire::ClientFile f;
    expect_refused(stub(0)->Share(&ctx2, share, &f), what + " Share");
    wire::ClientSearchRequest search;
    search.set_name("app.bin");
    expect_stream_refused(stub(0)->Search(&ctx3, search), wire::ClientSearchEvent{}, what + " Search");
    wire::ClientGetRequest get;
    get.set_name("app.bin");
    expect_stream_refused(stub(0)->Get(&ctx4, get), wire::ClientGetProgress{}, what + " Get");
  }
  const auto m = http_get_text(c().node(0).rest_port, "/metrics", cli::read_api_token(c().node(0).data_dir)).body;
  EXPECT_GE(metric_value(m, "zonal_grpc_errors_total{side=\"server\",method=\"Client/Status\",code=\"UNAUTHENTICATED\"}"), 3);
  EXPECT_GE(metric_value(m, "zonal_grpc_errors_total{side=\"server\",method=\"Client/Get\",code=\"UNAUTHENTICATED\"}"), 3);
}

TEST_F(NodeClientApi, OpenApiDocumentsEveryServedRouteAndEveryDocumentedRouteAnswers) {
  const auto doc_reply = c().rest(0, "GET", "/api/openapi.json");
  ASSERT_EQ(doc_reply.status, 200);
  const json doc = doc_reply.body;
  EXPECT_EQ(doc["openapi"].get<std::string>().rfind("3.", 0), 0u);
  // The served document is the committed file.
  std::ifstream in(std::string(ZONAL_SOURCE_DIR) + "/node/rest/openapi.json");
  EXPECT_EQ(json::parse(in), doc);

  std::set<std::pair<std::string, std::string>> documented;
  for (const auto& [path, ops] : doc["paths"].items())
    for (const auto& [method, op] : ops.items()) {
      std::string upper = method;
      for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      documented.insert({upper, path});
    }
  std::set<std::pair<std::string, std::string>> served;
  for (const auto& r : node::api_routes()) served.insert({r.method, r.path});
  for (const auto& r : served) EXPECT_TRUE(documented.count(r)) << r.first << " " << r.second << " is served but not documented";
  for (const auto& d : documented) EXPECT_TRUE(served.count(d)) << d.first << " " << d.second << " is documented but not served";

  // Every documented route answers on a real node: not "no such endpoint", not 405.
  for (const auto& [method, path] : documented) {
    int status = 0;
    std::string error;
    if (path == "/metrics") {
      status = http_get_text(c().node(0).rest_port, path, cli::read_api_token(c().node(0).data_dir)).status;
    } else {
      const std::string target = path == "/api/search" ? path + "?name=obs-missing.bin&wait=100" : path;
      const json body = method == "POST" ? json{{"name", "openapi-missing.bin"}} : json(nullptr);
      const auto r = c().rest(0, method, target, body);
      status = r.status;
      error = r.body.is_object() ? r.body.value("error", "") : "";
    }
    EXPECT_NE(status, 405) << method << " " << path;
    EXPECT_EQ(error.rfind("no such endpoint", 0), std::string::npos) << method << " " << path << ": " << error;
    EXPECT_TRUE(status == 200 || (status >= 400 && status < 500)) << method << " " << path << " answered " << status;
  }
}

}  // namespace
}  // namespace zonal::test
