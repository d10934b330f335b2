#pragma once
/// Raw HTTP for tests: a GET whose body is not JSON (Prometheus text), and a reader of
/// server-sent event streams that records when each event arrived.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace zonal::test {

struct TextReply {
  int status = 0;
  std::string content_type;
  std::string body;
};

/// GET `target` from 127.0.0.1:`port` (with `token` as the API token unless empty); throws
/// std::runtime_error when the request fails.
TextReply http_get_text(std::uint16_t port, const std::string& target, const std::string& token = "");

struct SseEvent {
  std::string event;  ///< the `event:` field ("message" when absent)
  nlohmann::json data;  ///< the `data:` field parsed as JSON (discarded when not JSON)
  std::chrono::steady_clock::time_point at;  ///< when the event's last line arrived
};

struct SseStream {
  int status = 0;
  std::string content_type;
  std::chrono::steady_clock::time_point started;  ///< just before the request was sent
  std::vector<SseEvent> events;
};

/// GET `target` and read the event stream until the server closes it or `timeout` passes.
SseStream read_sse(std::uint16_t port, const std::string& target, std::chrono::milliseconds timeout, const std::string& token = "");

/// Value of the sample `series` (e.g. `zonal_searches_total{strategy="flood"}`) in a Prometheus
/// text body; 0 when absent.
double metric_value(const std::string& text, const std::string& series);

}  // namespace zonal::test
