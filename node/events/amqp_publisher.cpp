#include "amqp_publisher.hpp"

#include <amqp.h>
#include <amqp_tcp_socket.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace zonal::node {
namespace {

struct Event {
  std::string routing_key;
  std::string body;
};

bool rpc_ok(amqp_connection_state_t conn, std::string_view what) {
  const amqp_rpc_reply_t r = amqp_get_rpc_reply(conn);
  if (r.reply_type == AMQP_RESPONSE_NORMAL) return true;
  spdlog::debug("amqp {} failed (reply type {})", what, static_cast<int>(r.reply_type));
  return false;
}

}  // namespace

AmqpUrl parse_amqp_url(const std::string& url) {
  AmqpUrl out;
  std::string rest = url;
  const std::string scheme = "amqp://";
  if (rest.rfind(scheme, 0) != 0) throw std::invalid_argument("amqp.url: must start with amqp://, got \"" + url + "\"");
  rest = rest.substr(scheme.size());
  if (const auto slash = rest.find('/'); slash != std::string::npos) {
    const std::string vhost = rest.substr(slash + 1);
    out.vhost = vhost.empty() ? "/" : vhost;
    rest = rest.substr(0, slash);
  }
  if (const auto at = rest.rfind('@'); at != std::string::npos) {
    const std::string cred = rest.substr(0, at);
    rest = rest.substr(at + 1);
    const auto colon = cred.find(':');
    out.user = cred.substr(0, colon);
    out.password = colon == std::string::npos ? "" : cred.substr(colon + 1);
  }
  if (const auto colon = rest.rfind(':'); colon != std::string::npos) {
    const std::string port = rest.substr(colon + 1);
    if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) > 65535)
      throw std::invalid_argument("amqp.url: bad port \"" + port + "\"");
    out.port = std::stoi(port);
    rest = rest.substr(0, colon);
  }
  if (rest.empty()) throw std::invalid_argument("amqp.url: missing host in \"" + url + "\"");
  out.host = rest;
  return out;
}

struct AmqpPublisher::Impl {
  AmqpUrl url;
  std::string exchange;
  std::size_t queue_max;
  std::mutex mutex;
  std::condition_variable wake;
  std::deque<Event> queue;
  bool stopping = false;
  std::atomic<std::uint64_t> published{0};
  std::atomic<std::uint64_t> dropped{0};
  amqp_connection_state_t conn = nullptr;
  std::thread thread;

  bool connect();
  void disconnect();
  bool send(const Event& e);
  void run();
};

bool AmqpPublisher::Impl::connect() {
  conn = amqp_new_connection();
  amqp_socket_t* socket = amqp_tcp_socket_new(conn);
  timeval timeout{2, 0};
  if (socket == nullptr || amqp_socket_open_noblock(socket, url.host.c_str(), url.port, &timeout) != AMQP_STATUS_OK) {
    disconnect();
    return false;
  }
  const amqp_rpc_reply_t login = amqp_login(conn, url.vhost.c_str(), 0, 131072, 0, AMQP_SASL_METHOD_PLAIN, url.user.c_str(),
                                            url.password.c_str());
  if (login.reply_type != AMQP_RESPONSE_NORMAL) {
    disconnect();
    return false;
  }
  amqp_channel_open(conn, 1);
  if (!rpc_ok(conn, "channel.open")) return disconnect(), false;
  amqp_exchange_declare(conn, 1, amqp_cstring_bytes(exchange.c_str()), amqp_cstring_bytes("topic"), 0, 1, 0, 0, amqp_empty_table);
  if (!rpc_ok(conn, "exchange.declare")) return disconnect(), false;
  return true;
}

void AmqpPublisher::Impl::disconnect() {
  if (conn == nullptr) return;
  amqp_connection_close(conn, AMQP_REPLY_SUCCESS);
  amqp_destroy_connection(conn);
  conn = nullptr;
}

bool AmqpPublisher::Impl::send(const Event& e) {
  amqp_basic_properties_t props;
  props._flags = AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG;
  props.content_type = amqp_cstring_bytes("application/json");
  props.delivery_mode = 2;
  amqp_bytes_t body{e.body.size(), const_cast<char*>(e.body.data())};
  return amqp_basic_publish(conn, 1, amqp_cstring_bytes(exchange.c_str()), amqp_cstring_bytes(e.routing_key.c_str()), 0, 0,
                            &props, body) == AMQP_STATUS_OK;
}

void AmqpPublisher::Impl::run() {
  auto backoff = std::chrono::milliseconds(200);
  bool warned = false;
  for (;;) {
    std::unique_lock lock(mutex);
    wake.wait(lock, [this] { return stopping || !queue.empty(); });
    if (stopping && (queue.empty() || conn == nullptr)) break;
    lock.unlock();
    if (conn == nullptr && !connect()) {
      if (!warned) spdlog::warn("amqp broker {}:{} unreachable; events are queued, retrying", url.host, url.port);
      warned = true;
      lock.lock();
      wake.wait_for(lock, backoff, [this] { return stopping; });
      backoff = std::min(backoff * 2, std::chrono::milliseconds(10'000));
      continue;
    }
    if (warned) spdlog::info("amqp broker {}:{} connected", url.host, url.port);
    warned = false;
    backoff = std::chrono::milliseconds(200);
    lock.lock();
    Event e = std::move(queue.front());
    queue.pop_front();
    lock.unlock();
    if (send(e)) {
      ++published;
    } else {
      disconnect();
      lock.lock();
      queue.push_front(std::move(e));  // retry after reconnecting
    }
  }
  disconnect();
}

AmqpPublisher::AmqpPublisher(const AmqpUrl& url, std::string exchange, std::size_t queue_max)
    : m_impl(std::make_unique<Impl>()) {
  m_impl->url = url;
  m_impl->exchange = std::move(exchange);
  m_impl->queue_max = queue_max;
  m_impl->thread = std::thread([impl = m_impl.get()] { impl->run(); });
}

AmqpPublisher::~AmqpPublisher() {
  {
    std::lock_guard lock(m_impl->mutex);
    m_impl->stopping = true;
  }
  m_impl->wake.notify_all();
  m_impl->thread.join();
}

void AmqpPublisher::publish(const std::string& routing_key, nlohmann::json body) {
  body["event"] = routing_key;
  body["time_ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  {
    std::lock_guard lock(m_impl->mutex);
    if (m_impl->queue.size() >= m_impl->queue_max) {
      m_impl->queue.pop_front();
      ++m_impl->dropped;
    }
    m_impl->queue.push_back(Event{routing_key, body.dump()});
  }
  m_impl->wake.notify_one();
}

std::uint64_t AmqpPublisher::published() const noexcept { return m_impl->published; }
std::uint64_t AmqpPublisher::dropped() const noexcept { return m_impl->dropped; }

}  // namespace zonal::node
