// Chord on real processes: a tracker and 6 zonal-node processes with chord.enabled on loopback
// (OS-chosen ports). The ring forms (every node's successor and predecessor, read from
// /api/status, are its true ring neighbours by chord_id_of_address), a shared file is found by a
// chord search from another node and downloaded, hostile Chord RPCs are refused with the right
// gRPC status without harming the node, a SIGTERMed node leaves gracefully, and after a SIGKILL
// of the node indexing a file a chord search still finds its holder once the ring has repaired.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <csignal>
#include <random>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cluster.hpp"
#include "time_scale.hpp"
#include "grpc_options.hpp"
#include "identity_name.hpp"
#include "zonal.grpc.pb.h"
#include "zonal/chord_id.hpp"
#include "zonal/hash.hpp"
#include "zonal/wire/chord_codec.hpp"

namespace zonal::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr std::size_t node_count = 6;
constexpr unsigned id_bits = 64;
/// Chord timers and RPC timeout stretched by the machine's load (tests/support/time_scale.hpp):
/// a 250 ms RPC timeout on a loaded machine would declare live nodes dead and never let the ring settle.
std::vector<std::string> chord_args_now() {
  const auto ms = [](int base) { return std::to_string(scaled(std::chrono::milliseconds(base)).count()); };
  return {"--chord-enabled", "true", "--chord-stabilize-ms", ms(150), "--chord-fix-fingers-ms", ms(150),
          "--chord-check-predecessor-ms", ms(150), "--chord-rpc-timeout-ms", ms(250), "--search-timeout-ms", ms(600)};
}
const std::vector<std::string> chord_args = chord_args_now();

/// Output (stderr merged) of the shell command `cmd`, and its exit status.
std::pair<int, std::string> run_command(const std::string& cmd) {
  std::string text;
  FILE* pipe = ::popen((cmd + " 2>&1").c_str(), "r");
  std::array<char, 4096> buf{};
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe)) text.append(buf.data(), n);
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1, text};
}

class NodeChord : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    s_cluster = new Cluster("chord");
    s_cluster->start_tracker({"--zones-count", "1", "--heartbeat-ms", "100", "--expiry-ms", "1500"});
    for (std::size_t i = 0; i < node_count; ++i) s_cluster->start_node(chord_args);
    s_cluster->wait_settled(1);
  }
  static void TearDownTestSuite() {
    delete s_cluster;
    s_cluster = nullptr;
  }
  Cluster& c() { return *s_cluster; }

  ChordId chord_id(std::size_t i) { return chord_id_of_address(c().node(i).grpc_address(), id_bits); }

  std::vector<std::size_t> live() {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < c().size(); ++i)
      if (c().node(i).process->running()) out.push_back(i);
    return out;
  }

  /// The live nodes sorted by Chord id: the ring as it must be.
  std::vector<std::size_t> ring_order() {
    auto order = live();
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return chord_id(a) < chord_id(b); });
    return order;
  }

  /// Empty when every live node is a member whose successor, predecessor and successor list are
  /// its true ring neighbours; otherwise the first discrepancy.
  std::string ring_problem() {
    const auto order = ring_order();
    for (std::size_t k = 0; k < order.size(); ++k) {
      const std::size_t i = order[k];
      const std::size_t next = order[(k + 1) % order.size()];
      const std::size_t prev = order[(k + order.size() - 1) % order.size()];
      const auto r = c().rest(i, "GET", "/api/status");
      if (r.status != 200) return "node " + std::to_string(i) + ": status " + std::to_string(r.status);
      const json& ch = r.body["chord"];
      const std::string who = "node " + std::to_string(i) + " " + ch.dump();
      if (ch["state"] != "member") return who + ": not a member";
      if (ch["id"] != chord_id(i)) return who + ": id is not chord_id_of_address";
      if (ch["successor"].is_null() || ch["successor"]["peer"] != c().node(next).id) return who + ": wrong successor";
      if (ch["predecessor"].is_null() || ch["predecessor"]["peer"] != c().node(prev).id) return who + ": wrong predecessor";
      // The successor list holds the next min(r, n - 1) nodes in ring order (r = 8 by default).
      const std::size_t want = std::min<std::size_t>(8, order.size() - 1);
      if (ch["successors"].size() != want) return who + ": successor list not complete";
      for (std::size_t j = 0; j < want; ++j)
        if (ch["successors"][j]["peer"] != c().node(order[(k + 1 + j) % order.size()]).id) return who + ": successor list out of order";
    }
    return {};
  }

  /// Poll until the ring is exact; fails the test with the last discrepancy after `timeout`.
  void wait_ring(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + scaled(timeout);
    std::string problem = ring_problem();
    while (!problem.empty() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(50ms);
      problem = ring_problem();
    }
    ASSERT_EQ(problem, "") << "ring did not settle";
  }

  /// Holders a chord search from `from` reports (empty on a failed search).
  std::set<std::uint32_t> chord_holders(std::size_t from, const std::string& name, json* body = nullptr) {
    const auto r = c().rest(from, "GET", "/api/search?name=" + name + "&strategy=chord");
    if (body) *body = r.body;
    std::set<std::uint32_t> out;
    if (r.status != 200) return out;
    for (const auto& h : r.body["hits"]) out.insert(h["holder"].get<std::uint32_t>());
    return out;
  }

  /// Poll chord searches from `from` until one names `holder`; false after `timeout`.
  bool wait_found(std::size_t from, const std::string& name, std::uint32_t holder, std::chrono::milliseconds timeout,
                  json* last = nullptr) {
    const auto deadline = std::chrono::steady_clock::now() + scaled(timeout);
    do {
      if (chord_holders(from, name, last).contains(holder)) return true;
      std::this_thread::sleep_for(100ms);
    } while (std::chrono::steady_clock::now() < deadline);
    return false;
  }

  /// The live node that is the successor of `name`'s Chord key (where its record is indexed).
  std::size_t key_successor(const std::string& name) {
    const ChordId key = chord_key_of_file(file_key(name), id_bits);
    const auto order = ring_order();
    for (std::size_t i : order)
      if (chord_id(i) >= key) return i;
    return order.front();
  }

  static Cluster* s_cluster;
};

Cluster* NodeChord::s_cluster = nullptr;

TEST_F(NodeChord, RingFormsWithExactNeighbours) {
  wait_ring(20s);
  const auto s = c().rest(0, "GET", "/api/status").body["chord"];
  EXPECT_EQ(s["enabled"], true);
  EXPECT_EQ(s["successors"].size(), node_count - 1);  // 8 wanted, 5 others exist
  EXPECT_EQ(s["records"], 0);  // nothing shared yet
  EXPECT_GE(s["joins"].get<int>(), 1);
}

TEST_F(NodeChord, SharedFileIsFoundByChordAndDownloaded) {
  wait_ring(20s);
  const std::string sha = c().share_random(2, "ring.bin", 300'000, 11);
  json last;
  ASSERT_TRUE(wait_found(4, "ring.bin", c().node(2).id, 10s, &last)) << last.dump();
  EXPECT_EQ(last["strategy"], "chord");
  EXPECT_EQ(last["hits"][0]["responder"], c().node(key_successor("ring.bin")).id);  // the key's successor answered
  EXPECT_TRUE(chord_holders(1, "absent.bin").empty());
  // The same through the `zonal` CLI.
  const std::string zonal = std::string(ZONAL_CLI_EXE) + " --data-dir " + c().node(3).data_dir.string() + " --node 127.0.0.1:" +
                            std::to_string(c().node(3).rest_port);
  const auto [search_status, search_text] = run_command(zonal + " search ring.bin --strategy chord");
  EXPECT_EQ(search_status, 0) << search_text;
  // A Chord find's hits arrive together with its end, so the answer is never an early one.
  EXPECT_NE(search_text.find("1 hit(s) for \"ring.bin\" (chord)"), std::string::npos) << search_text;
  const auto [status_status, status_text] = run_command(zonal + " status");
  EXPECT_EQ(status_status, 0) << status_text;
  EXPECT_NE(status_text.find("chord member at id " + std::to_string(chord_id(3))), std::string::npos) << status_text;
  const auto r = c().rest(5, "POST", "/api/get", {{"name", "ring.bin"}, {"strategy", "chord"}});
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.body["file"]["sha256"], sha);
  EXPECT_EQ(sha256_hex_of(c().node(5).shared_dir() / "ring.bin"), sha);
  // The downloader shares it too, and the ring learns it as a second holder.
  EXPECT_TRUE(wait_found(0, "ring.bin", c().node(5).id, 10s, &last)) << last.dump();
}

TEST_F(NodeChord, HostileChordMessagesAreRefusedAndHarmless) {
  // Members with valid certificates: each envelope goes out on the channel of the peer its
  // `from` names (a valid id: the sender's own certificate; else peer 1's).
  std::map<std::uint64_t, std::unique_ptr<wire::Peer::Stub>> stubs;
  const auto stub_for = [&](std::uint64_t from) -> wire::Peer::Stub& {
    if (from > 0xFFFFFFFDull) from = 1;
    auto& s = stubs[from];
    if (!s)
      s = wire::Peer::NewStub(node::make_channel(c().node(3).grpc_address(), c().client_tls("node-" + std::to_string(from)),
                                                 node::node_identity_name(c().node(3).id)));
    return *s;
  };
  const auto call = [&](const wire::ChordEnvelope& env, wire::Ack* ack = nullptr) {
    grpc::ClientContext ctx;
    node::set_deadline(ctx, 2000);
    wire::Ack reply;
    const grpc::Status s = stub_for(env.from()).Chord(&ctx, env, &reply);
    if (ack) *ack = reply;
    return s;
  };
  EXPECT_EQ(call(wire::ChordEnvelope{}).error_code(), grpc::StatusCode::INVALID_ARGUMENT);  // no body
  auto bad_from = wire::encode_chord(1, ChordPing{1});
  bad_from.set_from(no_peer);
  const auto s = call(bad_from);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("chord_envelope.from"), std::string::npos) << s.error_message();
  auto bad_step = wire::encode_chord(1, ChordFindSuccessorReply{1, 1, ChordRef::make(5, 1), ChordStep::next});
  bad_step.mutable_find_successor_reply()->set_step(static_cast<wire::ChordStep>(7));
  EXPECT_EQ(call(bad_step).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  auto no_sender = wire::encode_chord(1, ChordStabilize{1, 0, ChordRef::make(5, 1)});
  no_sender.mutable_stabilize()->clear_sender();
  EXPECT_EQ(call(no_sender).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  auto huge = wire::encode_chord(1, ChordFetchReply{});
  for (int i = 0; i < 20000; ++i) huge.mutable_fetch_reply()->add_holders(0xFFFFFFF0u);
  EXPECT_EQ(call(huge).error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  // Well-formed but meaningless: replies nobody asked for, a stabilize whose sender lies about
  // being the caller, a leave notice from a stranger. The core drops them.
  wire::Ack ack;
  EXPECT_TRUE(call(wire::encode_chord(77, ChordPong{12345}), &ack).ok());
  EXPECT_EQ(ack.arrival(), wire::ARRIVAL_DROPPED);
  EXPECT_TRUE(call(wire::encode_chord(77, ChordFindSuccessorReply{999, 3, ChordRef::make(1, 2), ChordStep::done}), &ack).ok());
  EXPECT_EQ(ack.arrival(), wire::ARRIVAL_DROPPED);
  EXPECT_TRUE(call(wire::encode_chord(77, ChordStabilize{1, 0, ChordRef::make(1, 78)}), &ack).ok());
  EXPECT_EQ(ack.arrival(), wire::ARRIVAL_DROPPED);
  EXPECT_TRUE(call(wire::encode_chord(c().node(0).id, ChordLeaveNotice{ChordRef::make(3, 4242), ChordLeaveKind::to_successor})).ok());
  // Random corruptions of valid envelopes: every one is answered OK or INVALID_ARGUMENT (or
  // PERMISSION_DENIED: a replica record naming a holder outside the directory).
  const std::vector<ChordMessage> valid{ChordFindSuccessor{1, 2, ChordPackedId::of(99), 5},
                                        ChordStabilizeReply{3, ChordRef::make(7, 8), 2, false},
                                        ChordSuccessorEntry{3, ChordRef::make(9, 10), 1, 2},
                                        ChordForward{4, 5, ChordPackedId::of(6), 77, 3, 2},
                                        ChordFetchReply{6, 7, {1, 2, no_peer}, 2},
                                        ChordStore{ChordPackedId::of(3), 77, 0, 77, ChordStoreKind::replica}};
  std::mt19937_64 rng(99);
  int refused = 0, accepted = 0;
  for (int i = 0; i < 600; ++i) {
    std::string bytes = wire::encode_chord_bytes(77, valid[static_cast<std::size_t>(i) % valid.size()]);
    for (int f = 0; f < 2; ++f) bytes[rng() % bytes.size()] = static_cast<char>(rng());
    wire::ChordEnvelope env;
    if (!env.ParseFromString(bytes)) continue;
    if (env.from() != 77 && env.from() <= 0xFFFFFFFDull) continue;  // corrupted sender: one certificate per sender is plenty
    const auto st = call(env);
    ASSERT_TRUE(st.ok() || st.error_code() == grpc::StatusCode::INVALID_ARGUMENT ||
                st.error_code() == grpc::StatusCode::PERMISSION_DENIED)
        << st.error_message();
    (st.ok() ? accepted : refused)++;
  }
  EXPECT_GT(refused, 0);
  EXPECT_GT(accepted, 0);
  // The node is alive and the ring intact.
  EXPECT_EQ(c().rest(3, "GET", "/api/status").status, 200);
  wait_ring(15s);
}

TEST_F(NodeChord, SigtermLeavesGracefullyAndSearchesStillFind) {
  wait_ring(20s);
  // A file whose record lives on a node that neither holds nor searches it; that node leaves.
  std::string name;
  std::size_t indexer = 0;
  for (int n = 0; n < 200 && name.empty(); ++n) {
    const std::string candidate = "leave-" + std::to_string(n) + ".bin";
    indexer = key_successor(candidate);
    if (indexer != 1 && indexer != 0 && indexer != 2 && indexer != 5) name = candidate;
  }
  ASSERT_FALSE(name.empty());
  c().share_random(1, name, 50'000, 21);
  ASSERT_TRUE(wait_found(0, name, c().node(1).id, 10s));
  c().stop_node(indexer, SIGTERM);
  ASSERT_FALSE(c().node(indexer).process->running());
  std::ifstream log(c().dir() / ("node" + std::to_string(indexer) + ".log"));
  const std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("chord: left the ring"), std::string::npos) << "no graceful leave in the log of node " << indexer;
  wait_ring(10s);
  json last;
  EXPECT_TRUE(wait_found(0, name, c().node(1).id, 10s, &last)) << last.dump();
}

// Self-contained: CTest (gtest_discover_tests) runs every test case in its own process, so this
// one must not rely on files an earlier test case shared (it once searched for "ring.bin" of
// SharedFileIsFoundByChordAndDownloaded and failed whenever it ran alone).
TEST_F(NodeChord, SigkillOfTheIndexingNodeIsRepaired) {
  wait_ring(20s);
  std::string name;
  std::size_t indexer = 0;
  for (int n = 0; n < 200 && name.empty(); ++n) {
    const std::string candidate = "kill-" + std::to_string(n) + ".bin";
    indexer = key_successor(candidate);
    if (indexer != 0 && indexer != 2) name = candidate;
  }
  ASSERT_FALSE(name.empty());
  // A second file, indexed by a node that survives: records elsewhere on the ring must not suffer.
  std::string kept;
  for (int n = 0; n < 200 && kept.empty(); ++n) {
    const std::string candidate = "kept-" + std::to_string(n) + ".bin";
    if (key_successor(candidate) != indexer) kept = candidate;
  }
  ASSERT_FALSE(kept.empty());
  c().share_random(2, name, 50'000, 31);
  c().share_random(2, kept, 20'000, 32);
  ASSERT_TRUE(wait_found(0, name, c().node(2).id, 10s));
  ASSERT_TRUE(wait_found(0, kept, c().node(2).id, 10s));
  c().stop_node(indexer, SIGKILL);
  json last;
  // The record survives on the indexer's successors (chord.replication, on by default).
  EXPECT_TRUE(wait_found(0, name, c().node(2).id, 20s, &last)) << last.dump();
  wait_ring(15s);
  // Files shared before the failure are still found too, from any live node.
  EXPECT_TRUE(wait_found(live().back(), kept, c().node(2).id, 10s, &last)) << last.dump();
  EXPECT_TRUE(wait_found(live().back(), name, c().node(2).id, 10s, &last)) << last.dump();
}

// Recursive lookups on a small ring: the search is forwarded hop by hop and finds the holder.
// The file is shared while the ring is still forming, so its record may land on a node that a
// later joiner relieves of the key without a transfer (docs/protocol.md, "Limits of phase 1"):
// the holder's periodic re-store (chord.republish_ms, 1 s here) must repair that.
TEST(NodeChordRecursive, SearchFindsTheHolder) {
  Cluster c("chord-recursive");
  c.start_tracker({"--zones-count", "1", "--heartbeat-ms", "100"});
  std::vector<std::string> args = chord_args;
  args.insert(args.end(), {"--chord-mode", "recursive", "--chord-replication", "false", "--search-strategy", "chord",
                           "--chord-republish-ms", "1000"});
  for (int i = 0; i < 4; ++i) c.start_node(args);
  c.wait_settled(1);
  const std::string sha = c.share_random(1, "deep.bin", 20'000, 3);
  const auto deadline = std::chrono::steady_clock::now() + scaled(15s);
  json last;
  bool found = false;
  while (!found && std::chrono::steady_clock::now() < deadline) {
    const auto r = c.rest(3, "GET", "/api/search?name=deep.bin");  // the node's default strategy: chord
    last = r.body;
    found = r.status == 200 && !r.body["hits"].empty() && r.body["hits"][0]["holder"] == c.node(1).id;
    if (!found) std::this_thread::sleep_for(100ms);
  }
  ASSERT_TRUE(found) << last.dump();
  EXPECT_EQ(last["strategy"], "chord");
  const auto got = c.rest(2, "POST", "/api/get", {{"name", "deep.bin"}, {"strategy", "chord"}});
  ASSERT_EQ(got.status, 200) << got.body.dump();
  EXPECT_EQ(got.body["file"]["sha256"], sha);
}

// A node without chord.enabled refuses Chord RPCs and chord searches, and reports it; Chord
// nodes started after it leave it out and form their ring without it.
TEST(NodeChordDisabled, RefusesChordClearlyAndChordNodesRingWithoutIt) {
  Cluster c("chord-off");
  c.start_tracker({"--zones-count", "1", "--heartbeat-ms", "100"});
  c.start_node({});
  EXPECT_EQ(c.rest(0, "GET", "/api/status").body["chord"], json({{"enabled", false}}));
  const auto r = c.rest(0, "GET", "/api/search?name=x.bin&strategy=chord");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body["error"].get<std::string>().find("chord.enabled"), std::string::npos) << r.body.dump();
  auto stub = wire::Peer::NewStub(node::make_channel(c.node(0).grpc_address(), c.client_tls("node-5"), node::node_identity_name(c.node(0).id)));
  grpc::ClientContext ctx;
  node::set_deadline(ctx, 2000);
  wire::Ack ack;
  EXPECT_EQ(stub->Chord(&ctx, wire::encode_chord(5, ChordPing{1}), &ack).error_code(), grpc::StatusCode::FAILED_PRECONDITION);

  c.start_node(chord_args);
  c.start_node(chord_args);
  c.wait_settled(1);
  c.share_random(1, "mixed.bin", 5'000, 4);
  const auto deadline = std::chrono::steady_clock::now() + scaled(15s);
  json last;
  bool found = false;
  while (!found && std::chrono::steady_clock::now() < deadline) {
    const auto r = c.rest(2, "GET", "/api/search?name=mixed.bin&strategy=chord");
    last = r.body;
    found = r.status == 200 && !r.body["hits"].empty() && r.body["hits"][0]["holder"] == c.node(1).id;
    if (!found) std::this_thread::sleep_for(100ms);
  }
  ASSERT_TRUE(found) << last.dump();
  // A ring of the two Chord nodes: each one's successor and predecessor is the other.
  const auto ring_of_two = [&] {
    for (std::size_t i : {1u, 2u}) {
      last = c.rest(i, "GET", "/api/status").body["chord"];
      const std::uint32_t other = c.node(3 - i).id;
      if (last["state"] != "member" || last["successor"].is_null() || last["successor"]["peer"] != other ||
          last["predecessor"].is_null() || last["predecessor"]["peer"] != other)
        return false;
    }
    return true;
  };
  const auto ring_deadline = std::chrono::steady_clock::now() + scaled(10s);
  while (!ring_of_two() && std::chrono::steady_clock::now() < ring_deadline) std::this_thread::sleep_for(50ms);
  EXPECT_TRUE(ring_of_two()) << last.dump();
}

/// A TCP port on loopback nobody listens on now, or 0.
bool port_free(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_ANY);
  const bool free = ::bind(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return free;
}

// Colliding ids on real nodes: with 8-bit ids the test picks a gRPC port for the second node
// whose address hashes to the first node's id (and whose next draw does not). Its join ends at
// the first node, fails with "id taken", and it joins with its next draw; the first node keeps
// its id and the two form a ring.
TEST(NodeChordIds, ANodeWhoseIdIsTakenDrawsAnotherAndJoins) {
  constexpr unsigned bits = 8;
  Cluster c("chord-ids");
  c.start_tracker({"--zones-count", "1", "--heartbeat-ms", "100"});
  std::vector<std::string> args = chord_args;
  args.insert(args.end(), {"--chord-id-bits", std::to_string(bits)});
  c.start_node(args);
  const ChordId first = chord_id_draw(c.node(0).grpc_address(), bits, 0);
  std::uint16_t port = 0;
  for (std::uint32_t q = 20000; q < 60000 && port == 0; ++q) {
    const std::string address = "127.0.0.1:" + std::to_string(q);
    if (q != c.node(0).grpc_port && chord_id_draw(address, bits, 0) == first && chord_id_draw(address, bits, 1) != first &&
        port_free(static_cast<std::uint16_t>(q)))
      port = static_cast<std::uint16_t>(q);
  }
  ASSERT_NE(port, 0) << "no free colliding port";
  std::vector<std::string> second = args;
  second.insert(second.end(), {"--grpc-port", std::to_string(port)});
  c.start_node(second);
  ASSERT_EQ(c.node(1).grpc_port, port);
  const ChordId drawn = chord_id_draw(c.node(1).grpc_address(), bits, 1);
  json a, b;
  const auto ring_of_two = [&] {
    a = c.rest(0, "GET", "/api/status").body["chord"];
    b = c.rest(1, "GET", "/api/status").body["chord"];
    return a["state"] == "member" && b["state"] == "member" && !a["successor"].is_null() &&
           a["successor"]["peer"] == c.node(1).id && !b["successor"].is_null() && b["successor"]["peer"] == c.node(0).id &&
           !a["predecessor"].is_null() && a["predecessor"]["peer"] == c.node(1).id;
  };
  const auto deadline = std::chrono::steady_clock::now() + scaled(20s);
  while (!ring_of_two() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(50ms);
  ASSERT_TRUE(ring_of_two()) << a.dump() << "\n" << b.dump();
  EXPECT_EQ(a["id"], first);  // the member keeps its id
  EXPECT_EQ(a["id_draw"], 0);
  EXPECT_EQ(b["id"], drawn);  // the joiner took its next draw
  EXPECT_EQ(b["id_draw"], 1);
  EXPECT_EQ(b["gave_up"], false);
  EXPECT_GE(b["joins"].get<int>(), 2);
  std::ifstream log(c.node(1).log);
  const std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("is taken by another member; draw 1 gives id"), std::string::npos);
}

}  // namespace
}  // namespace zonal::test
