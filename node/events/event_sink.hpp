#pragma once
/// Where a node's notable events go (RabbitMQ through the outbox when enabled, the log otherwise).
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace zonal::node {

/// Counters of an event sink (for status pages and metrics).
struct EventStats {
  std::uint64_t published = 0;     ///< events confirmed by the broker (or logged)
  std::uint64_t refused = 0;       ///< events refused because the outbox was full or unwritable
  std::uint64_t outbox_depth = 0;  ///< events waiting in the outbox for a broker confirm
  std::uint64_t outbox_max = 0;    ///< size bound of the outbox (0: no outbox)
  bool broker_connected = false;
};

class EventSink {
 public:
  virtual ~EventSink() = default;
  /// Publish `body` under `routing_key` (e.g. "file.shared"); never blocks on the network and
  /// never throws. An event that cannot be kept is counted as refused and logged as an error.
  virtual void publish(const std::string& routing_key, nlohmann::json body) = 0;
  /// False while the sink cannot take another event (outbox full): callers refuse new work.
  virtual bool has_room() const { return true; }
  /// Counters so far.
  virtual EventStats stats() const { return {}; }
};

}  // namespace zonal::node
