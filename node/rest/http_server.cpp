#include "http_server.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace zonal::node {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr std::size_t body_bytes_max = 1 << 20;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

constexpr auto accept_retry = std::chrono::milliseconds(100);  ///< pause after a failed accept (e.g. EMFILE)

HttpResponse error_response(int status, const std::string& message) {
  HttpResponse r;
  r.status = status;
  r.body = {{"error", message}};
  return r;
}

/// A ResponseStream over a connection's socket (blocking writes from a worker thread).
class SocketStream final : public ResponseStream {
 public:
  explicit SocketStream(tcp::socket& socket) : m_socket(socket) {}
  bool write(std::string_view bytes) override {
    if (m_failed) return false;
    beast::error_code ec;
    asio::write(m_socket, asio::buffer(bytes.data(), bytes.size()), ec);
    m_failed = static_cast<bool>(ec);
    return !m_failed;
  }

 private:
  tcp::socket& m_socket;
  bool m_failed = false;
};

/// Send `out`'s headers and run its stream on `socket`; the caller closes the connection afterwards.
void write_streamed(tcp::socket& socket, const HttpResponse& out) {
  http::response<http::empty_body> res{static_cast<http::status>(out.status), 11};
  res.set(http::field::content_type, out.content_type);
  res.set(http::field::server, "zonal-node");
  res.set(http::field::cache_control, "no-cache");
  for (const auto& [name, value] : out.headers) res.set(name, value);
  res.keep_alive(false);  // the body ends when the connection closes
  http::response_serializer<http::empty_body> serializer{res};
  beast::error_code ec;
  socket.set_option(tcp::no_delay(true), ec);  // each event leaves at once (no Nagle wait for an ACK)
  http::write_header(socket, serializer, ec);
  if (ec) return;
  SocketStream stream(socket);
  out.stream(stream);
}

}  // namespace

std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int hi = hex_value(text[i + 1]);
      const int lo = hex_value(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::optional<std::map<std::string, std::string>> parse_query(std::string_view text) {
  std::map<std::string, std::string> out;
  while (!text.empty()) {
    const auto amp = text.find('&');
    const std::string_view pair = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view{} : text.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    auto key = percent_decode(pair.substr(0, eq));
    auto value = percent_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1));
    if (!key || !value) return std::nullopt;
    out[*key] = *value;
  }
  return out;
}

struct HttpServer::Impl {
  HttpHandler handler;
  HttpServerLimits limits;
  std::atomic<std::uint64_t> open{0}, refused{0}, timeouts{0}, busy{0}, accept_errors{0};  // before io: sessions count down
  asio::io_context io;
  tcp::acceptor acceptor{io};
  asio::steady_timer accept_timer{io};
  std::thread io_thread;
  // The worker pool: handlers run here, never on the I/O thread.
  std::mutex jobs_mutex;
  std::condition_variable jobs_ready;
  std::condition_variable jobs_idle;
  std::deque<std::function<void()>> jobs;
  std::vector<std::thread> workers;
  std::uint32_t jobs_running = 0;
  bool stopping = false;

  void do_accept();
  void worker_loop();
  /// Queue `job` for a worker; false when workers + queue are all taken.
  bool submit(std::function<void()> job);
  HttpResponse dispatch(const http::request<http::string_body>& req);
};

namespace {

/// One connection, driven by the I/O thread; a request's handler runs on a worker.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(HttpServer::Impl& server, tcp::socket socket) : m_server(server), m_stream(std::move(socket)) { ++m_server.open; }
  ~Session() { --m_server.open; }

  void read() {
    m_parser.emplace();
    m_parser->body_limit(body_bytes_max);
    const auto& l = m_server.limits;
    m_stream.expires_after(std::chrono::milliseconds(m_first ? l.read_timeout_ms : l.idle_timeout_ms));
    m_first = false;
    http::async_read(m_stream, m_buffer, *m_parser, [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

 private:
  void on_read(beast::error_code ec) {
    if (ec == beast::error::timeout) {
      ++m_server.timeouts;
      return close();
    }
    if (ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
        ec == asio::error::operation_aborted)
      return close();
    if (ec) return write(error_response(ec == http::error::body_limit ? 413 : 400, "bad request: " + ec.message()), false);
    const bool keep_alive = m_parser->get().keep_alive();
    auto request = std::make_shared<http::request<http::string_body>>(m_parser->release());
    const bool queued = m_server.submit([self = shared_from_this(), request, keep_alive] {
      HttpResponse out = self->m_server.dispatch(*request);
      if (out.stream) {  // no operation of the I/O thread is pending on the socket now: write from here
        write_streamed(self->m_stream.socket(), out);
        asio::post(self->m_stream.get_executor(), [self] { self->close(); });
        return;
      }
      asio::post(self->m_stream.get_executor(), [self, out = std::move(out), keep_alive] { self->write(out, keep_alive); });
    });
    if (!queued) {
      ++m_server.busy;
      write(error_response(503, "the node is busy: every REST worker is taken (rest.workers, rest.queue_max)"), false);
    }
  }

  void write(const HttpResponse& out, bool keep_alive) {
    m_response = {static_cast<http::status>(out.status), 11};
    m_response.set(http::field::content_type, out.content_type);
    m_response.set(http::field::server, "zonal-node");
    m_response.set(http::field::cache_control, "no-store");
    m_response.set("X-Content-Type-Options", "nosniff");
    m_response.set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'");
    for (const auto& [name, value] : out.headers) m_response.set(name, value);
    m_response.keep_alive(keep_alive);
    m_response.body() = out.text ? *out.text : out.body.dump(2) + "\n";
    m_response.prepare_payload();
    m_stream.expires_after(std::chrono::milliseconds(m_server.limits.read_timeout_ms));
    http::async_write(m_stream, m_response, [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
      if (ec == beast::error::timeout) ++self->m_server.timeouts;
      if (ec || !keep_alive) return self->close();
      self->read();
    });
  }

  void close() {
    beast::error_code ignored;
    m_stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    m_stream.close();
  }

  HttpServer::Impl& m_server;
  beast::tcp_stream m_stream;
  beast::flat_buffer m_buffer;
  std::optional<http::request_parser<http::string_body>> m_parser;
  http::response<http::string_body> m_response;
  bool m_first = true;
};

/// The header `field` of `req`, when present.
void copy_header(const http::request<http::string_body>& req, http::field field, const char* name, HttpRequest& out) {
  const auto it = req.find(field);
  if (it != req.end()) out.headers[name] = std::string(it->value());
}

}  // namespace

HttpResponse HttpServer::Impl::dispatch(const http::request<http::string_body>& req) {
  const std::string_view target(req.target().data(), req.target().size());
  const auto qmark = target.find('?');
  HttpRequest r;
  r.method = std::string(req.method_string());
  auto path = percent_decode(target.substr(0, qmark));
  auto query = parse_query(qmark == std::string_view::npos ? std::string_view{} : target.substr(qmark + 1));
  if (!path || !query) return error_response(400, "malformed percent-encoding in the request target");
  r.path = std::move(*path);
  r.query = std::move(*query);
  copy_header(req, http::field::host, "host", r);
  copy_header(req, http::field::origin, "origin", r);
  copy_header(req, http::field::authorization, "authorization", r);
  r.body = req.body();
  try {
    return handler(r);
  } catch (const std::exception& e) {
    spdlog::error("{} {}: {}", r.method, r.path, e.what());
    return error_response(500, std::string("internal error: ") + e.what());
  }
}

bool HttpServer::Impl::submit(std::function<void()> job) {
  std::lock_guard lock(jobs_mutex);
  if (stopping || jobs.size() >= limits.queue_max + (limits.workers - std::min(jobs_running, limits.workers))) return false;
  jobs.push_back(std::move(job));
  jobs_ready.notify_one();
  return true;
}

void HttpServer::Impl::worker_loop() {
  std::unique_lock lock(jobs_mutex);
  for (;;) {
    jobs_ready.wait(lock, [this] { return stopping || !jobs.empty(); });
    if (jobs.empty()) return;  // stopping and nothing left
    auto job = std::move(jobs.front());
    jobs.pop_front();
    ++jobs_running;
    lock.unlock();
    job();
    job = nullptr;  // release the session before counting the job done
    lock.lock();
    --jobs_running;
    jobs_idle.notify_all();
  }
}

void HttpServer::Impl::do_accept() {
  acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
    if (ec) {  // e.g. EMFILE: the connection stays in the backlog; try again shortly instead of spinning
      if (accept_errors++ == 0 || accept_errors % 100 == 0) spdlog::warn("REST accept failed: {} (retrying)", ec.message());
      accept_timer.expires_after(accept_retry);
      accept_timer.async_wait([this](beast::error_code e) {
        if (!e) do_accept();
      });
      return;
    }
    if (open.load() >= limits.connections_max) {
      ++refused;
      beast::error_code ignored;
      socket.close(ignored);
    } else {
      std::make_shared<Session>(*this, std::move(socket))->read();
    }
    do_accept();
  });
}

HttpServer::HttpServer(const std::string& bind, std::uint16_t port, HttpHandler handler, HttpServerLimits limits)
    : m_impl(std::make_shared<Impl>()) {
  m_impl->handler = std::move(handler);
  limits.workers = std::max<std::uint32_t>(limits.workers, 1);
  m_impl->limits = limits;
  beast::error_code ec;
  const auto address = asio::ip::make_address(bind, ec);
  if (ec) throw std::runtime_error("rest.bind: not an IP address: \"" + bind + "\"");
  const tcp::endpoint endpoint(address, port);
  m_impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) m_impl->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) m_impl->acceptor.bind(endpoint, ec);
  if (!ec) m_impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw std::runtime_error("cannot listen on " + bind + ":" + std::to_string(port) + ": " + ec.message());
  for (std::uint32_t i = 0; i < limits.workers; ++i)
    m_impl->workers.emplace_back([impl = m_impl] { impl->worker_loop(); });  // a worker keeps Impl alive
  m_impl->do_accept();
  m_impl->io_thread = std::thread([impl = m_impl.get()] { impl->io.run(); });
}

HttpServer::~HttpServer() { stop(); }

std::uint16_t HttpServer::port() const noexcept {
  beast::error_code ec;
  return m_impl->acceptor.local_endpoint(ec).port();
}

HttpServerCounters HttpServer::counters() const noexcept {
  const Impl& m = *m_impl;
  return {m.open.load(), m.refused.load(), m.timeouts.load(), m.busy.load(), m.accept_errors.load()};
}

void HttpServer::stop() {
  {
    std::lock_guard lock(m_impl->jobs_mutex);
    if (m_impl->stopping) return;
    m_impl->stopping = true;
    m_impl->jobs.clear();  // queued requests are dropped with their connections
    m_impl->jobs_ready.notify_all();
  }
  m_impl->io.stop();  // abandons every connection's pending read or write
  if (m_impl->io_thread.joinable()) m_impl->io_thread.join();
  beast::error_code ec;
  m_impl->acceptor.close(ec);
  // Running handlers (a search, a download) get a bounded wait; a worker still busy after it
  // finishes on its own later, keeping the server's state alive.
  std::unique_lock lock(m_impl->jobs_mutex);
  m_impl->jobs_idle.wait_for(lock, std::chrono::seconds(5), [this] { return m_impl->jobs_running == 0; });
  lock.unlock();
  for (auto& w : m_impl->workers) {
    if (m_impl->jobs_running == 0 && w.joinable()) w.join();
    else if (w.joinable()) w.detach();
  }
}

}  // namespace zonal::node
