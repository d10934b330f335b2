#pragma once
/// A small HTTP/1.1 JSON server on Boost.Beast. One I/O thread accepts and reads/writes every
/// connection asynchronously, with a deadline on each request's arrival and on idle keep-alive
/// connections; handlers (which may wait for a search or a download) run on a bounded pool of
/// worker threads. Connections beyond the cap are closed at once, requests beyond the pool's
/// queue answered 503, and running out of file descriptors pauses accepting instead of
/// spinning. Beast stays behind the pimpl.
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace zonal::node {

struct HttpRequest {
  std::string method;                         ///< "GET", "POST", ...
  std::string path;                           ///< without the query string, percent-decoded
  std::map<std::string, std::string> query;   ///< decoded query parameters
  std::map<std::string, std::string> headers; ///< Host, Origin and Authorization (lower-case names), when sent
  std::string body;

  /// Header `name` (lower case) or nullptr when absent.
  const std::string* header(const std::string& name) const {
    const auto it = headers.find(name);
    return it == headers.end() ? nullptr : &it->second;
  }
};

/// The open connection of a streamed response (server-sent events).
class ResponseStream {
 public:
  virtual ~ResponseStream() = default;
  /// Send `bytes` to the client at once; false when the client went away (stop producing then).
  virtual bool write(std::string_view bytes) = 0;
};

struct HttpResponse {
  int status = 200;
  nlohmann::json body = nlohmann::json::object();  ///< sent as JSON unless `text` or `stream` is set
  std::string content_type = "application/json";
  std::optional<std::string> text;  ///< a non-JSON body, sent verbatim with `content_type`
  /// A streamed body: the server sends the status line and headers (`content_type`, no length,
  /// `Connection: close`), then runs `stream` on a worker thread, which writes the body
  /// incrementally; the connection closes when it returns.
  std::function<void(ResponseStream&)> stream;
  std::map<std::string, std::string> headers;  ///< extra response headers (e.g. WWW-Authenticate)
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

/// Bounds of one HttpServer (rest.* settings).
struct HttpServerLimits {
  std::uint32_t workers = 8;                 ///< threads running handlers
  std::uint32_t queue_max = 64;              ///< requests waiting for a worker before 503
  std::uint32_t connections_max = 256;       ///< open connections; more are closed at once
  std::uint32_t read_timeout_ms = 10'000;    ///< a request must arrive whole within this
  std::uint32_t idle_timeout_ms = 30'000;    ///< a keep-alive connection idle this long is closed
};

/// What an HttpServer refused or cut short since it started (all monotonic).
struct HttpServerCounters {
  std::uint64_t connections_open = 0;      ///< open right now (not monotonic)
  std::uint64_t connections_refused = 0;   ///< closed at once: connections_max reached
  std::uint64_t timeouts = 0;              ///< connections closed by the read or idle deadline
  std::uint64_t busy = 0;                  ///< requests answered 503: every worker busy and the queue full
  std::uint64_t accept_errors = 0;         ///< failed accepts (e.g. out of file descriptors)
};

class HttpServer {
 public:
  /// Listen on bind:port (0 = OS choice) and serve `handler`; throws std::runtime_error on bind failure.
  HttpServer(const std::string& bind, std::uint16_t port, HttpHandler handler, HttpServerLimits limits = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// Port actually bound.
  std::uint16_t port() const noexcept;
  /// Snapshot of the refusal counters; call from any thread.
  HttpServerCounters counters() const noexcept;
  /// Stop accepting, close open connections and join every thread; idempotent.
  void stop();

  struct Impl;  ///< implementation (http_server.cpp only)

 private:
  std::shared_ptr<Impl> m_impl;
};

/// Percent-decode `text` ('+' becomes a space); nullopt on a malformed escape.
std::optional<std::string> percent_decode(std::string_view text);

/// Split "a=1&b=x%20y" into decoded pairs; nullopt on a malformed escape.
std::optional<std::map<std::string, std::string>> parse_query(std::string_view text);

}  // namespace zonal::node
