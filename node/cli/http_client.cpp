#include "http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fstream>
#include <stdexcept>

namespace zonal::cli {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::string url_encode(const std::string& text) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += digits[c >> 4];
      out += digits[c & 15];
    }
  }
  return out;
}

std::string read_api_token(const std::filesystem::path& data_dir) {
  const auto path = data_dir / "api-token";
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return {};
  std::ifstream in(path);
  std::string token;
  if (!in || !std::getline(in, token) || token.empty())
    throw std::runtime_error("cannot read the API token from " + path.string() + " (pass --token instead)");
  return token;
}

HttpResult http_call(const std::string& host_port, const std::string& method, const std::string& target, const nlohmann::json& body,
                     const CallOptions& options) {
  const auto colon = host_port.rfind(':');
  if (colon == std::string::npos) throw std::runtime_error("--node must be host:port, got \"" + host_port + "\"");
  const auto deadline = std::chrono::steady_clock::now() + options.timeout;
  asio::io_context io;
  tcp::resolver resolver(io);
  beast::tcp_stream stream(io);
  const auto arm = [&] {  // every step gets the time left of the whole call
    if (options.timeout.count() > 0) stream.expires_at(deadline);
  };
  beast::error_code ec;
  const auto endpoints = resolver.resolve(host_port.substr(0, colon), host_port.substr(colon + 1), ec);
  if (ec) throw std::runtime_error("cannot reach the node at " + host_port + ": " + ec.message() + " (is zonal-node running? see --node)");
  const auto timed_out = [&](beast::error_code e) { return e == beast::error::timeout; };
  const auto too_slow = [&] {
    return std::runtime_error("no answer from the node at " + host_port + " within " + std::to_string(options.timeout.count()) +
                              " ms (see --timeout; is the node stopped or overloaded?)");
  };
  arm();
  stream.async_connect(endpoints, [&](beast::error_code e, const tcp::endpoint&) { ec = e; });
  io.run();
  if (timed_out(ec)) throw too_slow();
  if (ec) throw std::runtime_error("cannot reach the node at " + host_port + ": " + ec.message() + " (is zonal-node running? see --node)");
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, host_port);
  req.set(http::field::content_type, "application/json");
  if (!options.token.empty()) req.set(http::field::authorization, "Bearer " + options.token);
  if (!body.is_null()) req.body() = body.dump();
  req.prepare_payload();
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 << 20);
  arm();
  io.restart();
  http::async_write(stream, req, [&](beast::error_code e, std::size_t) {
    ec = e;
    if (e) return;
    arm();
    http::async_read(stream, buffer, parser, [&](beast::error_code e2, std::size_t) { ec = e2; });
  });
  io.run();
  if (timed_out(ec)) throw too_slow();
  if (ec) throw std::runtime_error("request to " + host_port + " failed: " + ec.message());
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  const auto& res = parser.get();
  HttpResult out{static_cast<int>(res.result_int()), nlohmann::json::parse(res.body(), nullptr, false)};
  if (out.body.is_discarded()) throw std::runtime_error("the node answered with something other than JSON");
  return out;
}

}  // namespace zonal::cli
