#include "http_text.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <sstream>
#include <stdexcept>

namespace zonal::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

TextReply http_get_text(std::uint16_t port, const std::string& target, const std::string& token) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.expires_after(std::chrono::seconds(30));
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  return TextReply{static_cast<int>(res.result_int()), std::string(res[http::field::content_type]), res.body()};
}

namespace {

/// Feed complete lines of `pending` into `out` (one event per blank-line-terminated block).
void parse_events(std::string& pending, SseEvent& current, std::string& data, std::vector<SseEvent>& out) {
  for (auto nl = pending.find('\n'); nl != std::string::npos; nl = pending.find('\n')) {
    const std::string line = pending.substr(0, nl);
    pending.erase(0, nl + 1);
    if (line.empty()) {
      if (!current.event.empty() || !data.empty()) {
        if (current.event.empty()) current.event = "message";
        current.data = nlohmann::json::parse(data, nullptr, false);
        current.at = std::chrono::steady_clock::now();
        out.push_back(current);
      }
      current = SseEvent{};
      data.clear();
    } else if (line.rfind("event: ", 0) == 0) {
      current.event = line.substr(7);
    } else if (line.rfind("data: ", 0) == 0) {
      data += line.substr(6);
    }  // comments (": ...") and other fields are ignored
  }
}

}  // namespace

SseStream read_sse(std::uint16_t port, const std::string& target, std::chrono::milliseconds timeout, const std::string& token) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.expires_after(timeout);
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  SseStream out;
  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  req.set(http::field::accept, "text/event-stream");
  if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
  out.started = std::chrono::steady_clock::now();
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response_parser<http::buffer_body> parser;
  http::read_header(stream, buffer, parser);
  out.status = static_cast<int>(parser.get().result_int());
  out.content_type = std::string(parser.get()[http::field::content_type]);
  std::string pending;
  SseEvent current;
  std::string data;
  char chunk[4096];
  while (!parser.is_done()) {
    parser.get().body().data = chunk;
    parser.get().body().size = sizeof chunk;
    beast::error_code ec;
    http::read_some(stream, buffer, parser, ec);  // returns with what arrived, not when the buffer is full
    pending.append(chunk, sizeof chunk - parser.get().body().size);
    parse_events(pending, current, data, out.events);
    if (ec == http::error::need_buffer) continue;
    if (ec) break;  // closed (end of the body) or timed out
  }
  return out;
}

double metric_value(const std::string& text, const std::string& series) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  }
  return 0;
}

}  // namespace zonal::test
