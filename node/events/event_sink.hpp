#pragma once
/// Where a node's notable events go (RabbitMQ when enabled, the log otherwise).
#include <string>

#include <nlohmann/json.hpp>

namespace zonal::node {

class EventSink {
 public:
  virtual ~EventSink() = default;
  /// Publish `body` under `routing_key` (e.g. "file.shared"); never blocks and never throws.
  virtual void publish(const std::string& routing_key, nlohmann::json body) = 0;
};

}  // namespace zonal::node
