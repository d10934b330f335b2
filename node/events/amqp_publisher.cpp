#include "amqp_publisher.hpp"

#include <amqp.h>
#include <amqp_tcp_socket.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "outbox.hpp"

namespace zonal::node {
namespace {

constexpr std::size_t batch_events_max = 256;
constexpr auto confirm_timeout = std::chrono::seconds(10);
constexpr auto backoff_max = std::chrono::milliseconds(5'000);
constexpr auto idle_wake = std::chrono::milliseconds(500);

bool rpc_ok(amqp_connection_state_t conn, const std::string& what) {
  const amqp_rpc_reply_t r = amqp_get_rpc_reply(conn);
  if (r.reply_type == AMQP_RESPONSE_NORMAL) return true;
  std::string detail = "reply type " + std::to_string(static_cast<int>(r.reply_type));
  if (r.reply_type == AMQP_RESPONSE_SERVER_EXCEPTION && r.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
    const auto* close = static_cast<const amqp_channel_close_t*>(r.reply.decoded);
    detail = std::string(static_cast<const char*>(close->reply_text.bytes), close->reply_text.len);
  }
  spdlog::warn("amqp {} failed: {}", what, detail);
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
  AmqpOptions options;
  Outbox outbox;
  std::mutex mutex;
  std::condition_variable wake;
  bool stopping = false;
  bool appended = false;
  std::atomic<std::uint64_t> published{0};
  std::atomic<std::uint64_t> refused{0};
  std::atomic<bool> connected{false};
  amqp_connection_state_t conn = nullptr;
  std::uint64_t next_tag = 1;  ///< delivery tag of the next publish on the confirm channel
  std::thread thread;

  explicit Impl(AmqpOptions o) : options(std::move(o)), outbox(options.outbox_dir, options.outbox_max) {}

  bool connect();
  bool declare();
  void disconnect();
  bool publish_batch(const std::vector<OutboxEntry>& batch);
  bool await_confirms(std::uint64_t first_tag, std::size_t count);
  /// Publish synced events until none is left or `deadline`; false when the connection failed.
  bool drain(std::chrono::steady_clock::time_point deadline);
  void run();
};

bool AmqpPublisher::Impl::connect() {
  const AmqpUrl& url = options.url;
  conn = amqp_new_connection();
  timeval rpc_timeout{5, 0};  // a broker that stops answering must not hang this thread
  amqp_set_rpc_timeout(conn, &rpc_timeout);
  amqp_socket_t* socket = amqp_tcp_socket_new(conn);
  timeval timeout{2, 0};
  if (socket == nullptr || amqp_socket_open_noblock(socket, url.host.c_str(), url.port, &timeout) != AMQP_STATUS_OK) {
    disconnect();
    return false;
  }
  const amqp_rpc_reply_t login = amqp_login(conn, url.vhost.c_str(), 0, 131072, 0, AMQP_SASL_METHOD_PLAIN, url.user.c_str(),
                                            url.password.c_str());
  if (login.reply_type != AMQP_RESPONSE_NORMAL) {
    spdlog::debug("amqp login to {}:{} failed", url.host, url.port);
    disconnect();
    return false;
  }
  if (!declare()) {
    disconnect();
    return false;
  }
  next_tag = 1;
  connected = true;
  return true;
}

bool AmqpPublisher::Impl::declare() {
  amqp_channel_open(conn, 1);
  if (!rpc_ok(conn, "channel.open")) return false;
  const amqp_bytes_t exchange = amqp_cstring_bytes(options.exchange.c_str());
  amqp_exchange_declare(conn, 1, exchange, amqp_cstring_bytes("topic"), 0, 1, 0, 0, amqp_empty_table);
  if (!rpc_ok(conn, "exchange.declare " + options.exchange)) return false;
  if (!options.queue.empty()) {
    const amqp_bytes_t queue = amqp_cstring_bytes(options.queue.c_str());
    amqp_queue_declare(conn, 1, queue, 0, 1, 0, 0, amqp_empty_table);
    if (!rpc_ok(conn, "queue.declare " + options.queue)) return false;
    for (const auto& pattern : options.bindings) {
      amqp_queue_bind(conn, 1, queue, exchange, amqp_cstring_bytes(pattern.c_str()), amqp_empty_table);
      if (!rpc_ok(conn, "queue.bind " + pattern)) return false;
    }
  }
  amqp_confirm_select(conn, 1);
  return rpc_ok(conn, "confirm.select");
}

void AmqpPublisher::Impl::disconnect() {
  connected = false;
  if (conn == nullptr) return;
  amqp_connection_close(conn, AMQP_REPLY_SUCCESS);
  amqp_destroy_connection(conn);
  conn = nullptr;
}

bool AmqpPublisher::Impl::publish_batch(const std::vector<OutboxEntry>& batch) {
  const std::uint64_t first_tag = next_tag;
  for (const OutboxEntry& e : batch) {
    amqp_basic_properties_t props;
    props._flags = AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG;
    props.content_type = amqp_cstring_bytes("application/json");
    props.delivery_mode = 2;  // persistent
    const amqp_bytes_t body{e.body.size(), const_cast<char*>(e.body.data())};
    if (amqp_basic_publish(conn, 1, amqp_cstring_bytes(options.exchange.c_str()), amqp_cstring_bytes(e.routing_key.c_str()), 0, 0,
                           &props, body) != AMQP_STATUS_OK)
      return false;
    ++next_tag;
  }
  if (!await_confirms(first_tag, batch.size())) return false;
  if (!outbox.confirm_through(batch.back().seq)) return false;
  published += batch.size();
  return true;
}

bool AmqpPublisher::Impl::await_confirms(std::uint64_t first_tag, std::size_t count) {
  std::vector<bool> acked(count, false);
  std::size_t missing = count;
  const auto deadline = std::chrono::steady_clock::now() + confirm_timeout;
  while (missing > 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      spdlog::warn("amqp: {} publisher confirm(s) overdue; reconnecting and republishing", missing);
      return false;
    }
    amqp_maybe_release_buffers(conn);
    amqp_frame_t frame;
    timeval tv{0, 500'000};
    const int status = amqp_simple_wait_frame_noblock(conn, &frame, &tv);
    if (status == AMQP_STATUS_TIMEOUT) continue;
    if (status != AMQP_STATUS_OK) return false;
    if (frame.frame_type != AMQP_FRAME_METHOD) continue;
    const amqp_method_number_t id = frame.payload.method.id;
    if (id == AMQP_BASIC_NACK_METHOD) {
      spdlog::warn("amqp: broker refused (nack) an event; republishing");
      return false;
    }
    if (id == AMQP_CHANNEL_CLOSE_METHOD || id == AMQP_CONNECTION_CLOSE_METHOD) return false;
    if (id != AMQP_BASIC_ACK_METHOD) continue;
    const auto* ack = static_cast<const amqp_basic_ack_t*>(frame.payload.method.decoded);
    const std::uint64_t lo = ack->multiple ? first_tag : ack->delivery_tag;
    for (std::uint64_t tag = std::max(lo, first_tag); tag <= ack->delivery_tag && tag < first_tag + count; ++tag) {
      if (acked[tag - first_tag]) continue;
      acked[tag - first_tag] = true;
      --missing;
    }
  }
  return true;
}

bool AmqpPublisher::Impl::drain(std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    const auto batch = outbox.synced_after(outbox.confirmed_seq(), batch_events_max);
    if (batch.empty()) return true;
    if (!publish_batch(batch)) return false;
    if (std::chrono::steady_clock::now() > deadline) return true;
  }
}

void AmqpPublisher::Impl::run() {
  auto backoff = std::chrono::milliseconds(200);
  auto next_attempt = std::chrono::steady_clock::now();
  bool warned = false;
  for (;;) {
    {
      std::unique_lock lock(mutex);
      const auto until = conn == nullptr && outbox.depth() > 0 ? next_attempt : std::chrono::steady_clock::now() + idle_wake;
      wake.wait_until(lock, until, [this] { return stopping || appended; });
      appended = false;
      if (stopping) break;
    }
    outbox.sync();  // small batches: everything appended since the last wake-up
    if (outbox.synced_after(outbox.confirmed_seq(), 1).empty()) continue;
    if (conn == nullptr) {
      if (std::chrono::steady_clock::now() < next_attempt) continue;
      if (!connect()) {
        if (!warned) spdlog::warn("amqp broker {}:{} unreachable; events wait in the outbox, retrying", options.url.host, options.url.port);
        warned = true;
        next_attempt = std::chrono::steady_clock::now() + backoff;
        backoff = std::min(backoff * 2, backoff_max);
        continue;
      }
      if (warned) spdlog::info("amqp broker {}:{} connected; publishing {} waiting event(s)", options.url.host, options.url.port, outbox.depth());
      warned = false;
      backoff = std::chrono::milliseconds(200);
    }
    if (!drain(std::chrono::steady_clock::now() + std::chrono::milliseconds(200))) {
      disconnect();
      next_attempt = std::chrono::steady_clock::now() + backoff;
    } else if (outbox.depth() > 0) {
      std::lock_guard lock(mutex);
      appended = true;  // more to do: go round again at once
    }
  }
  outbox.sync();
  if (conn != nullptr && !drain(std::chrono::steady_clock::now() + std::chrono::seconds(2))) spdlog::info("amqp: leaving {} event(s) in the outbox", outbox.depth());
  disconnect();
}

AmqpPublisher::AmqpPublisher(AmqpOptions options) : m_impl(std::make_unique<Impl>(std::move(options))) {
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
  AppendResult r = AppendResult::io_error;
  try {
    r = m_impl->outbox.append(routing_key, body.dump());
  } catch (const std::exception& e) {
    spdlog::error("event {} refused: {}", routing_key, e.what());
  }
  if (r != AppendResult::ok) {
    const std::uint64_t n = ++m_impl->refused;
    if (n == 1 || n % 1000 == 0)
      spdlog::error("event {} refused ({} so far): {}", routing_key, n,
                    r == AppendResult::full ? "the outbox is full (" + std::to_string(m_impl->options.outbox_max) +
                                                  " events wait for the broker; amqp.outbox_max)"
                                            : std::string("the outbox cannot be written"));
    return;
  }
  {
    std::lock_guard lock(m_impl->mutex);
    m_impl->appended = true;
  }
  m_impl->wake.notify_one();
}

bool AmqpPublisher::has_room() const { return m_impl->outbox.has_room(); }

EventStats AmqpPublisher::stats() const {
  EventStats s;
  s.published = m_impl->published;
  s.refused = m_impl->refused;
  s.outbox_depth = m_impl->outbox.depth();
  s.outbox_max = m_impl->options.outbox_max;
  s.broker_connected = m_impl->connected;
  return s;
}

}  // namespace zonal::node
