// Identities, mutual TLS and authorization (docs/security.md), with real processes and real TLS
// on loopback and an independent gRPC client built from the generated stubs of zonal.proto.
// Attacks of issue 9 refused or bounded: 1 (take over an id), 6 (directory flood with bad or
// long addresses), 9 (fake registrations), 10 (forged index records), 11 (Leave for others),
// 15 (a restarted node reusing query ids) -- from a client without a certificate, from one with
// another CA's certificate and from a malicious member with a valid certificate; the cluster
// keeps serving its members afterwards.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <thread>

#include "certificates.hpp"
#include "checked_write.hpp"
#include "cluster.hpp"
#include "grpc_options.hpp"
#include "address_check.hpp"
#include "identity_name.hpp"
#include "query_counter.hpp"
#include "settings.hpp"
#include "tls_config.hpp"
#include "tracker_config.hpp"
#include "zonal.grpc.pb.h"
#include "zonal/chord_message.hpp"
#include "zonal/hash.hpp"
#include "zonal/wire/chord_codec.hpp"
#include "zonal/wire/codec.hpp"

namespace zonal::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nlohmann::json;

/// Run a shell command; returns its exit status and combined output.
std::pair<int, std::string> run_command(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
  char buf[512];
  while (p && std::fgets(buf, sizeof buf, p)) out += buf;
  const int status = p ? ::pclose(p) : -1;
  return {WEXITSTATUS(status), out};
}

/// A unique temp dir removed at the end of a test.
struct TempDir {
  fs::path path = fs::temp_directory_path() / ("zonal-sec-" + std::to_string(::getpid()) + "-" +
                                               ::testing::UnitTest::GetInstance()->current_test_info()->name());
  TempDir() {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

TEST(Certificates, CaCliCreatesIssuesAndRefusesToOverwrite) {
  TempDir t;
  const std::string zonal = ZONAL_CLI_EXE;
  const auto ca = t.path / "ca";
  auto [status, text] = run_command(zonal + " ca init " + ca.string());
  ASSERT_EQ(status, 0) << text;
  struct stat st {};
  ASSERT_EQ(::stat((ca / "ca-key.pem").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);  // the CA key is private
  std::tie(status, text) = run_command(zonal + " ca init " + ca.string());
  EXPECT_EQ(status, 1);
  EXPECT_NE(text.find("exists already"), std::string::npos) << text;

  std::tie(status, text) = run_command(zonal + " ca issue " + ca.string() + " node-17 --out " + (t.path / "n17").string());
  ASSERT_EQ(status, 0) << text;
  ASSERT_EQ(::stat((t.path / "n17" / "key.pem").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const std::string ca_pem = node::read_file(t.path / "n17" / "ca.pem");
  EXPECT_EQ(node::check_identity(ca_pem, node::read_file(t.path / "n17" / "cert.pem"), node::read_file(t.path / "n17" / "key.pem")),
            "node-17");
  std::tie(status, text) = run_command(zonal + " ca issue " + ca.string() + " node-17 --out " + (t.path / "n17").string());
  EXPECT_EQ(status, 1) << text;  // never overwrites a key
  for (const std::string bad : {"node-017", "node-4294967295", "admin", "node-", "node-1x"}) {
    std::tie(status, text) = run_command(zonal + " ca issue " + ca.string() + " " + bad + " --out " + (t.path / "bad").string());
    EXPECT_EQ(status, 1) << bad;
    EXPECT_NE(text.find("name: must be \"tracker\" or \"node-<id>\""), std::string::npos) << text;
  }
  EXPECT_FALSE(fs::exists(t.path / "bad" / "key.pem"));

  // A certificate of another CA, or a key of another certificate, is not an identity here.
  node::create_ca(t.path / "other", 5);
  node::issue_identity(t.path / "other", "node-17", t.path / "o17", 5);
  EXPECT_THROW(node::check_identity(ca_pem, node::read_file(t.path / "o17" / "cert.pem"), node::read_file(t.path / "o17" / "key.pem")),
               node::CertificateError);
  try {
    node::check_identity(ca_pem, node::read_file(t.path / "n17" / "cert.pem"), node::read_file(t.path / "o17" / "key.pem"));
    ADD_FAILURE() << "a foreign key was accepted";
  } catch (const node::CertificateError& e) {
    EXPECT_NE(std::string(e.what()).find("tls.key"), std::string::npos) << e.what();
  }
}

TEST(Certificates, ProgramsRefuseBadTlsSettingsNamingTheKey) {
  TempDir t;
  node::create_ca(t.path / "ca", 5);
  node::issue_identity(t.path / "ca", "node-3", t.path / "n3", 5);
  node::issue_identity(t.path / "ca", "tracker", t.path / "tr", 5);
  const auto tls_flags = [&](const fs::path& d) {
    return " --tls-ca " + (d / "ca.pem").string() + " --tls-cert " + (d / "cert.pem").string() + " --tls-key " +
           (d / "key.pem").string();
  };
  const std::string node_exe = ZONAL_NODE_EXE;
  auto [status, text] = run_command(node_exe + " --tls-cert " + (t.path / "n3" / "cert.pem").string());
  EXPECT_EQ(status, 2);
  EXPECT_NE(text.find("tls.ca: must be set"), std::string::npos) << text;
  std::tie(status, text) = run_command(node_exe + tls_flags(t.path / "n3") + " --node-id 4");
  EXPECT_EQ(status, 2);
  EXPECT_NE(text.find("node.id: is 4 but tls.cert names node-3"), std::string::npos) << text;
  std::tie(status, text) = run_command(node_exe + tls_flags(t.path / "tr"));
  EXPECT_EQ(status, 2);
  EXPECT_NE(text.find("not a node"), std::string::npos) << text;
  std::tie(status, text) = run_command(std::string(ZONAL_TRACKER_EXE) + tls_flags(t.path / "n3"));
  EXPECT_EQ(status, 2);
  EXPECT_NE(text.find("must name \"tracker\""), std::string::npos) << text;
  std::tie(status, text) = run_command(std::string(ZONAL_TRACKER_EXE) + " --limits-peers-max 100000");
  EXPECT_EQ(status, 2);
  EXPECT_NE(text.find("limits.peers_max: must be between 1 and"), std::string::npos) << text;
  // The shipped configs use TLS: every key is known, and the first thing missing here is the CA file.
  std::tie(status, text) = run_command(node_exe + " --config " ZONAL_SOURCE_DIR "/deploy/node.json");
  EXPECT_EQ(status, 2);
  EXPECT_NE(text.find("tls.ca: /var/lib/zonal/tls/ca.pem: cannot be read"), std::string::npos) << text;
  std::tie(status, text) = run_command(std::string(ZONAL_TRACKER_EXE) + " --config " ZONAL_SOURCE_DIR "/deploy/tracker.json");
  EXPECT_EQ(status, 2);
  EXPECT_NE(text.find("tls.ca: /var/lib/zonal-tracker/tls/ca.pem: cannot be read"), std::string::npos) << text;
}

TEST(Identities, NamesAndAddressesAreChecked) {
  EXPECT_EQ(node::peer_id_of_identity("node-0"), 0u);
  EXPECT_EQ(node::peer_id_of_identity("node-4294967293"), 4294967293u);
  for (const char* bad : {"node-4294967294", "node-00", "node--1", "node-1 ", "tracker", "Node-1", "node-1\n"})
    EXPECT_FALSE(node::peer_id_of_identity(bad)) << bad;
  EXPECT_FALSE(node::identity_name_problem("tracker"));
  EXPECT_TRUE(node::identity_name_problem("trackers"));
  for (const char* ok : {"127.0.0.1:7701", "node1.example.internal:1", "[::1]:65535", "h_2:80"})
    EXPECT_FALSE(node::address_problem(ok)) << ok;
  EXPECT_EQ(*node::address_problem(std::string("\x01:1", 3)),
            "address: host must be a DNS name, an IPv4 address or a bracketed IPv6 address, got \"\\x01\"");
  EXPECT_EQ(*node::address_problem("h:99999999999999999999"), "address: port must be a number 1..65535, got \"99999999999999999999\"");
  EXPECT_EQ(*node::address_problem(std::string(256, 'a')), "address: longer than 255 bytes (256)");
}

// Attack 15 at the unit level: every run starts after the previous run's reserved block, and the
// reservation moves on before it runs out.
TEST(Identities, QueryCounterSurvivesRestartsAndRefusesGarbage) {
  TempDir t;
  const fs::path file = t.path / "query-counter";
  std::uint32_t first_start = 0;
  {
    node::QueryCounterStore store(file);
    first_start = store.start();
    EXPECT_EQ(first_start, 0u);
    store.note_used(node::QueryCounterStore::block - 10);  // close to the end: reserves further
  }
  {
    node::QueryCounterStore store(file);
    EXPECT_GE(store.start(), 2 * node::QueryCounterStore::block - 10);
  }
  std::ofstream(file) << "12x\n";
  EXPECT_THROW(node::QueryCounterStore{file}, node::WriteError);
  fs::remove(file);
  fs::create_directory(file);  // unwritable: the error names the file
  try {
    node::QueryCounterStore store(file);
    ADD_FAILURE() << "a directory was accepted as the counter file";
  } catch (const node::WriteError& e) {
    EXPECT_NE(std::string(e.what()).find("query-counter"), std::string::npos) << e.what();
  }
}

// limits.peers_max is the one source of truth for the directory size: at its largest, a
// ListZones reply with the longest addresses and ids still fits one gRPC message.
TEST(TrackerLimits, LargestDirectoryFitsOneGrpcMessage) {
  for (std::uint32_t zones : {1u, 8u, 1000u}) {
    const std::uint64_t peers = node::peers_max_limit(zones);
    EXPECT_GT(peers, 10000u);
    wire::ZoneDirectoryReply reply;
    reply.set_zone_count(zones);
    reply.set_epoch(~0ull);
    reply.set_links_seed(~0ull);
    reply.set_zone_degree(64);
    reply.set_overlay_degree(64);
    for (std::uint32_t z = 0; z < zones; ++z) reply.add_zones()->set_zone(0xFFFFFFFEu);
    for (std::uint64_t i = 0; i < peers; ++i) {
      auto* m = reply.mutable_zones(static_cast<int>(i % zones))->add_members();
      m->set_peer_id(0xFFFFFFFDu - i);
      m->set_address(std::string(node::address_bytes_max - 6, 'h') + ":65535");
    }
    EXPECT_LE(reply.ByteSizeLong(), static_cast<std::size_t>(node::grpc_message_bytes_max)) << zones << " zones";
  }
}

/// A tracker and four TLS nodes in two zones; node 0 also runs Chord.
class SecureCluster : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    s_cluster = new Cluster("secure", true);
    s_cluster->start_tracker({"--zones-count", "2", "--zones-min-size", "2", "--heartbeat-ms", "100"});
    s_cluster->start_node({"--search-timeout-ms", "600", "--chord-enabled", "true"});  // a ring of one, for ChordStore
    for (int i = 1; i < 4; ++i) s_cluster->start_node({"--search-timeout-ms", "600"});
    s_cluster->wait_settled(2);
    s_cluster->share_random(1, "held-by-1.bin", 20'000, 7);
  }
  static void TearDownTestSuite() {
    delete s_cluster;
    s_cluster = nullptr;
  }
  Cluster& c() { return *s_cluster; }

  std::unique_ptr<wire::Tracker::Stub> tracker_as(const node::TlsConfig& tls) {
    return wire::Tracker::NewStub(node::make_channel(c().tracker_address(), tls, "tracker"));
  }
  std::unique_ptr<wire::Peer::Stub> node_as(std::size_t i, const node::TlsConfig& tls) {
    return wire::Peer::NewStub(node::make_channel(c().node(i).grpc_address(), tls, node::node_identity_name(c().node(i).id)));
  }
  /// The cluster still serves its members: node `from` finds node 1's file and the directory is whole.
  void expect_serving(std::size_t from) {
    const auto r = c().rest(from, "GET", "/api/search?name=held-by-1.bin&strategy=flood");
    ASSERT_EQ(r.status, 200) << r.body.dump();
    bool found = false;
    for (const auto& h : r.body["hits"]) found |= h["holder"] == c().node(1).id;
    EXPECT_TRUE(found) << r.body.dump();
    // The directory holds the cluster's nodes only (a test's extra registration has left).
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    std::size_t peers = 0;
    while ((peers = c().rest(from, "GET", "/api/peers").body["peers"].size()) != c().size() &&
           std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(50ms);
    EXPECT_EQ(peers, c().size());
  }
  static grpc::Status leave(wire::Tracker::Stub& stub, std::uint64_t id) {
    grpc::ClientContext ctx;
    node::set_deadline(ctx, 3000);
    wire::LeaveRequest req;
    req.set_peer_id(id);
    wire::LeaveReply reply;
    return stub.Leave(&ctx, req, &reply);
  }
  static grpc::Status register_as(wire::Tracker::Stub& stub, const std::string& address, std::optional<std::uint64_t> id,
                                  wire::RegisterReply* out = nullptr) {
    grpc::ClientContext ctx;
    node::set_deadline(ctx, 3000);
    wire::RegisterRequest req;
    req.set_address(address);
    if (id) req.set_peer_id(*id);
    wire::RegisterReply reply;
    const auto s = stub.Register(&ctx, req, &reply);
    if (out) *out = reply;
    return s;
  }
  static grpc::Status deliver(wire::Peer::Stub& stub, const wire::Envelope& env) {
    grpc::ClientContext ctx;
    node::set_deadline(ctx, 3000);
    wire::Ack ack;
    return stub.Deliver(&ctx, env, &ack);
  }
  static grpc::Status chord(wire::Peer::Stub& stub, const wire::ChordEnvelope& env) {
    grpc::ClientContext ctx;
    node::set_deadline(ctx, 3000);
    wire::Ack ack;
    return stub.Chord(&ctx, env, &ack);
  }

  static Cluster* s_cluster;
};

Cluster* SecureCluster::s_cluster = nullptr;

// Outsiders: no certificate, or a certificate of another CA. The handshake fails, so no call
// reaches a handler (attacks 1, 6, 9, 10, 11 need a call).
TEST_F(SecureCluster, ClientsWithoutCertificateOrFromAnotherCaAreRefused) {
  TempDir t;
  node::create_ca(t.path / "rogue-ca", 5);
  node::issue_identity(t.path / "rogue-ca", "node-0", t.path / "rogue", 5);  // claims to be node 0
  node::TlsConfig rogue;
  rogue.ca_pem = node::read_file(t.path / "rogue" / "ca.pem");
  rogue.cert_pem = node::read_file(t.path / "rogue" / "cert.pem");
  rogue.key_pem = node::read_file(t.path / "rogue" / "key.pem");
  rogue.identity = "node-0";
  node::TlsConfig rogue_trusting_cluster = rogue;  // trusts the cluster's CA, presents its own cert
  rogue_trusting_cluster.ca_pem = node::read_file(c().ca_dir() / "ca.pem");
  for (const node::TlsConfig& outsider : {node::TlsConfig{}, rogue, rogue_trusting_cluster}) {
    auto tracker = tracker_as(outsider);
    const auto s = leave(*tracker, c().node(0).id);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
    EXPECT_EQ(register_as(*tracker, "127.0.0.1:1", c().node(0).id).error_code(), grpc::StatusCode::UNAVAILABLE);
    auto peer = node_as(0, outsider);
    const auto d = deliver(*peer, wire::encode(c().node(0).id, Publish{file_key("fake.bin"), c().node(0).id}));
    EXPECT_EQ(d.error_code(), grpc::StatusCode::UNAVAILABLE) << d.error_message();
  }
  // A node that presents a certificate naming another peer than the one dialled is refused too.
  auto wrong_name = wire::Peer::NewStub(node::make_channel(c().node(0).grpc_address(), c().client_tls("node-2"), "node-99"));
  EXPECT_EQ(deliver(*wrong_name, wire::encode(2, Publish{file_key("x"), 2})).error_code(), grpc::StatusCode::UNAVAILABLE);
  expect_serving(2);
  EXPECT_EQ(c().rest(0, "GET", "/api/status").body["registered"], true);
}

// A malicious member (valid certificate for its own id 50) cannot act for another peer.
TEST_F(SecureCluster, MemberActsOnlyAsItself) {
  auto tracker = tracker_as(c().client_tls("node-50"));
  const std::uint32_t victim = c().node(0).id;
  // Attack 11 (Leave for someone else) and attack 1 (take over the victim's id).
  auto s = leave(*tracker, victim);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(s.error_message(), "peer_id: " + std::to_string(victim) +
                                   " is not the caller's own peer id (the certificate names \"node-50\")");
  s = register_as(*tracker, "127.0.0.1:9", victim);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
  grpc::ClientContext hb_ctx;
  node::set_deadline(hb_ctx, 3000);
  wire::HeartbeatRequest hb;
  hb.set_peer_id(victim);
  wire::HeartbeatReply hb_reply;
  EXPECT_EQ(tracker->Heartbeat(&hb_ctx, hb, &hb_reply).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  // Attack 9 from a member: 300 registrations all land on its own single id.
  for (int i = 0; i < 300; ++i) {
    wire::RegisterReply reply;
    ASSERT_TRUE(register_as(*tracker, "127.0.0.1:" + std::to_string(20000 + i), std::nullopt, &reply).ok());
    ASSERT_EQ(reply.peer_id(), 50u);
  }
  grpc::ClientContext list_ctx;
  node::set_deadline(list_ctx, 3000);
  wire::ZoneDirectoryReply dir;
  ASSERT_TRUE(tracker->ListZones(&list_ctx, wire::ListZonesRequest{}, &dir).ok());
  std::size_t members = 0;
  for (const auto& z : dir.zones()) members += static_cast<std::size_t>(z.members_size());
  EXPECT_EQ(members, c().size() + 1);
  EXPECT_TRUE(leave(*tracker, 50).ok());  // its own id: allowed
  // The tracker is the tracker: its certificate cannot register as a node.
  auto as_tracker = tracker_as(c().client_tls("tracker"));
  EXPECT_EQ(register_as(*as_tracker, "127.0.0.1:9", std::nullopt).error_code(), grpc::StatusCode::PERMISSION_DENIED);

  // Attack 6: malformed addresses, each refused naming the field.
  for (const std::string& bad : {std::string("\0:1", 3), std::string("../../x:1"), std::string("h:99999999999999999999"),
                                 std::string("h:0"), std::string("h:65536"), std::string(300, 'a') + ":1",
                                 std::string("bad host:1"), std::string(":1")}) {
    s = register_as(*tracker, bad, std::nullopt);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << bad;
    EXPECT_EQ(s.error_message().rfind("address: ", 0), 0u) << s.error_message();
  }
  EXPECT_TRUE(register_as(*tracker, "[::1]:7000", std::nullopt).ok());
  EXPECT_TRUE(leave(*tracker, 50).ok());
  expect_serving(0);
}

// Attack 10 and friends: messages whose sender is not the caller, index records for others,
// zone assignments from peers, forged Chord records; then the node still serves its members.
TEST_F(SecureCluster, ForgedSendersAndRecordsAreRefused) {
  auto as50 = node_as(0, c().client_tls("node-50"));
  const std::uint32_t holder = c().node(2).id;
  auto s = deliver(*as50, wire::encode(holder, Publish{file_key("ghost.bin"), holder}));  // from: not the caller
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(s.error_message().find("from: " + std::to_string(holder) + " is not the caller's own peer id"), std::string::npos)
      << s.error_message();
  s = deliver(*as50, wire::encode(50, Publish{file_key("ghost.bin"), holder}));  // a record for another holder
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(s.error_message().find("publish.holder"), std::string::npos) << s.error_message();
  s = deliver(*as50, wire::encode(50, ZoneAssignment{0, 1, 999}));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(deliver(*as50, wire::encode(50, Publish{file_key("mine.bin"), 50})).ok());  // its own record
  // Chord: a primary record naming another holder, a replica naming a stranger; 2,000 of them.
  int refused = 0;
  for (std::uint32_t i = 0; i < 2000; ++i) {
    const auto primary = chord(*as50, wire::encode_chord(50, ChordStore{ChordPackedId::of(i), holder, 1, 50, ChordStoreKind::primary}));
    const auto replica =
        chord(*as50, wire::encode_chord(50, ChordStore{ChordPackedId::of(i), 7000 + i, 0, no_peer, ChordStoreKind::replica}));
    refused += primary.error_code() == grpc::StatusCode::PERMISSION_DENIED;
    refused += replica.error_code() == grpc::StatusCode::PERMISSION_DENIED;
    if (i == 0) {
      EXPECT_NE(primary.error_message().find("store.holder"), std::string::npos) << primary.error_message();
    }
  }
  EXPECT_EQ(refused, 4000);
  const auto ghost = c().rest(3, "GET", "/api/search?name=ghost.bin&strategy=zone-flood");
  ASSERT_EQ(ghost.status, 200);
  EXPECT_TRUE(ghost.body["hits"].empty()) << ghost.body.dump();
  expect_serving(0);
  expect_serving(3);
}

// Store goes only to members of the file's home zone, and only from members.
TEST_F(SecureCluster, StoreOnlyIntoTheFilesHomeZone) {
  const std::string name = "uploaded.bin";
  const ZoneId home = home_zone(file_key(name), 2);
  std::optional<std::size_t> inside, outside;
  for (std::size_t i = 0; i < c().size(); ++i) {
    const bool in_home = c().rest(i, "GET", "/api/status").body["zone"] == home;
    (in_home ? inside : outside) = i;
  }
  ASSERT_TRUE(inside && outside);
  const auto store_to = [&](std::size_t i, const node::TlsConfig& as) {
    auto stub = node_as(i, as);
    grpc::ClientContext ctx;
    node::set_deadline(ctx, 3000);
    wire::StoreReply reply;
    auto writer = stub->Store(&ctx, &reply);
    wire::StoreChunk first;
    first.set_name(name);
    first.set_size(4);
    first.set_sha256(std::string(32, 'x'));
    first.set_data("abcd");
    writer->Write(first);
    writer->WritesDone();
    return writer->Finish();
  };
  const auto s = store_to(*outside, c().client_tls("node-" + std::to_string(c().node(0).id)));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(s.error_message().find("belongs to home zone " + std::to_string(home)), std::string::npos) << s.error_message();
  EXPECT_FALSE(fs::exists(c().node(*outside).shared_dir() / name));
  // Not a member of the directory (a valid certificate for an id nobody registered).
  EXPECT_EQ(store_to(*inside, c().client_tls("node-60")).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  // A member reaches the home zone: the upload is read (and here refused for its wrong hash).
  EXPECT_EQ(store_to(*inside, c().client_tls("node-" + std::to_string(c().node(0).id))).error_code(), grpc::StatusCode::DATA_LOSS);
  expect_serving(*outside);
}

// Attack 15: a node restarted with the same certificate keeps its id and place (its port), numbers its
// queries after the previous run's, and its first search after the restart finds at once.
TEST_F(SecureCluster, RestartedNodeKeepsItsIdAndItsSearchesWorkAtOnce) {
  const std::size_t i = 3;
  const std::uint32_t id = c().node(i).id;
  auto r = c().rest(i, "GET", "/api/search?name=held-by-1.bin&strategy=flood");
  ASSERT_EQ(r.status, 200);
  const std::uint64_t before = r.body["query_id"];
  EXPECT_EQ(before >> 32, id);
  c().stop_node(i, SIGKILL);
  c().restart_node(i);
  EXPECT_EQ(c().node(i).id, id);
  r = c().rest(i, "GET", "/api/search?name=held-by-1.bin&strategy=flood");
  ASSERT_EQ(r.status, 200) << r.body.dump();
  const std::uint64_t after = r.body["query_id"];
  EXPECT_EQ(after >> 32, id);
  EXPECT_GT(after & 0xFFFFFFFFu, before & 0xFFFFFFFFu);  // never a query id of the previous run
  bool found = false;
  for (const auto& h : r.body["hits"]) found |= h["holder"] == c().node(1).id;
  EXPECT_TRUE(found) << r.body.dump();
  // Others reach it again: node 1 finds and downloads a file only the restarted node holds.
  c().share_random(i, "after-restart.bin", 5'000, 9);
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  bool reached = false;
  while (!reached && std::chrono::steady_clock::now() < deadline) {
    const auto g = c().rest(1, "POST", "/api/get", {{"name", "after-restart.bin"}, {"strategy", "flood"}});
    reached = g.status == 200;
    if (!reached) std::this_thread::sleep_for(200ms);
  }
  EXPECT_TRUE(reached);
  EXPECT_EQ(c().rest(i, "GET", "/api/peers").body["peers"].size(), c().size());
}

// Attacks 6 and 9 against a plaintext tracker (no identities): registrations are capped per
// caller address and in total, and the directory stays one gRPC message.
TEST(TrackerLimits, RegistrationFloodIsBoundedAndListZonesStillWorks) {
  Cluster c("limits", false);
  c.start_tracker({"--limits-peers-max", "200", "--limits-peers-per-host-max", "150", "--expiry-ms", "0"});
  auto stub = wire::Tracker::NewStub(node::make_channel(c.tracker_address(), node::TlsConfig{}, ""));
  int accepted = 0, refused = 0;
  std::string refusal;
  for (int i = 0; i < 300; ++i) {
    grpc::ClientContext ctx;
    node::set_deadline(ctx, 3000);
    wire::RegisterRequest req;
    req.set_address(std::string(240, 'h') + ":" + std::to_string(1000 + i));
    wire::RegisterReply reply;
    const auto s = stub->Register(&ctx, req, &reply);
    if (s.ok()) {
      ++accepted;
    } else {
      ASSERT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << s.error_message();
      refusal = s.error_message();
      ++refused;
    }
  }
  EXPECT_EQ(accepted, 150);
  EXPECT_EQ(refused, 150);
  EXPECT_NE(refusal.find("limits.peers_per_host_max"), std::string::npos) << refusal;
  grpc::ClientContext ctx;
  node::set_deadline(ctx, 3000);
  wire::ZoneDirectoryReply dir;
  ASSERT_TRUE(stub->ListZones(&ctx, wire::ListZonesRequest{}, &dir).ok());
  std::size_t members = 0;
  for (const auto& z : dir.zones()) members += static_cast<std::size_t>(z.members_size());
  EXPECT_EQ(members, 150u);
  // limits.peers_max: real nodes fill the directory, then a further Register is refused.
  c.kill_tracker();
  c.start_tracker({"--limits-peers-max", "3", "--expiry-ms", "0"});
  for (int i = 0; i < 3; ++i) c.start_node();
  c.wait_settled(1);
  // Its own connection: the shared subchannel of `stub` may still hold the killed tracker's socket, and an
  // RPC written onto it fails with UNAVAILABLE ("Broken pipe") before the tracker ever sees it.
  auto stub2 = wire::Tracker::NewStub(node::make_channel(c.tracker_address(), node::TlsConfig{}, "", true));
  grpc::ClientContext ctx2;
  node::set_deadline(ctx2, 3000);
  ctx2.set_wait_for_ready(true);
  wire::RegisterRequest req;
  req.set_address("127.0.0.1:1");
  wire::RegisterReply reply;
  const auto s = stub2->Register(&ctx2, req, &reply);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << s.error_message();
  EXPECT_NE(s.error_message().find("limits.peers_max"), std::string::npos) << s.error_message();
  EXPECT_EQ(c.rest(0, "GET", "/api/peers").body["peers"].size(), 3u);
}

}  // namespace
}  // namespace zonal::test
