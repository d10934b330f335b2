// Attacks on a real node's limits (issue 9, part B; plaintext clusters: TLS is node_security_test's subject),
// the REST credential and Host/Origin checks (13), slow REST connections (14), reserved query
// ids, oversized walks and bouncing hits (3, 4), index records that outlive their holder (10), query floods (5), Store abuse (8), malformed protobuf (16),
// over-long names (17), a frozen node and the CLI (18), an exhausted fd table (2) and a full
// disk (7). After each, the node must still serve its members.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <csignal>
#include <future>
#include <cstdio>
#include <fstream>
#include <thread>

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include "cluster.hpp"
#include "http_client.hpp"
#include "time_scale.hpp"
#include "zonal.grpc.pb.h"
#include "zonal/hash.hpp"
#include "zonal/wire/codec.hpp"

namespace zonal::test {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

std::string rest_address(Cluster& c, std::size_t i) { return "127.0.0.1:" + std::to_string(c.node(i).rest_port); }

std::string token_of(Cluster& c, std::size_t i) { return cli::read_api_token(c.node(i).data_dir); }

std::unique_ptr<wire::Peer::Stub> stub_of(Cluster& c, std::size_t i) {
  return wire::Peer::NewStub(grpc::CreateChannel(c.node(i).grpc_address(), grpc::InsecureChannelCredentials()));
}

/// Deliver `msg` from `from` to node i directly (as an outside client would).
grpc::Status deliver(wire::Peer::Stub& stub, PeerId from, const Message& msg) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  const wire::Envelope env = wire::encode(from, msg);
  wire::Ack ack;
  return stub.Deliver(&ctx, env, &ack);
}

/// A TCP connection to 127.0.0.1:port (or -1).
int tcp_connect(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

/// True when the peer closed `fd` (recv returns 0 or an error) within `wait`.
bool closed_within(int fd, std::chrono::milliseconds wait) {
  timeval tv{static_cast<time_t>(wait.count() / 1000), static_cast<suseconds_t>((wait.count() % 1000) * 1000)};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char byte;
  const ssize_t n = ::recv(fd, &byte, 1, 0);
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

struct Output {
  int status = -1;
  std::string text;
};

Output run(const std::string& cmd) {
  Output out;
  FILE* pipe = ::popen((cmd + " 2>&1").c_str(), "r");
  std::array<char, 4096> buf{};
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe)) out.text.append(buf.data(), n);
  const int status = ::pclose(pipe);
  out.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

/// Search from node `i` for `name` through REST; returns the number of hits.
std::size_t hits_for(Cluster& c, std::size_t i, const std::string& name) {
  const auto r = c.rest(i, "GET", "/api/search?name=" + cli::url_encode(name) + "&strategy=flood");
  EXPECT_EQ(r.status, 200) << r.body.dump();
  return r.body.value("hits", json::array()).size();
}

/// Two nodes sharing a file, settled; the common start of most tests.
/// Sum of `field` over every node's /api/queries row for `id`, once it stops moving (polled every
/// 500 ms for up to 20 s): the count of a relay that has run its course.
std::uint64_t settled_sum(Cluster& c, QueryId id, const std::string& field) {
  std::uint64_t sum = 0, last = ~0ull;
  for (const auto deadline = Clock::now() + std::chrono::seconds(20); Clock::now() < deadline && sum != last;) {
    last = sum;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // poll until the count stops moving
    sum = 0;
    for (std::size_t i = 0; i < c.size(); ++i) {
      const HttpReply queries = c.rest(i, "GET", "/api/queries");
      for (const auto& q : queries.body["queries"])
        if (q["query_id"] == id) sum += q[field].get<std::uint64_t>();
    }
  }
  return sum;
}

void two_nodes(Cluster& c, const std::vector<std::string>& args = {}) {
  c.start_tracker({"--zones-min-size", "2"});
  std::vector<std::string> all{"--search-timeout-ms", "500"};
  all.insert(all.end(), args.begin(), args.end());
  c.start_node(all);
  c.start_node(all);
  c.wait_settled(1);
  c.share_random(0, "alive.bin", 4096, 7);
}

// ---- attack 13: the REST credential, Host and Origin -------------------------------------

TEST(RestCredential, TokenHostAndOriginAreChecked) {
  Cluster c("sec-rest-auth", false);
  two_nodes(c);
  const fs::path token_file = c.node(0).data_dir / "api-token";
  struct stat st {};
  ASSERT_EQ(::stat(token_file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const std::string token = token_of(c, 0);
  EXPECT_EQ(token.size(), 64u);
  EXPECT_NE(token, token_of(c, 1));  // each node draws its own

  const std::string addr = rest_address(c, 0);
  const auto none = cli::http_call(addr, "POST", "/api/get", json{{"name", "x"}});
  EXPECT_EQ(none.status, 401) << none.body.dump();
  const auto wrong = cli::http_call(addr, "GET", "/api/status", nullptr, {std::string(64, 'a'), std::chrono::seconds(10)});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.body["error"], "Authorization: wrong API token");
  EXPECT_EQ(cli::http_call(addr, "GET", "/api/status", nullptr, {token, std::chrono::seconds(10)}).status, 200);

  // The exploit of the review: a cross-site POST with a foreign Host and Origin.
  const int fd = tcp_connect(c.node(0).rest_port);
  ASSERT_GE(fd, 0);
  const std::string evil = "POST /api/get HTTP/1.1\r\nHost: evil.example\r\nOrigin: http://evil.example\r\n"
                           "Content-Type: text/plain\r\nAuthorization: Bearer " + token + "\r\nContent-Length: 12\r\n\r\n{\"name\":\"x\"}";
  ASSERT_EQ(::send(fd, evil.data(), evil.size(), MSG_NOSIGNAL), static_cast<ssize_t>(evil.size()));
  std::string answer(4096, '\0');
  const ssize_t n = ::recv(fd, answer.data(), answer.size(), 0);
  ::close(fd);
  ASSERT_GT(n, 0);
  EXPECT_EQ(answer.substr(0, 12), "HTTP/1.1 403") << answer;
  EXPECT_NE(answer.find("is not a name of this node"), std::string::npos) << answer;

  const int fd2 = tcp_connect(c.node(0).rest_port);
  const std::string rebinding = "GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://attacker.example:8701\r\n"
                                "Authorization: Bearer " + token + "\r\n\r\n";
  ::send(fd2, rebinding.data(), rebinding.size(), MSG_NOSIGNAL);
  const ssize_t n2 = ::recv(fd2, answer.data(), answer.size(), 0);
  ::close(fd2);
  ASSERT_GT(n2, 0);
  EXPECT_EQ(answer.substr(0, 12), "HTTP/1.1 403") << answer;

  const auto status = c.rest(0, "GET", "/api/status");
  EXPECT_GE(status.body["limits"]["rest"]["unauthorized"].get<int>(), 2);
  EXPECT_GE(status.body["limits"]["rest"]["forbidden"].get<int>(), 2);
  EXPECT_EQ(hits_for(c, 1, "alive.bin"), 1u);  // still serving its members

  // The CLI finds the token on the same host, or takes --token; a wrong one is refused.
  const std::string cli = std::string(ZONAL_CLI_EXE) + " --node " + addr;
  EXPECT_EQ(run(cli + " --data-dir " + c.node(0).data_dir.string() + " status").status, 0);
  EXPECT_EQ(run(cli + " --token " + token + " status").status, 0);
  const auto refused = run(cli + " --token " + std::string(40, 'b') + " status");
  EXPECT_EQ(refused.status, 1);
  EXPECT_EQ(refused.text, "zonal: Authorization: wrong API token\n");
}

TEST(RestCredential, UnsafeTokenFileIsRefusedAtStart) {
  Cluster c("sec-rest-token-mode", false);
  c.start_tracker({"--zones-min-size", "1"});
  const fs::path data_dir = c.dir() / "node0";  // the data directory the harness gives its first node
  fs::create_directories(data_dir);
  std::ofstream(data_dir / "api-token") << std::string(64, 'c') << "\n";
  ::chmod((data_dir / "api-token").c_str(), 0644);
  try {
    c.start_node();
    ADD_FAILURE() << "the node started with a world-readable api-token";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("other users may read the API token"), std::string::npos) << e.what();
  }
}

// ---- attack 14: slow REST connections ---------------------------------------------------

TEST(RestLimits, IdleConnectionsAreCappedAndTimedOut) {
  Cluster c("sec-rest-slow", false);
  two_nodes(c, {"--rest-read-timeout-ms", "1000", "--rest-connections-max", "16"});
  std::vector<int> fds;
  for (int i = 0; i < 40; ++i) fds.push_back(tcp_connect(c.node(0).rest_port));
  // Beyond the cap: closed at once. The others: closed by the read deadline.
  for (int fd : fds) EXPECT_TRUE(closed_within(fd, std::chrono::seconds(10)));
  for (int fd : fds) ::close(fd);
  const auto status = c.rest(0, "GET", "/api/status");
  ASSERT_EQ(status.status, 200);
  EXPECT_GT(status.body["limits"]["rest"]["connections_refused"].get<int>(), 0);
  EXPECT_GT(status.body["limits"]["rest"]["timeouts"].get<int>(), 0);
  EXPECT_EQ(hits_for(c, 0, "alive.bin"), 1u);
}

// ---- attack 18: the CLI against a frozen node -------------------------------------------

TEST(CliTimeout, FrozenNodeDoesNotHangTheCli) {
  Cluster c("sec-cli-frozen", false);
  two_nodes(c);
  const std::string cli = std::string(ZONAL_CLI_EXE) + " --data-dir " + c.node(0).data_dir.string() + " --node " + rest_address(c, 0);
  c.node(0).process->signal(SIGSTOP);
  const auto start = Clock::now();
  const auto frozen = run(cli + " --timeout 2 status");
  const auto took = Clock::now() - start;
  c.node(0).process->signal(SIGCONT);
  EXPECT_EQ(frozen.status, 1);
  EXPECT_NE(frozen.text.find("no answer from the node at"), std::string::npos) << frozen.text;
  EXPECT_LT(took, std::chrono::seconds(15));
  EXPECT_EQ(run(cli + " status").status, 0);  // thawed: answers again
}

// ---- attacks 3 and 4: reserved query ids, oversized walks --------------------------------

TEST(ProtocolLimits, QueryIdZeroIsRefusedAndWalksAreCut) {
  Cluster c("sec-proto", false);
  c.start_tracker({"--zones-min-size", "3"});
  for (int i = 0; i < 3; ++i) c.start_node({"--search-timeout-ms", "500", "--limits-walk-ttl-max", "40", "--search-walk-ttl", "40"});
  c.wait_settled(1);
  c.share_random(0, "alive.bin", 4096, 7);
  auto stub = stub_of(c, 1);
  const PeerId attacker = c.node(2).id;
  const grpc::Status zero = deliver(*stub, attacker, Query{0, 1, attacker, 10, 1, Strategy::flood, Scope::overlay});
  EXPECT_EQ(zero.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(zero.error_message(), "query.query_id: 0 is reserved (no peer uses it)");

  const QueryId walk_id = (QueryId{attacker} << 32) | 999;
  ASSERT_TRUE(deliver(*stub, attacker, Walk{walk_id, file_key("nothing-here"), 1, 65535, 0}).ok());
  // The walker ends after at most 40 hops in all: count its arrivals on every node.
  const std::uint64_t arrivals = settled_sum(c, walk_id, "fresh") + settled_sum(c, walk_id, "duplicates");
  EXPECT_GT(arrivals, 0u);
  EXPECT_LE(arrivals, 40u);

  // The other half of attack 4: with forged senders, nodes 0 and 1 each take the other for a
  // query's previous hop; a hit with the largest relay budget then bounces between them, but
  // only as far as the budget cut on receipt allows (max(254, limits.walk_ttl_max - 1) relays).
  const PeerId a = c.node(0).id, b = c.node(1).id;
  const QueryId pong_id = (QueryId{attacker} << 32) | 1000;
  auto stub0 = stub_of(c, 0);
  ASSERT_TRUE(deliver(*stub0, b, Query{pong_id, file_key("nothing-here"), attacker, 1, 1, Strategy::flood, Scope::overlay}).ok());
  ASSERT_TRUE(deliver(*stub, a, Query{pong_id, file_key("nothing-here"), attacker, 1, 1, Strategy::flood, Scope::overlay}).ok());
  ASSERT_TRUE(deliver(*stub0, b, QueryHit{pong_id, attacker, attacker, 1, 0xFFFF}).ok());
  const std::uint64_t hit_arrivals = settled_sum(c, pong_id, "hit_arrivals");
  EXPECT_GE(hit_arrivals, 2u);  // it was relayed ...
  EXPECT_LE(hit_arrivals, 255u);  // ... but not 65,535 times
  EXPECT_EQ(hits_for(c, 1, "alive.bin"), 1u);
}

// ---- attack 10, the other half: index records that never expire ---------------------------

TEST(RecordLimits, RecordsLapseWhenTheirHolderStopsRenewingThem) {
  Cluster c("sec-record-ttl", false);
  two_nodes(c, {"--zones-record-ttl-ms", "3000"});  // node 0 shares alive.bin; both nodes keep its record
  const auto records_on_1 = [&] { return c.rest(1, "GET", "/api/status").body["records"].get<std::size_t>(); };
  ASSERT_TRUE(wait_until([&] { return records_on_1() >= 1; }, std::chrono::seconds(10)));
  // The holder renews its record every second: it outlives two lifetimes.
  std::this_thread::sleep_for(std::chrono::milliseconds(6500));
  EXPECT_GE(records_on_1(), 1u);
  EXPECT_EQ(hits_for(c, 1, "alive.bin"), 1u);
  // A holder that is gone renews nothing: its record lapses, counted.
  c.stop_node(0, SIGKILL);
  EXPECT_TRUE(wait_until([&] { return records_on_1() == 0; }, std::chrono::seconds(20)));
  EXPECT_GE(c.rest(1, "GET", "/api/status").body["records_expired"].get<std::uint64_t>(), 1u);
}

// ---- attack 5: a flood of distinct queries ------------------------------------------------

TEST(ProtocolLimits, QueryFloodIsRateLimitedPerPeer) {
  Cluster c("sec-flood", false);
  two_nodes(c, {"--limits-searches-per-s", "20", "--limits-searches-burst", "20"});
  auto stub = stub_of(c, 0);
  const PeerId attacker = c.node(1).id;
  int refused = 0;
  const auto started = Clock::now();
  for (std::uint32_t i = 1; i <= 200; ++i) {
    const grpc::Status s = deliver(*stub, attacker, Query{(QueryId{attacker} << 32) | (1000 + i), i, attacker, 10, 1,
                                                          Strategy::flood, Scope::overlay});
    if (s.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
      ++refused;
      EXPECT_NE(s.error_message().find("limits.searches_per_s"), std::string::npos) << s.error_message();
    }
  }
  // At most the burst plus what refilled while sending (20/s) got through.
  const double elapsed_s = std::chrono::duration<double>(Clock::now() - started).count();
  EXPECT_GE(refused, 200 - 20 - static_cast<int>(20 * elapsed_s) - 1) << elapsed_s << " s";
  EXPECT_GT(refused, 0);
  const auto status = c.rest(0, "GET", "/api/status");
  EXPECT_EQ(status.body["limits"]["peers"]["searches_refused"].get<int>(), refused);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // the bucket refills: members search again
  EXPECT_EQ(hits_for(c, 1, "alive.bin"), 1u);
}

/// Resident memory of process `pid` in MiB (VmRSS).
double rss_mib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  return 0;
}

TEST(ProtocolLimits, DistinctFloodsFromForgedSendersStayBounded) {
  // ~200 distinct TTL-10 floods per second for 5 s, each from another claimed sender (so the
  // per-peer buckets do not help): the queue in front of the protocol thread, the bounded seen
  // table and counters, and the gRPC thread cap must keep memory bounded, and the node recovers.
  Cluster c("sec-flood-memory", false);
  c.start_tracker({"--zones-min-size", "3"});
  for (int i = 0; i < 3; ++i) c.start_node({"--search-timeout-ms", "500"});
  c.wait_settled(1);
  c.share_random(0, "alive.bin", 4096, 7);
  const pid_t pid = c.node(1).process->pid();
  const double before = rss_mib(pid);
  std::atomic<std::uint32_t> next{1};
  std::vector<std::thread> senders;
  const auto until = Clock::now() + std::chrono::seconds(5);
  for (int t = 0; t < 4; ++t)
    senders.emplace_back([&] {
      auto stub = stub_of(c, 1);
      while (Clock::now() < until) {
        const std::uint32_t n = next++;
        const PeerId forged = 1000 + n % 5000;
        deliver(*stub, forged, Query{(QueryId{forged} << 32) | n, n, forged, 10, 1, Strategy::flood, Scope::overlay});
        std::this_thread::sleep_for(std::chrono::milliseconds(20));  // ~50 per second per sender
      }
    });
  for (auto& s : senders) s.join();
  const double after = rss_mib(pid);
  EXPECT_GT(next.load(), 200u);
  EXPECT_LT(after - before, 200.0) << before << " MiB -> " << after << " MiB";
  json limits;
  for (const auto deadline = Clock::now() + std::chrono::seconds(30); Clock::now() < deadline;) {
    limits = c.rest(1, "GET", "/api/status").body["limits"]["peers"];
    if (limits["backlog"] == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(limits["backlog"], 0) << limits.dump();
  EXPECT_EQ(hits_for(c, 1, "alive.bin"), 1u);
}

// ---- attack 16: malformed protobuf ---------------------------------------------------------

TEST(ProtocolLimits, MalformedProtobufIsInvalidArgumentWithAMessage) {
  Cluster c("sec-malformed", false);
  two_nodes(c);
  auto channel = grpc::CreateChannel(c.node(0).grpc_address(), grpc::InsecureChannelCredentials());
  grpc::GenericStub generic(channel);
  const auto raw_call = [&](const std::string& method, const std::string& bytes) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    grpc::Slice slice(bytes);
    grpc::ByteBuffer request(&slice, 1), reply;
    std::promise<grpc::Status> done;
    generic.UnaryCall(&ctx, method, grpc::StubOptions(), &request, &reply, [&](grpc::Status s) { done.set_value(s); });
    return done.get_future().get();
  };
  for (const std::string& bytes : {std::string("\xff\xff\xff\xff", 4), std::string("\x12\x05\x08", 3)}) {
    const grpc::Status s = raw_call("/zonal.wire.Peer/Deliver", bytes);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
    EXPECT_NE(s.error_message().find("not a valid protobuf message"), std::string::npos) << s.error_message();
  }
  // FileInfo's name is a string field: invalid UTF-8 fails protobuf's own parsing.
  wire::FileInfoRequest bad_name;
  bad_name.set_name("ok");
  std::string bytes = bad_name.SerializeAsString();
  bytes.back() = '\xc3';  // a truncated two-byte UTF-8 sequence
  const grpc::Status utf8 = raw_call("/zonal.wire.Peer/FileInfo", bytes);
  EXPECT_EQ(utf8.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << utf8.error_message();
  std::string nested;  // length-delimited fields inside each other, 200 deep (malformed beyond a few levels)
  for (int i = 0; i < 200; ++i) nested = std::string("\x12", 1) + static_cast<char>(nested.size() < 128 ? nested.size() : 0) + nested;
  const grpc::Status deep = raw_call("/zonal.wire.Peer/Deliver", nested);
  EXPECT_NE(deep.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_FALSE(deep.error_message().empty());
  EXPECT_EQ(hits_for(c, 1, "alive.bin"), 1u);
}

// ---- attack 17: names whose temporary names are too long ----------------------------------

TEST(FileLimits, NamesTooLongToTransferAreRefusedAtShareTime) {
  Cluster c("sec-long-name", false);
  two_nodes(c);
  const std::string name(250, 'n');
  std::ofstream(c.node(0).shared_dir() / name) << "x";
  const auto r = c.rest(0, "POST", "/api/share", json{{"name", name}});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body["error"].get<std::string>().find("too long to transfer"), std::string::npos) << r.body.dump();
  const std::string fits(246, 'f');
  std::ofstream(c.node(0).shared_dir() / fits) << "x";
  EXPECT_EQ(c.rest(0, "POST", "/api/share", json{{"name", fits}}).status, 200);
  EXPECT_EQ(c.rest(1, "POST", "/api/get", json{{"name", fits}, {"strategy", "flood"}}).status, 200);
}

// ---- attack 8: Store from anyone -----------------------------------------------------------

/// A Store stream to node i that sent its header (name, size, hash) and then nothing.
struct HeldStore {
  grpc::ClientContext ctx;
  wire::StoreReply reply;
  std::unique_ptr<grpc::ClientWriter<wire::StoreChunk>> writer;
  HeldStore(wire::Peer::Stub& stub, const std::string& name, std::uint64_t size) {
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    writer = stub.Store(&ctx, &reply);
    wire::StoreChunk header;
    header.set_name(name);
    header.set_size(size);
    header.set_sha256(std::string(32, '\0'));
    writer->Write(header);
  }
  grpc::Status finish() {
    writer->WritesDone();
    return writer->Finish();
  }
};

TEST(StoreLimits, HeldStreamsTimeOutConcurrencyAndQuotaAreCapped) {
  Cluster c("sec-store", false);
  two_nodes(c, {"--files-store-uploads-max", "2", "--files-store-idle-ms", "1500", "--files-store-quota-bytes", "100000"});
  auto stub = stub_of(c, 0);
  const auto started = Clock::now();
  HeldStore a(*stub, "held.bin", 1000), b(*stub, "other.bin", 1000);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // both admitted before the third arrives
  HeldStore third(*stub, "third.bin", 1000);
  const grpc::Status busy = third.finish();
  EXPECT_EQ(busy.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << busy.error_message();
  EXPECT_NE(busy.error_message().find("files.store_uploads_max"), std::string::npos) << busy.error_message();
  // The idle watchdog cancels both held streams (their names are free again).
  json status;
  for (const auto deadline = Clock::now() + std::chrono::seconds(20); Clock::now() < deadline;) {
    status = c.rest(0, "GET", "/api/status").body["limits"]["store"];
    if (status["cancelled"].get<int>() >= 2) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(status["cancelled"].get<int>(), 2) << status.dump();
  EXPECT_EQ(status["running"].get<int>(), 0) << status.dump();
  EXPECT_EQ(status["refused_busy"].get<int>(), 1) << status.dump();
  EXPECT_LT(Clock::now() - started, std::chrono::seconds(20));
  EXPECT_EQ(a.finish().error_code(), grpc::StatusCode::CANCELLED);  // cancelled server-side
  EXPECT_EQ(b.finish().error_code(), grpc::StatusCode::CANCELLED);

  HeldStore big(*stub, "big.bin", 200000);
  const grpc::Status quota = big.finish();
  EXPECT_EQ(quota.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_NE(quota.error_message().find("files.store_quota_bytes"), std::string::npos) << quota.error_message();
  // The held name works again: a real upload through the node's own API stores it.
  c.share_random(1, "held.bin", 5000, 3);
  EXPECT_EQ(c.rest(1, "POST", "/api/store", json{{"name", "held.bin"}}).status, 200);
  EXPECT_EQ(hits_for(c, 1, "alive.bin"), 1u);
}

// ---- attack 2: an exhausted fd table ------------------------------------------------------

TEST(ListenerLimits, GrpcListenerRecoversAfterRunningOutOfFileDescriptors) {
  Cluster c("sec-emfile", false);
  two_nodes(c, {"--limits-open-files", "256", "--limits-listener-probe-ms", "500", "--limits-grpc-handshake-ms", "60000"});
  std::vector<int> fds;
  for (int i = 0; i < 400; ++i) {
    const int fd = tcp_connect(c.node(0).grpc_port);
    if (fd >= 0) fds.push_back(fd);
  }
  std::this_thread::sleep_for(std::chrono::seconds(2));  // the node's accept loop runs into EMFILE
  for (int fd : fds) ::close(fd);
  // A fresh connection gets answered again once the watchdog has restored the listener.
  bool answered = false;
  for (const auto deadline = Clock::now() + std::chrono::seconds(60); !answered && Clock::now() < deadline;) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    auto stub = wire::Peer::NewStub(grpc::CreateCustomChannel(c.node(0).grpc_address(), grpc::InsecureChannelCredentials(), args));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
    wire::FileInfoRequest req;
    req.set_name("alive.bin");
    wire::FileEntry entry;
    answered = stub->FileInfo(&ctx, req, &entry).ok();
  }
  EXPECT_TRUE(answered);
  EXPECT_GE(c.rest(0, "GET", "/api/status").body["limits"]["listener_restarts"].get<int>(), 1);  // the watchdog restored it
  EXPECT_EQ(c.rest(1, "POST", "/api/get", json{{"name", "alive.bin"}, {"strategy", "flood"}}).status, 200);
}

// ---- attack 7: a download onto a full disk -------------------------------------------------

TEST(FileLimits, DownloadOntoAFullDiskLeavesNothingBehind) {
  Cluster c("sec-full-disk", false);
  c.start_tracker({"--zones-min-size", "2"});
  c.start_node({"--search-timeout-ms", "500"});
  // Node 1's data directory (where the harness puts it) is a 1 MiB tmpfs (needs root); the file
  // to fetch is 4 MiB.
  const fs::path small = c.dir() / "node1";
  fs::create_directories(small);
  if (::mount("tmpfs", small.c_str(), "tmpfs", 0, "size=1m") != 0) GTEST_SKIP() << "cannot mount a tmpfs (needs root)";
  struct Unmount {
    fs::path p;
    ~Unmount() { ::umount2(p.c_str(), MNT_DETACH); }
  } unmount{small};
  c.start_node({"--search-timeout-ms", "500"});
  c.wait_settled(1);
  c.share_random(0, "big.bin", 4 << 20, 11);
  const auto r = c.rest(1, "POST", "/api/get", json{{"name", "big.bin"}, {"strategy", "flood"}});
  EXPECT_EQ(r.status, 500) << r.body.dump();
  EXPECT_NE(r.body["error"].get<std::string>().find("No space left on device"), std::string::npos) << r.body.dump();
  EXPECT_NE(r.body["error"].get<std::string>().find("partial file deleted"), std::string::npos) << r.body.dump();
  EXPECT_FALSE(fs::exists(small / "shared" / "big.bin"));
  EXPECT_TRUE(fs::is_empty(small / "partial"));
  EXPECT_EQ(c.rest(1, "GET", "/api/files").body["files"].size(), 0u);
  EXPECT_EQ(hits_for(c, 1, "big.bin"), 1u);  // still searching for its members
}

}  // namespace
}  // namespace zonal::test
