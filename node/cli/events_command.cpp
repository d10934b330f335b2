#include "events_command.hpp"

#include <amqp.h>
#include <amqp_tcp_socket.h>

#include <chrono>
#include <ctime>
#include <iostream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "amqp_publisher.hpp"

namespace zonal::cli {
namespace {

using nlohmann::json;

void check(amqp_connection_state_t c, const std::string& what) {
  const amqp_rpc_reply_t r = amqp_get_rpc_reply(c);
  if (r.reply_type == AMQP_RESPONSE_NORMAL) return;
  std::string detail;
  if (r.reply_type == AMQP_RESPONSE_SERVER_EXCEPTION && r.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
    const auto* close = static_cast<const amqp_channel_close_t*>(r.reply.decoded);
    detail = ": " + std::string(static_cast<const char*>(close->reply_text.bytes), close->reply_text.len);
  }
  throw std::runtime_error(what + " failed" + detail);
}

/// Connect, open channel 1 and start consuming; returns the connection.
amqp_connection_state_t open_consumer(const EventsOptions& o) {
  const node::AmqpUrl url = node::parse_amqp_url(o.amqp_url);
  amqp_connection_state_t c = amqp_new_connection();
  amqp_socket_t* socket = amqp_tcp_socket_new(c);
  timeval timeout{5, 0};
  if (socket == nullptr || amqp_socket_open_noblock(socket, url.host.c_str(), url.port, &timeout) != AMQP_STATUS_OK) {
    amqp_destroy_connection(c);
    throw std::runtime_error("cannot reach the broker at " + url.host + ":" + std::to_string(url.port));
  }
  if (amqp_login(c, url.vhost.c_str(), 0, 131072, 0, AMQP_SASL_METHOD_PLAIN, url.user.c_str(), url.password.c_str()).reply_type !=
      AMQP_RESPONSE_NORMAL) {
    amqp_destroy_connection(c);
    throw std::runtime_error("login to the broker failed (user \"" + url.user + "\")");
  }
  amqp_channel_open(c, 1);
  check(c, "channel.open");
  std::string queue = o.queue;
  bool ack = true;
  if (!o.bind.empty()) {  // a private queue: sees events from now on, gone when we exit
    amqp_exchange_declare(c, 1, amqp_cstring_bytes(o.exchange.c_str()), amqp_cstring_bytes("topic"), 0, 1, 0, 0, amqp_empty_table);
    check(c, "exchange.declare " + o.exchange);
    amqp_queue_declare_ok_t* q = amqp_queue_declare(c, 1, amqp_empty_bytes, 0, 0, 1, 1, amqp_empty_table);
    check(c, "queue.declare");
    queue.assign(static_cast<const char*>(q->queue.bytes), q->queue.len);
    amqp_queue_bind(c, 1, amqp_cstring_bytes(queue.c_str()), amqp_cstring_bytes(o.exchange.c_str()), amqp_cstring_bytes(o.bind.c_str()),
                    amqp_empty_table);
    check(c, "queue.bind " + o.bind);
    ack = false;
  } else {
    amqp_queue_declare(c, 1, amqp_cstring_bytes(queue.c_str()), 1, 0, 0, 0, amqp_empty_table);  // passive: must exist
    check(c, "queue \"" + queue + "\" (started a node with amqp.enabled? see --bind)");
  }
  amqp_basic_qos(c, 1, 0, 100, 0);
  amqp_basic_consume(c, 1, amqp_cstring_bytes(queue.c_str()), amqp_empty_bytes, 0, ack ? 0 : 1, 0, amqp_empty_table);
  check(c, "basic.consume " + queue);
  return c;
}

void print_event(const std::string& key, const std::string& body, bool raw, std::ostream& out) {
  const json e = json::parse(body, nullptr, false);
  if (raw || !e.is_object()) {
    out << body << '\n';
    return;
  }
  json rest = e;
  for (const char* k : {"event", "event_id", "time_ms"}) rest.erase(k);
  const std::time_t t = static_cast<std::time_t>(e.value("time_ms", std::int64_t{0}) / 1000);
  char when[32];
  std::strftime(when, sizeof when, "%H:%M:%S", std::localtime(&t));
  out << when << ' ' << key << ' ' << rest.dump() << "  [" << e.value("event_id", "") << "]\n";
}

}  // namespace

int cmd_events(const EventsOptions& o, std::ostream& out) {
  amqp_connection_state_t c = nullptr;
  try {
    c = open_consumer(o);
  } catch (const std::exception& e) {
    std::cerr << "zonal events: " << e.what() << '\n';
    return 1;
  }
  const bool ack = o.bind.empty();
  std::uint64_t seen = 0;
  int status = 0;
  while (o.count == 0 || seen < o.count) {
    amqp_maybe_release_buffers(c);
    amqp_envelope_t env;
    timeval tv{static_cast<time_t>(o.idle_s), 0};
    const amqp_rpc_reply_t r = amqp_consume_message(c, &env, o.idle_s > 0 ? &tv : nullptr, 0);
    if (r.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && r.library_error == AMQP_STATUS_TIMEOUT) break;
    if (r.reply_type != AMQP_RESPONSE_NORMAL) {
      std::cerr << "zonal events: connection to the broker lost\n";
      status = 1;
      break;
    }
    print_event(std::string(static_cast<char*>(env.routing_key.bytes), env.routing_key.len),
                std::string(static_cast<char*>(env.message.body.bytes), env.message.body.len), o.json, out);
    out.flush();
    if (ack) amqp_basic_ack(c, 1, env.delivery_tag, 0);  // printed: the queue may forget it
    amqp_destroy_envelope(&env);
    ++seen;
  }
  amqp_channel_close(c, 1, AMQP_REPLY_SUCCESS);
  amqp_connection_close(c, AMQP_REPLY_SUCCESS);
  amqp_destroy_connection(c);
  return status;
}

}  // namespace zonal::cli
