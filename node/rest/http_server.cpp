#include "http_server.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

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

HttpResponse error_response(int status, const std::string& message) {
  HttpResponse r;
  r.status = status;
  r.body = {{"error", message}};
  return r;
}

/// A ResponseStream over the session's socket.
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

/// Send `out`'s headers and run its stream on `socket`; the connection is closed afterwards.
void write_streamed(tcp::socket& socket, const HttpResponse& out) {
  http::response<http::empty_body> res{static_cast<http::status>(out.status), 11};
  res.set(http::field::content_type, out.content_type);
  res.set(http::field::server, "zonal-node");
  res.set(http::field::cache_control, "no-cache");
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
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::thread accept_thread;
  std::mutex mutex;
  std::condition_variable sessions_done;
  std::set<std::shared_ptr<tcp::socket>> sockets;
  bool stopping = false;

  void accept_loop();
  void session(std::shared_ptr<tcp::socket> socket);
  HttpResponse dispatch(const http::request<http::string_body>& req);
};

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
  r.body = req.body();
  try {
    return handler(r);
  } catch (const std::exception& e) {
    spdlog::error("{} {}: {}", r.method, r.path, e.what());
    return error_response(500, std::string("internal error: ") + e.what());
  }
}

void HttpServer::Impl::session(std::shared_ptr<tcp::socket> socket) {
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(body_bytes_max);
    beast::error_code ec;
    http::read(*socket, buffer, parser, ec);
    if (ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset) break;
    HttpResponse out;
    bool keep_alive = false;
    if (ec) {
      out = error_response(ec == http::error::body_limit ? 413 : 400, "bad request: " + ec.message());
    } else {
      out = dispatch(parser.get());
      keep_alive = parser.get().keep_alive();
    }
    if (out.stream) {
      write_streamed(*socket, out);
      break;
    }
    http::response<http::string_body> res{static_cast<http::status>(out.status), 11};
    res.set(http::field::content_type, out.content_type);
    res.set(http::field::server, "zonal-node");
    res.set(http::field::cache_control, "no-store");
    res.set("X-Content-Type-Options", "nosniff");
    res.set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'");
    res.keep_alive(keep_alive);
    res.body() = out.text ? *out.text : out.body.dump(2) + "\n";
    res.prepare_payload();
    http::write(*socket, res, ec);
    if (ec || !keep_alive) break;
  }
  beast::error_code ignored;
  socket->shutdown(tcp::socket::shutdown_both, ignored);
  std::lock_guard lock(mutex);
  sockets.erase(socket);
  sessions_done.notify_all();
}

void HttpServer::Impl::accept_loop() {
  for (;;) {
    auto socket = std::make_shared<tcp::socket>(io);
    beast::error_code ec;
    acceptor.accept(*socket, ec);
    std::lock_guard lock(mutex);
    if (stopping) break;
    if (ec) continue;
    sockets.insert(socket);
    std::thread([this, socket] { session(socket); }).detach();
  }
}

HttpServer::HttpServer(const std::string& bind, std::uint16_t port, HttpHandler handler) : m_impl(std::make_unique<Impl>()) {
  m_impl->handler = std::move(handler);
  beast::error_code ec;
  const auto address = asio::ip::make_address(bind, ec);
  if (ec) throw std::runtime_error("rest.bind: not an IP address: \"" + bind + "\"");
  const tcp::endpoint endpoint(address, port);
  m_impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) m_impl->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) m_impl->acceptor.bind(endpoint, ec);
  if (!ec) m_impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw std::runtime_error("cannot listen on " + bind + ":" + std::to_string(port) + ": " + ec.message());
  m_impl->accept_thread = std::thread([impl = m_impl.get()] { impl->accept_loop(); });
}

HttpServer::~HttpServer() { stop(); }

std::uint16_t HttpServer::port() const noexcept { return m_impl->acceptor.local_endpoint().port(); }

void HttpServer::stop() {
  {
    std::lock_guard lock(m_impl->mutex);
    if (m_impl->stopping) return;
    m_impl->stopping = true;
    beast::error_code ec;
    for (const auto& s : m_impl->sockets) s->shutdown(tcp::socket::shutdown_both, ec);
  }
  beast::error_code ec;
  m_impl->acceptor.cancel(ec);
  ::shutdown(m_impl->acceptor.native_handle(), SHUT_RDWR);  // wakes the blocking accept()
  if (m_impl->accept_thread.joinable()) m_impl->accept_thread.join();
  std::unique_lock lock(m_impl->mutex);
  m_impl->sessions_done.wait_for(lock, std::chrono::seconds(5), [this] { return m_impl->sockets.empty(); });
}

}  // namespace zonal::node
