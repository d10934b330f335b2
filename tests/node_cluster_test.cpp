// Integration: a tracker and 13 zonal-node processes on loopback (OS-chosen ports). Files are
// shared, found with both strategies, downloaded and verified (also concurrently), uploaded into
// the network, and every RPC and REST endpoint refuses hostile input with the right status.
#include <gtest/gtest.h>

#include <future>
#include <set>

#include "cluster.hpp"
#include "time_scale.hpp"
#include "grpc_options.hpp"
#include "identity_name.hpp"
#include "zonal.grpc.pb.h"
#include "zonal/hash.hpp"
#include "zonal/wire/codec.hpp"

namespace zonal::test {
namespace {

namespace fs = std::filesystem;
constexpr std::size_t node_count = 13;

class NodeCluster : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    s_cluster = new Cluster("cluster");
    s_cluster->start_tracker({"--zones-count", "2", "--zones-min-size", "6", "--heartbeat-ms", "100"});
    for (std::size_t i = 0; i < node_count; ++i)
      s_cluster->start_node({"--search-timeout-ms", std::to_string(scaled(std::chrono::milliseconds(600)).count()),
                             "--search-ring-wait-ms", std::to_string(scaled(std::chrono::milliseconds(100)).count())});
    s_cluster->wait_settled(2);
  }
  static void TearDownTestSuite() {
    delete s_cluster;
    s_cluster = nullptr;
  }
  Cluster& c() { return *s_cluster; }

  std::set<std::uint32_t> holders_found(std::size_t from, const std::string& name, const std::string& strategy) {
    const auto r = c().rest(from, "GET", "/api/search?wait=all&name=" + name + "&strategy=" + strategy);
    EXPECT_EQ(r.status, 200) << r.body.dump();
    std::set<std::uint32_t> out;
    for (const auto& h : r.body["hits"]) out.insert(h["holder"].get<std::uint32_t>());
    return out;
  }

  /// Wait until a zone-flood search from node 0 finds `name`: its index record reached the home zone.
  void wait_published(const std::string& name) {
    ASSERT_TRUE(wait_until([&] { return !holders_found(0, name, "zone-flood").empty(); }, std::chrono::seconds(20),
                           std::chrono::milliseconds(50)))
        << name << " was never published";
  }

  static Cluster* s_cluster;
};

Cluster* NodeCluster::s_cluster = nullptr;

TEST_F(NodeCluster, EveryNodeRegisteredAndZonesHaveSixMembers) {
  const auto z = c().rest(0, "GET", "/api/zones").body;
  ASSERT_EQ(z["zone_count"], 2);
  std::size_t total = 0;
  for (const auto& zone : z["zones"]) {
    EXPECT_GE(zone["members"].size(), 6u);
    total += zone["members"].size();
  }
  EXPECT_EQ(total, node_count);
  EXPECT_EQ(c().rest(3, "GET", "/api/peers").body["peers"].size(), node_count);
}

TEST_F(NodeCluster, SearchFindsHoldersWithBothStrategies) {
  c().share_random(3, "alpha.bin", 1000, 1);
  c().share_random(9, "alpha.bin", 1000, 1);
  wait_published("alpha.bin");
  const std::set<std::uint32_t> holders{c().node(3).id, c().node(9).id};
  const auto flood = holders_found(0, "alpha.bin", "flood");
  for (auto h : holders) EXPECT_TRUE(flood.contains(h)) << "flood missed holder " << h;
  const auto zone = holders_found(0, "alpha.bin", "zone-flood");
  ASSERT_FALSE(zone.empty());
  for (auto h : zone) EXPECT_TRUE(holders.contains(h));
  EXPECT_TRUE(holders_found(5, "missing.bin", "flood").empty());
  EXPECT_TRUE(holders_found(5, "missing.bin", "zone-flood").empty());
}

TEST_F(NodeCluster, RandomWalkAndExpandingRingFindHolders) {
  c().share_random(4, "walk.bin", 1000, 1);
  c().share_random(11, "walk.bin", 1000, 1);
  wait_published("walk.bin");
  const std::set<std::uint32_t> holders{c().node(4).id, c().node(11).id};
  for (const char* strategy : {"random-walk", "expanding-ring"}) {
    const auto found = holders_found(0, "walk.bin", strategy);
    EXPECT_FALSE(found.empty()) << strategy;
    for (auto h : found) EXPECT_TRUE(holders.contains(h)) << strategy << " named " << h;
    EXPECT_TRUE(holders_found(6, "nowhere.bin", strategy).empty()) << strategy;
  }
}

TEST_F(NodeCluster, GetDownloadsVerifiesAndShares) {
  const std::string sha = c().share_random(4, "beta.bin", 3'500'000, 2);
  wait_published("beta.bin");
  const auto r = c().rest(7, "POST", "/api/get", {{"name", "beta.bin"}});
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.body["file"]["sha256"], sha);
  EXPECT_EQ(sha256_hex_of(c().node(7).shared_dir() / "beta.bin"), sha);
  EXPECT_TRUE(fs::is_empty(c().node(7).data_dir / "partial"));
  // The downloader shares it too: a flood search now finds both copies.
  const auto found = holders_found(1, "beta.bin", "flood");
  EXPECT_TRUE(found.contains(c().node(4).id) && found.contains(c().node(7).id));
}

TEST_F(NodeCluster, ConcurrentDownloads) {
  std::vector<std::string> shas;
  for (int f = 0; f < 3; ++f) shas.push_back(c().share_random(10, "gamma" + std::to_string(f), 2'000'000 + f, 10 + f));
  for (int f = 0; f < 3; ++f) wait_published("gamma" + std::to_string(f));
  std::vector<std::future<HttpReply>> running;
  for (int f = 0; f < 3; ++f)
    for (std::size_t n : {1u, 2u})
      running.push_back(std::async(std::launch::async, [&, f, n] { return c().rest(n + f * 2, "POST", "/api/get", {{"name", "gamma" + std::to_string(f)}}); }));
  for (std::size_t i = 0; i < running.size(); ++i) {
    const auto r = running[i].get();
    ASSERT_EQ(r.status, 200) << r.body.dump();
    EXPECT_EQ(r.body["file"]["sha256"], shas[i / 2]);
  }
}

TEST_F(NodeCluster, UploadPlacesACopyInTheHomeZone) {
  c().share_random(2, "delta.txt", 50'000, 3);
  const auto r = c().rest(2, "POST", "/api/store", {{"name", "delta.txt"}});
  ASSERT_EQ(r.status, 200) << r.body.dump();
  const std::uint32_t target = r.body["stored_on"];
  const std::uint32_t zone = r.body["zone"];
  EXPECT_EQ(zone, home_zone(file_key("delta.txt"), 2));
  std::size_t matched = 0;
  for (std::size_t i = 0; i < c().size(); ++i) {
    if (c().node(i).id != target) continue;
    ++matched;
    EXPECT_TRUE(fs::exists(c().node(i).shared_dir() / "delta.txt"));
    EXPECT_EQ(c().rest(i, "GET", "/api/status").body["zone"], zone);
  }
  EXPECT_EQ(matched, 1u) << "stored_on " << target << " names no node of the cluster";
}

TEST_F(NodeCluster, RestRefusesBadInput) {
  for (const std::string bad : {"../etc/passwd", "/abs", ".hidden", "a/b", ""}) {
    const auto r = c().rest(0, "POST", "/api/share", {{"name", bad}});
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_TRUE(r.body["error"].get<std::string>().starts_with("name:")) << r.body.dump();
  }
  EXPECT_EQ(c().rest(0, "POST", "/api/get", {{"name", std::string(300, 'x')}}).status, 400);
  EXPECT_EQ(c().rest(0, "GET", "/api/search?name=x&ttl=11").status, 400);
  EXPECT_EQ(c().rest(0, "GET", "/api/search?name=x&strategy=gossip").status, 400);
  EXPECT_EQ(c().rest(0, "POST", "/api/share", {{"nom", "x"}}).status, 400);
  EXPECT_EQ(c().rest(0, "GET", "/api/nothing").status, 404);
  EXPECT_EQ(c().rest(0, "DELETE", "/api/status").status, 405);
  EXPECT_EQ(c().rest(0, "POST", "/api/get", {{"name", "nobody-has-this"}}).status, 404);
  EXPECT_EQ(c().rest(0, "POST", "/api/store", {{"name", "not-mine"}}).status, 404);
}

TEST_F(NodeCluster, PeerRpcsRefuseHostileRequests) {
  // An independent client with a valid certificate of peer 1 (the id its envelopes carry).
  const node::TlsConfig as_peer1 = c().client_tls("node-1");
  auto stub = wire::Peer::NewStub(node::make_channel(c().node(6).grpc_address(), as_peer1, node::node_identity_name(c().node(6).id)));
  wire::Ack ack;
  const auto call_deliver = [&](const wire::Envelope& env) {
    grpc::ClientContext ctx;
    node::set_deadline(ctx, 2000);
    ack.Clear();
    return stub->Deliver(&ctx, env, &ack);
  };
  wire::Envelope env = wire::encode(1, Query{(1ull << 32) | 77, file_key("x"), 1, 7, 1, Strategy::flood, Scope::overlay});
  env.mutable_query()->set_ttl_hops(11);
  auto s = call_deliver(env);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "query.ttl_hops: 11 exceeds maximum 10");
  EXPECT_EQ(call_deliver(wire::Envelope{}).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  wire::Envelope huge = wire::encode_query(1, Query{(1ull << 32) | 78, 0, 1, 7, 1, Strategy::flood, Scope::overlay}, std::string(100'000, 'a'));
  EXPECT_EQ(call_deliver(huge).error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  // A hit for a query that no open search and no reverse path on this node knows: dropped, counted.
  const QueryId stray = (QueryId{1} << 32) | 12345;
  wire::Envelope hit = wire::encode(1, QueryHit{stray, 1, 1, 1});
  EXPECT_TRUE(call_deliver(hit).ok());
  EXPECT_EQ(ack.arrival(), wire::ARRIVAL_DROPPED);
  std::uint64_t dropped = 0;
  const auto queries = c().rest(6, "GET", "/api/queries");
  for (const auto& q : queries.body["queries"])
    if (q["query_id"] == stray) dropped += q["hits_dropped"].get<std::uint64_t>();
  EXPECT_EQ(dropped, 1u);

  for (const std::string& bad : std::vector<std::string>{"../../etc/passwd", "/etc/passwd", std::string("a\0b", 3), std::string(256, 'n')}) {
    grpc::ClientContext ctx;
    node::set_deadline(ctx, 2000);
    wire::FetchRequest req;
    req.set_name(bad);
    auto reader = stub->Fetch(&ctx, req);
    wire::Chunk chunk;
    EXPECT_FALSE(reader->Read(&chunk));
    EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  }
  grpc::ClientContext info_ctx;
  node::set_deadline(info_ctx, 2000);
  wire::FileInfoRequest info;
  info.set_name("no-such-file");
  wire::FileEntry entry;
  EXPECT_EQ(stub->FileInfo(&info_ctx, info, &entry).error_code(), grpc::StatusCode::NOT_FOUND);

  // Store goes to a member of the file's home zone (others refuse it: node_security_test).
  std::size_t keeper = 0;
  while (c().rest(keeper, "GET", "/api/status").body["zone"] != home_zone(file_key("forged.bin"), 2)) ++keeper;
  auto keeper_stub =
      wire::Peer::NewStub(node::make_channel(c().node(keeper).grpc_address(), as_peer1, node::node_identity_name(c().node(keeper).id)));
  grpc::ClientContext store_ctx;
  node::set_deadline(store_ctx, 2000);
  wire::StoreReply store_reply;
  auto writer = keeper_stub->Store(&store_ctx, &store_reply);
  wire::StoreChunk first;
  first.set_name("forged.bin");
  first.set_size(4);
  first.set_sha256(std::string(32, 'x'));  // not the hash of "abcd"
  first.set_data("abcd");
  writer->Write(first);
  writer->WritesDone();
  EXPECT_EQ(writer->Finish().error_code(), grpc::StatusCode::DATA_LOSS);
  EXPECT_FALSE(fs::exists(c().node(keeper).shared_dir() / "forged.bin"));
  EXPECT_TRUE(fs::is_empty(c().node(keeper).data_dir / "partial"));
  EXPECT_EQ(c().rest(6, "GET", "/api/status").status, 200);  // still alive
  EXPECT_EQ(c().rest(keeper, "GET", "/api/status").status, 200);
}

TEST_F(NodeCluster, TrackerRpcsRefuseHostileRequests) {
  auto stub = wire::Tracker::NewStub(node::make_channel(c().tracker_address(), c().client_tls("node-1"), "tracker"));
  grpc::ClientContext ctx;
  node::set_deadline(ctx, 2000);
  wire::RegisterRequest req;
  req.set_address("no-port");
  wire::RegisterReply reply;
  const auto s = stub->Register(&ctx, req, &reply);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "address: must be host:port, got \"no-port\"");
  grpc::ClientContext ctx2;
  node::set_deadline(ctx2, 2000);
  wire::HeartbeatRequest hb;
  hb.set_peer_id(1ull << 40);
  wire::HeartbeatReply hb_reply;
  EXPECT_EQ(stub->Heartbeat(&ctx2, hb, &hb_reply).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  grpc::ClientContext ctx3;
  node::set_deadline(ctx3, 2000);
  wire::ZoneMembersRequest zm;
  zm.set_zone(99);
  wire::ZoneMembersReply zm_reply;
  EXPECT_EQ(stub->ZoneMembers(&ctx3, zm, &zm_reply).error_code(), grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace zonal::test
