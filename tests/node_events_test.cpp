// AMQP events against the real shared RabbitMQ broker (started by scripts/test via scripts/broker),
// on an exchange and queue of this test's own: nodes and the tracker publish every event of
// docs/node.md with a unique event_id; the durable queue the node declares (bound to file.* and
// download.*) keeps file events for a consumer that starts later; a node whose broker is
// unreachable keeps working and keeps its events in the outbox.
#include <gtest/gtest.h>

#include <signal.h>

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <set>

#include "amqp_consumer.hpp"
#include "cluster.hpp"
#include "time_scale.hpp"

namespace zonal::test {
namespace {

using nlohmann::json;

struct Seen {
  std::multimap<std::string, json> events;  ///< routing key -> body
  std::set<std::string> ids;
  std::size_t count = 0;
  bool has(const std::string& key, const std::string& field = "", const json& value = nullptr) const {
    auto [lo, hi] = events.equal_range(key);
    for (auto it = lo; it != hi; ++it)
      if (field.empty() || it->second.value(field, json()) == value) return true;
    return false;
  }
};

/// Consume until `done(seen)` or 20 s without the condition.
void consume_until(AmqpConsumer& c, Seen& seen, const std::function<bool(const Seen&)>& done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!done(seen) && std::chrono::steady_clock::now() < deadline) {
    auto m = c.next(500);
    if (!m) continue;
    ++seen.count;
    seen.ids.insert(m->second.value("event_id", ""));
    seen.events.emplace(m->first, m->second);
  }
}

TEST(NodeEvents, EveryEventReachesTheExchangeWithAUniqueId) {
  const std::string exchange = "zonal.test." + std::to_string(::getpid());
  const std::string queue = exchange + ".files";
  auto all = AmqpConsumer::of_exchange(5672, exchange);
  Cluster c("events");
  c.start_tracker({"--zones-min-size", "2", "--heartbeat-ms", "200", "--expiry-ms", "1500", "--amqp-enabled", "true",
                   "--amqp-exchange", exchange, "--data-dir", (c.dir() / "tracker").string()});
  const std::vector<std::string> amqp{"--amqp-enabled", "true", "--amqp-exchange", exchange, "--amqp-queue", queue,
                                      "--search-timeout-ms", "300"};
  std::filesystem::create_directories(c.dir() / "node0" / "shared");
  std::ofstream(c.dir() / "node0" / "shared" / "at-start.txt") << "present before the node started\n";
  c.start_node(amqp);
  c.start_node(amqp);
  c.start_node(amqp);
  c.wait_settled(1);
  c.share_random(0, "evented.bin", 5000, 3);
  ASSERT_EQ(c.rest(1, "POST", "/api/get", {{"name", "evented.bin"}}).status, 200);
  ASSERT_EQ(c.rest(1, "POST", "/api/unshare", {{"name", "evented.bin"}}).status, 200);
  EXPECT_FALSE(std::filesystem::exists(c.node(1).shared_dir() / "evented.bin"));
  c.stop_node(1, SIGTERM);  // leaves: node.left
  c.stop_node(2, SIGKILL);  // silent: the tracker expires it
  Seen seen;
  consume_until(all, seen, [](const Seen& s) { return s.has("node.left") && s.has("peer.expired") && s.has("file.unshared"); });
  EXPECT_TRUE(seen.has("node.registered"));
  EXPECT_TRUE(seen.has("peer.registered"));
  EXPECT_TRUE(seen.has("zones.rebalanced"));
  EXPECT_TRUE(seen.has("file.shared", "origin", "scan"));
  EXPECT_TRUE(seen.has("file.shared", "origin", "share"));
  EXPECT_TRUE(seen.has("file.shared", "origin", "download"));
  EXPECT_TRUE(seen.has("search.completed"));
  EXPECT_TRUE(seen.has("download.completed", "name", "evented.bin"));
  EXPECT_TRUE(seen.has("file.unshared", "name", "evented.bin"));
  EXPECT_TRUE(seen.has("node.left", "peer_id", c.node(1).id));
  EXPECT_TRUE(seen.has("peer.expired", "peer_id", c.node(2).id));
  const auto shared = seen.events.find("file.shared")->second;
  EXPECT_EQ(shared["event"], "file.shared");
  EXPECT_FALSE(seen.ids.contains("")) << "an event without event_id";
  EXPECT_EQ(seen.ids.size(), seen.count) << "event_ids repeat";

  // The durable queue declared by the nodes kept the file and download events for a consumer
  // that starts only now, and nothing else.
  auto late = AmqpConsumer::of_queue(5672, queue);
  Seen kept;
  consume_until(late, kept, [](const Seen& s) { return s.has("file.unshared"); });
  EXPECT_TRUE(kept.has("file.shared", "name", "at-start.txt"));
  EXPECT_TRUE(kept.has("download.completed", "name", "evented.bin"));
  EXPECT_FALSE(kept.has("search.completed"));
  EXPECT_FALSE(kept.has("node.registered"));
  late.delete_queue(queue);
}

/// Run the shell command `cmd` (stderr merged); exit status and output.
std::pair<int, std::string> run(const std::string& cmd) {
  std::string text;
  FILE* pipe = ::popen((cmd + " 2>&1").c_str(), "r");
  std::array<char, 4096> buf{};
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe)) text.append(buf.data(), n);
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, text};
}

TEST(NodeEvents, ZonalEventsPrintsAndAcknowledgesQueuedEvents) {
  const std::string exchange = "zonal.test.cli." + std::to_string(::getpid());
  const std::string queue = exchange + ".files";
  Cluster c("events-cli");
  c.start_tracker({"--zones-min-size", "2"});
  c.start_node({"--amqp-enabled", "true", "--amqp-exchange", exchange, "--amqp-queue", queue});
  c.share_random(0, "cli-one.bin", 10, 1);
  c.share_random(0, "cli-two.bin", 10, 2);
  // The node declares the queue when it connects; wait until the broker confirmed every event.
  ASSERT_TRUE(wait_until([&] { return c.rest(0, "GET", "/api/status").body["events"]["outbox_depth"] == 0; },
                         std::chrono::seconds(20)));
  const std::string zonal = std::string(ZONAL_CLI_EXE) + " events --queue " + queue;
  const auto [status, text] = run(zonal + " --count 2 --idle-s 20 --json");
  EXPECT_EQ(status, 0) << text;
  std::istringstream lines(text);
  std::set<std::string> names;
  for (std::string line; std::getline(lines, line);) {
    const json e = json::parse(line, nullptr, false);
    ASSERT_TRUE(e.is_object()) << line;
    EXPECT_EQ(e["event"], "file.shared");
    EXPECT_FALSE(e.value("event_id", "").empty());
    names.insert(e.value("name", ""));
  }
  EXPECT_EQ(names, (std::set<std::string>{"cli-one.bin", "cli-two.bin"})) << text;
  // Printed events were acknowledged: the queue is empty now.
  const auto [again, rest] = run(zonal + " --idle-s 1");
  EXPECT_EQ(again, 0) << rest;
  EXPECT_EQ(rest, "");
  const auto [missing, why] = run(std::string(ZONAL_CLI_EXE) + " events --queue no.such.queue." + std::to_string(::getpid()) + " --idle-s 1");
  EXPECT_EQ(missing, 1);
  EXPECT_NE(why.find("no.such.queue"), std::string::npos) << why;
  AmqpConsumer::of_queue(5672, queue).delete_queue(queue);
}

TEST(NodeEvents, UnreachableBrokerDoesNotStopTheNode) {
  Cluster c("events-down");
  c.start_tracker({"--zones-min-size", "2"});
  c.start_node({"--amqp-enabled", "true", "--amqp-url", "amqp://guest:guest@127.0.0.1:1/"});
  EXPECT_EQ(c.rest(0, "GET", "/api/status").status, 200);
  c.share_random(0, "still-works.bin", 100, 1);
  EXPECT_EQ(c.rest(0, "GET", "/api/files").body["files"].size(), 1u);
  const json events = c.rest(0, "GET", "/api/status").body["events"];
  EXPECT_GE(events["outbox_depth"].get<int>(), 2) << events.dump();  // node.registered, file.shared wait
  EXPECT_FALSE(events["broker_connected"].get<bool>());
  // The publisher really tried the broker (a node with AMQP silently off would pass the above).
  const auto log = c.dir() / "node0.log";
  const auto log_says_unreachable = [&] {
    std::ifstream in(log);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return text.find("amqp broker 127.0.0.1:1 unreachable") != std::string::npos;
  };
  EXPECT_TRUE(wait_until(log_says_unreachable, std::chrono::seconds(10))) << "no AMQP connection attempt in " << log;
}

TEST(NodeEvents, FullOutboxRefusesWorkWithAClearError) {
  Cluster c("events-full");
  c.start_tracker({"--zones-min-size", "2"});
  c.start_node({"--amqp-enabled", "true", "--amqp-url", "amqp://guest:guest@127.0.0.1:1/", "--amqp-outbox-max", "3"});
  // node.registered (and any zone.changed) wait in the outbox; shares fill it up.
  int accepted = 0;
  HttpReply refused;
  for (int i = 0; i < 5 && refused.status == 0; ++i) {
    const std::string name = std::string("f").append(std::to_string(i)).append(".bin");
    std::ofstream(c.node(0).shared_dir() / name) << i;
    const auto r = c.rest(0, "POST", "/api/share", {{"name", name}});
    if (r.status == 200) ++accepted;
    else refused = r;
  }
  ASSERT_EQ(refused.status, 503) << "the outbox never filled";
  EXPECT_NE(refused.body["error"].get<std::string>().find("outbox full"), std::string::npos) << refused.body.dump();
  const json status = c.rest(0, "GET", "/api/status").body;
  EXPECT_EQ(status["events"]["outbox_depth"], 3);
  EXPECT_EQ(status["files"], accepted);  // the refused share did not happen
  EXPECT_EQ(c.rest(0, "GET", "/api/search?name=f0.bin").status, 503);
}

}  // namespace
}  // namespace zonal::test
