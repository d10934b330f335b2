#pragma once
/// EventSink used when AMQP is disabled: events go to the debug log only.
#include <spdlog/spdlog.h>

#include <atomic>

#include "event_sink.hpp"

namespace zonal::node {

class LogSink final : public EventSink {
 public:
  /// Log the event at debug level.
  void publish(const std::string& routing_key, nlohmann::json body) override {
    spdlog::debug("event {} {}", routing_key, body.dump());
    ++m_logged;
  }
  EventStats stats() const override {
    EventStats s;
    s.published = m_logged;
    return s;
  }

 private:
  std::atomic<std::uint64_t> m_logged{0};
};

}  // namespace zonal::node
