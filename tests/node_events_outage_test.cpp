// No lost event (issue 10): a node publishes through its on-disk outbox with publisher confirms.
// Against a PRIVATE RabbitMQ (own node name, ports and data dir; the shared broker on 5672 is not
// touched): the broker is killed (SIGKILL, issue 9 attack 12: right after a burst of events, many
// still unconfirmed) and stays down for 30 s while the node produces 1,000 file.shared events (the
// node is restarted once in the middle of them), then the broker comes back. Every event must arrive
// in the durable queue file_notifications that the node declared: each event_id at least once,
// none missing, one event_id per event.
#include <gtest/gtest.h>

#include <signal.h>

#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "amqp_consumer.hpp"
#include "cluster.hpp"
#include "private_broker.hpp"

namespace zonal::test {
namespace {

using nlohmann::json;
using clock_type = std::chrono::steady_clock;

constexpr int events_total = 1000;
constexpr int events_before_outage = 200;
constexpr int node_restart_at = 600;
constexpr auto outage = std::chrono::seconds(30);

std::string name_of(int i) { return "ev-" + std::to_string(10000 + i) + ".txt"; }

/// Write a small file into node i's shared dir and share it: one file.shared event.
void produce(Cluster& c, int i) {
  const std::string name = name_of(i);
  std::ofstream(c.node(0).shared_dir() / name) << "event " << i << "\n";
  const auto r = c.rest(0, "POST", "/api/share", {{"name", name}});
  ASSERT_EQ(r.status, 200) << name << ": " << r.body.dump();
}

TEST(NodeEventsOutage, NothingLostAcrossBrokerOutageAndNodeRestart) {
  Cluster c("events-outage");
  PrivateBroker broker(c.dir() / "broker");
  broker.start();
  c.start_tracker();
  c.start_node({"--amqp-enabled", "true", "--amqp-url", broker.url()});  // default queue file_notifications
  for (int i = 0; i < events_before_outage; ++i) produce(c, i);

  broker.kill();  // no graceful shutdown: events in flight are lost by the broker, the outbox resends them
  const auto outage_end = clock_type::now() + outage;
  for (int i = events_before_outage; i < events_total; ++i) {
    if (i == node_restart_at) {
      c.stop_node(0, SIGTERM);  // unconfirmed events stay in data_dir/outbox
      c.restart_node(0);
    }
    produce(c, i);
  }
  const json status = c.rest(0, "GET", "/api/status").body;
  EXPECT_GT(status["events"]["outbox_depth"].get<int>(), 0) << status.dump();
  EXPECT_EQ(status["events"]["refused"], 0);
  std::this_thread::sleep_until(outage_end);  // the outage lasts 30 s whatever the machine's speed
  broker.start();

  // A consumer started only now still gets every event: the queue is durable and was declared
  // by the node before the outage.
  auto consumer = AmqpConsumer::of_queue(broker.port(), "file_notifications");
  std::map<std::string, std::set<std::string>> ids_of;  // file name -> event_ids seen for its share
  std::size_t deliveries = 0;
  const auto deadline = clock_type::now() + std::chrono::seconds(180);
  while (ids_of.size() < static_cast<std::size_t>(events_total) && clock_type::now() < deadline) {
    const auto m = consumer.next(1000);
    if (!m) continue;
    const json& e = m->second;
    if (m->first != "file.shared" || e.value("origin", "") != "share") continue;
    ++deliveries;
    ids_of[e.at("name").get<std::string>()].insert(e.at("event_id").get<std::string>());
  }
  std::vector<std::string> missing;
  for (int i = 0; i < events_total; ++i)
    if (!ids_of.contains(name_of(i))) missing.push_back(name_of(i));
  EXPECT_TRUE(missing.empty()) << missing.size() << " event(s) missing, first " << (missing.empty() ? "" : missing.front());
  std::set<std::string> all_ids;
  for (const auto& [name, ids] : ids_of) {
    EXPECT_EQ(ids.size(), 1u) << name << " arrived under several event_ids";
    all_ids.insert(ids.begin(), ids.end());
  }
  EXPECT_EQ(all_ids.size(), ids_of.size()) << "event_ids are not unique";
  EXPECT_GE(deliveries, static_cast<std::size_t>(events_total));
  // The outbox drains once the broker confirmed everything.
  const auto drained = clock_type::now() + std::chrono::seconds(60);
  json events;
  do {
    events = c.rest(0, "GET", "/api/status").body["events"];
    if (events["outbox_depth"] == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  } while (clock_type::now() < drained);
  EXPECT_EQ(events["outbox_depth"], 0) << events.dump();
  EXPECT_TRUE(events["broker_connected"].get<bool>());
}

}  // namespace
}  // namespace zonal::test
