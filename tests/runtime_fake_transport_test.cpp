// PeerRuntime without processes or sockets: runtimes hand their packets to a FakeTransport
// (tests/support/fake_transport.hpp) and the test delivers them, so the io threads, the core
// timer helper and the search bookkeeping run exactly as in a node, on loopback-free memory.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <map>
#include <memory>
#include <optional>

#include "fake_transport.hpp"
#include "peer_runtime.hpp"
#include "zonal/hash.hpp"

namespace zonal::node {
namespace {

using namespace std::chrono_literals;
using test::FakeTransport;
using test::RecordingSink;

constexpr auto deadline = 20s;  // generous: the machine may be loaded; every wait ends on its condition

/// Runtimes 1..n, each with its own fake transport; deliver() moves packets between them.
class FakeNet {
 public:
  explicit FakeNet(PeerId n, TimeUs timeout_us = 300'000) {
    PeerConfig config;
    config.query_timeout_us = timeout_us;
    for (PeerId id = 1; id <= n; ++id) {
      auto& s = m_nodes[id];
      s.transport = std::make_unique<FakeTransport>();
      s.ids = std::make_unique<QueryIdAllocator>(id);
      s.runtime = std::make_unique<PeerRuntime>(id, config, id, *s.transport, m_sink, *s.ids);
    }
  }
  PeerRuntime& at(PeerId id) { return *m_nodes.at(id).runtime; }
  FakeTransport& transport(PeerId id) { return *m_nodes.at(id).transport; }
  RecordingSink& sink() { return m_sink; }

  /// Deliver every packet sent so far (and those it causes) until `done()` or the deadline;
  /// returns the packets delivered, in order, with their senders.
  template <class Done>
  std::vector<std::pair<PeerId, test::Packet<Message>>> run_until(Done done) {
    std::vector<std::pair<PeerId, test::Packet<Message>>> log;
    const auto end = std::chrono::steady_clock::now() + deadline;
    while (!done() && std::chrono::steady_clock::now() < end) {
      bool moved = false;
      for (auto& [from, s] : m_nodes)
        for (auto& p : s.transport->take()) {
          moved = true;
          log.emplace_back(from, p);
          if (m_nodes.count(p.to)) {
            EXPECT_TRUE(at(p.to).deliver(from, p.msg, 10s).has_value());
          }
        }
      if (!moved) std::this_thread::sleep_for(1ms);  // polling an observable condition, not a fixed wait
    }
    return log;
  }

 private:
  struct Slot {
    std::unique_ptr<FakeTransport> transport;
    std::unique_ptr<QueryIdAllocator> ids;
    std::unique_ptr<PeerRuntime> runtime;
  };
  RecordingSink m_sink;
  std::map<PeerId, Slot> m_nodes;  // destroyed before the sink
};

/// Start a search at `rt` and return the future of its outcome.
std::future<SearchOutcome> search(PeerRuntime& rt, FileKey key, Strategy strategy, std::uint8_t ttl) {
  auto promise = std::make_shared<std::promise<SearchOutcome>>();
  SearchParams params;
  params.ttl_hops = ttl;
  rt.search(key, strategy, params, [promise](SearchOutcome o) { promise->set_value(std::move(o)); });
  return promise->get_future();
}

TEST(RuntimeFakeTransport, FloodFindsTheHolderTwoHopsAwayAndTheWindowCloses) {
  FakeNet net(3);  // a line: 1 - 2 - 3
  net.at(1).install_directory(nullptr, {2}, {});
  net.at(2).install_directory(nullptr, {1, 3}, {});
  net.at(3).install_directory(nullptr, {2}, {});
  const FileKey key = file_key("song.mp3");
  net.at(3).share(key);
  auto outcome = search(net.at(1), key, Strategy::flood, 3);
  const auto log = net.run_until([&] { return outcome.wait_for(0s) == std::future_status::ready; });
  ASSERT_EQ(outcome.wait_for(0s), std::future_status::ready) << "the core timer never closed the search window";
  const SearchOutcome o = outcome.get();
  EXPECT_EQ(o.error, "");
  ASSERT_EQ(o.hits.size(), 1u);
  EXPECT_EQ(o.hits[0].holder, 3u);
  EXPECT_EQ(o.hits[0].responder, 3u);
  EXPECT_EQ(o.hits[0].hops, 2u);
  ASSERT_FALSE(log.empty());
  EXPECT_EQ(log[0].first, 1u);
  EXPECT_EQ(log[0].second.to, 2u);
  const auto* q = std::get_if<Query>(&log[0].second.msg);
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(q->ttl_hops, 3);
  EXPECT_EQ(query_origin(q->query_id), 1u);
  bool hit_back = false;  // the hit travels the reverse path 3 -> 2 -> 1
  for (const auto& [from, p] : log) hit_back |= from == 2 && p.to == 1 && std::holds_alternative<QueryHit>(p.msg);
  EXPECT_TRUE(hit_back);
}

TEST(RuntimeFakeTransport, SearchTtlAboveTheCoreLimitIsCut) {
  FakeNet net(2);
  net.at(1).install_directory(nullptr, {2}, {});
  auto outcome = search(net.at(1), file_key("x"), Strategy::flood, 200);
  ASSERT_TRUE(net.transport(1).wait_any(deadline));
  const auto sent = net.transport(1).take();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(std::get<Query>(sent[0].msg).ttl_hops, ttl_hops_max);
  EXPECT_EQ(outcome.wait_for(deadline), std::future_status::ready);
}

TEST(RuntimeFakeTransport, DuplicateCopiesAreReportedAndNotForwarded) {
  FakeNet net(3);
  net.at(2).install_directory(nullptr, {1, 3}, {});
  const Query q{(QueryId{1} << 32) | 7, file_key("y"), 1, 3, 1, Strategy::flood, Scope::overlay};
  EXPECT_EQ(net.at(2).deliver(1, q, 10s), Arrival::fresh);
  EXPECT_EQ(net.at(2).deliver(1, q, 10s), Arrival::duplicate);
  ASSERT_TRUE(net.transport(2).wait_any(deadline));
  const auto sent = net.transport(2).take();
  ASSERT_EQ(sent.size(), 1u);  // forwarded once, to 3 only (never back to the sender)
  EXPECT_EQ(sent[0].to, 3u);
  EXPECT_EQ(std::get<Query>(sent[0].msg).ttl_hops, 2);
}

TEST(RuntimeFakeTransport, ZoneFloodWithoutDirectoryFailsWithTheCoresReason) {
  FakeNet net(1);
  auto outcome = search(net.at(1), file_key("z"), Strategy::zone_flood, 3);
  ASSERT_EQ(outcome.wait_for(deadline), std::future_status::ready);
  EXPECT_EQ(outcome.get().error, "zone directory not known yet");
  EXPECT_TRUE(net.transport(1).take().empty());
}

TEST(RuntimeFakeTransport, AssignedZoneReachesStateAndEvents) {
  FakeNet net(1);
  net.at(1).assign_zone(ZoneAssignment{2, 4, 1});
  const auto end = std::chrono::steady_clock::now() + deadline;
  while (net.at(1).state().zone != 2 && std::chrono::steady_clock::now() < end) std::this_thread::sleep_for(1ms);
  EXPECT_EQ(net.at(1).state().zone, 2u);
  std::optional<nlohmann::json> changed;
  while (!changed && std::chrono::steady_clock::now() < end) {
    for (const auto& [key, body] : net.sink().events())
      if (key == "zone.changed") changed = body;
    if (!changed) std::this_thread::sleep_for(1ms);
  }
  ASSERT_TRUE(changed.has_value());
  EXPECT_EQ((*changed)["zone"], 2);
  EXPECT_EQ((*changed)["zone_count"], 4);
  EXPECT_TRUE(net.transport(1).take().empty());  // a zone assignment sends nothing
}

}  // namespace
}  // namespace zonal::node
