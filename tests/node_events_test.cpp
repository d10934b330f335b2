// AMQP events against a real RabbitMQ broker (started by scripts/test via scripts/broker): a node
// with amqp.enabled publishes node.registered, file.shared, search.completed and
// download.completed to the topic exchange; a node whose broker is unreachable keeps working.
#include <amqp.h>
#include <amqp_tcp_socket.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <set>

#include "cluster.hpp"
#include "time_scale.hpp"

namespace zonal::test {
namespace {

using nlohmann::json;

/// A consumer on an exclusive queue bound to `exchange` with "#".
class Consumer {
 public:
  explicit Consumer(const std::string& exchange) {
    m_conn = amqp_new_connection();
    amqp_socket_t* socket = amqp_tcp_socket_new(m_conn);
    if (amqp_socket_open(socket, "127.0.0.1", 5672) != AMQP_STATUS_OK)
      throw std::runtime_error("RabbitMQ is not reachable on 127.0.0.1:5672 (scripts/broker start)");
    if (amqp_login(m_conn, "/", 0, 131072, 0, AMQP_SASL_METHOD_PLAIN, "guest", "guest").reply_type != AMQP_RESPONSE_NORMAL)
      throw std::runtime_error("amqp login failed");
    amqp_channel_open(m_conn, 1);
    amqp_exchange_declare(m_conn, 1, amqp_cstring_bytes(exchange.c_str()), amqp_cstring_bytes("topic"), 0, 1, 0, 0, amqp_empty_table);
    amqp_queue_declare_ok_t* q = amqp_queue_declare(m_conn, 1, amqp_empty_bytes, 0, 0, 1, 1, amqp_empty_table);
    if (q == nullptr) throw std::runtime_error("queue.declare failed");
    const amqp_bytes_t queue = amqp_bytes_malloc_dup(q->queue);
    amqp_queue_bind(m_conn, 1, queue, amqp_cstring_bytes(exchange.c_str()), amqp_cstring_bytes("#"), amqp_empty_table);
    amqp_basic_consume(m_conn, 1, queue, amqp_empty_bytes, 0, 1, 0, amqp_empty_table);
    amqp_bytes_free(queue);
  }
  ~Consumer() {
    amqp_channel_close(m_conn, 1, AMQP_REPLY_SUCCESS);
    amqp_connection_close(m_conn, AMQP_REPLY_SUCCESS);
    amqp_destroy_connection(m_conn);
  }

  /// Next message as (routing key, JSON body), or nullopt after `timeout_s`.
  std::optional<std::pair<std::string, json>> next(int timeout_s) {
    amqp_maybe_release_buffers(m_conn);
    amqp_envelope_t env;
    timeval tv{timeout_s, 0};
    if (amqp_consume_message(m_conn, &env, &tv, 0).reply_type != AMQP_RESPONSE_NORMAL) return std::nullopt;
    std::string key(static_cast<char*>(env.routing_key.bytes), env.routing_key.len);
    std::string body(static_cast<char*>(env.message.body.bytes), env.message.body.len);
    amqp_destroy_envelope(&env);
    return std::make_pair(key, json::parse(body, nullptr, false));
  }

 private:
  amqp_connection_state_t m_conn;
};

TEST(NodeEvents, PublishedToRabbitMq) {
  const std::string exchange = "zonal.test." + std::to_string(::getpid());
  Consumer consumer(exchange);
  Cluster c("events");
  c.start_tracker({"--zones-min-size", "2"});
  const std::vector<std::string> amqp{"--amqp-enabled", "true", "--amqp-exchange", exchange, "--search-timeout-ms", "300"};
  c.start_node(amqp);
  c.start_node(amqp);
  c.wait_settled(1);
  c.share_random(0, "evented.bin", 5000, 3);
  ASSERT_EQ(c.rest(1, "POST", "/api/get", {{"name", "evented.bin"}}).status, 200);
  std::set<std::string> seen;
  json shared;
  while (auto m = consumer.next(5)) {
    seen.insert(m->first);
    if (m->first == "file.shared") shared = m->second;
    if (seen.contains("download.completed") && seen.contains("file.shared")) break;
  }
  EXPECT_TRUE(seen.contains("node.registered"));
  EXPECT_TRUE(seen.contains("file.shared"));
  EXPECT_TRUE(seen.contains("search.completed"));
  EXPECT_TRUE(seen.contains("download.completed"));
  EXPECT_EQ(shared["name"], "evented.bin");
  EXPECT_EQ(shared["peer_id"], c.node(0).id);
  EXPECT_EQ(shared["event"], "file.shared");
}

TEST(NodeEvents, UnreachableBrokerDoesNotStopTheNode) {
  Cluster c("events-down");
  c.start_tracker({"--zones-min-size", "2"});
  c.start_node({"--amqp-enabled", "true", "--amqp-url", "amqp://guest:guest@127.0.0.1:1/"});
  EXPECT_EQ(c.rest(0, "GET", "/api/status").status, 200);
  c.share_random(0, "still-works.bin", 100, 1);
  EXPECT_EQ(c.rest(0, "GET", "/api/files").body["files"].size(), 1u);
  // The publisher really tried the broker (a node with AMQP silently off would pass the above).
  const auto log = c.dir() / "node0.log";
  const auto log_says_unreachable = [&] {
    std::ifstream in(log);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return text.find("amqp broker 127.0.0.1:1 unreachable") != std::string::npos;
  };
  EXPECT_TRUE(wait_until(log_says_unreachable, std::chrono::seconds(10))) << "no AMQP connection attempt in " << log;
}

}  // namespace
}  // namespace zonal::test
