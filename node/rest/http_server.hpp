#pragma once
/// A small HTTP/1.1 JSON server on Boost.Beast: one acceptor thread, one thread per connection
/// (requests may wait for a search or a download without holding up others). Beast stays
/// behind the pimpl.
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
  std::string body;
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
  /// `Connection: close`), then runs `stream` on the connection's thread, which writes the body
  /// incrementally; the connection closes when it returns.
  std::function<void(ResponseStream&)> stream;
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

class HttpServer {
 public:
  /// Listen on bind:port (0 = OS choice) and serve `handler`; throws std::runtime_error on bind failure.
  HttpServer(const std::string& bind, std::uint16_t port, HttpHandler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// Port actually bound.
  std::uint16_t port() const noexcept;
  /// Stop accepting, close open connections and join every thread; idempotent.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

/// Percent-decode `text` ('+' becomes a space); nullopt on a malformed escape.
std::optional<std::string> percent_decode(std::string_view text);

/// Split "a=1&b=x%20y" into decoded pairs; nullopt on a malformed escape.
std::optional<std::map<std::string, std::string>> parse_query(std::string_view text);

}  // namespace zonal::node
