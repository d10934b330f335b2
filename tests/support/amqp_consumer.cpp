#include "amqp_consumer.hpp"

#include <amqp.h>
#include <amqp_tcp_socket.h>

#include <stdexcept>

namespace zonal::test {
namespace {

amqp_connection_state_t state(void* p) { return static_cast<amqp_connection_state_t>(p); }

void check_rpc(amqp_connection_state_t c, const std::string& what) {
  if (amqp_get_rpc_reply(c).reply_type != AMQP_RESPONSE_NORMAL) throw std::runtime_error("amqp " + what + " failed");
}

}  // namespace

AmqpConsumer::AmqpConsumer(std::uint16_t port) {
  amqp_connection_state_t c = amqp_new_connection();
  m_conn = c;
  amqp_socket_t* socket = amqp_tcp_socket_new(c);
  if (amqp_socket_open(socket, "127.0.0.1", port) != AMQP_STATUS_OK)
    throw std::runtime_error("RabbitMQ is not reachable on 127.0.0.1:" + std::to_string(port) + " (scripts/broker start)");
  if (amqp_login(c, "/", 0, 131072, 0, AMQP_SASL_METHOD_PLAIN, "guest", "guest").reply_type != AMQP_RESPONSE_NORMAL)
    throw std::runtime_error("amqp login failed");
  amqp_channel_open(c, 1);
  check_rpc(c, "channel.open");
}

AmqpConsumer::AmqpConsumer(AmqpConsumer&& other) noexcept : m_conn(other.m_conn) { other.m_conn = nullptr; }

AmqpConsumer::~AmqpConsumer() {
  if (m_conn == nullptr) return;
  amqp_connection_close(state(m_conn), AMQP_REPLY_SUCCESS);
  amqp_destroy_connection(state(m_conn));
}

void AmqpConsumer::consume(const std::string& queue) {
  amqp_basic_consume(state(m_conn), 1, amqp_cstring_bytes(queue.c_str()), amqp_empty_bytes, 0, 1, 0, amqp_empty_table);
  check_rpc(state(m_conn), "basic.consume " + queue);
}

AmqpConsumer AmqpConsumer::of_queue(std::uint16_t port, const std::string& queue) {
  AmqpConsumer c(port);
  c.consume(queue);
  return c;
}

AmqpConsumer AmqpConsumer::of_exchange(std::uint16_t port, const std::string& exchange, const std::string& pattern) {
  AmqpConsumer c(port);
  amqp_connection_state_t s = state(c.m_conn);
  amqp_exchange_declare(s, 1, amqp_cstring_bytes(exchange.c_str()), amqp_cstring_bytes("topic"), 0, 1, 0, 0, amqp_empty_table);
  check_rpc(s, "exchange.declare");
  amqp_queue_declare_ok_t* q = amqp_queue_declare(s, 1, amqp_empty_bytes, 0, 0, 1, 1, amqp_empty_table);
  if (q == nullptr) throw std::runtime_error("queue.declare failed");
  const std::string queue(static_cast<const char*>(q->queue.bytes), q->queue.len);
  amqp_queue_bind(s, 1, amqp_cstring_bytes(queue.c_str()), amqp_cstring_bytes(exchange.c_str()), amqp_cstring_bytes(pattern.c_str()),
                  amqp_empty_table);
  check_rpc(s, "queue.bind");
  c.consume(queue);
  return c;
}

std::optional<std::pair<std::string, nlohmann::json>> AmqpConsumer::next(int timeout_ms) {
  amqp_connection_state_t s = state(m_conn);
  amqp_maybe_release_buffers(s);
  amqp_envelope_t env;
  timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  if (amqp_consume_message(s, &env, &tv, 0).reply_type != AMQP_RESPONSE_NORMAL) return std::nullopt;
  std::string key(static_cast<char*>(env.routing_key.bytes), env.routing_key.len);
  std::string body(static_cast<char*>(env.message.body.bytes), env.message.body.len);
  amqp_destroy_envelope(&env);
  return std::make_pair(key, nlohmann::json::parse(body, nullptr, false));
}

void AmqpConsumer::delete_queue(const std::string& queue) {
  amqp_queue_delete(state(m_conn), 1, amqp_cstring_bytes(queue.c_str()), 0, 0);
  amqp_get_rpc_reply(state(m_conn));
}

}  // namespace zonal::test
