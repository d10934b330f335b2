#pragma once
/// RabbitMQ (AMQP 0-9-1) event publisher: publish() only queues (bounded; the oldest event is
/// dropped when full); a thread of its own connects, declares the topic exchange, publishes,
/// and reconnects with exponential backoff when the broker is down. The node never waits for it.
#include <cstdint>
#include <memory>
#include <string>

#include "event_sink.hpp"

namespace zonal::node {

/// Parts of an amqp://user:pass@host:port/vhost URL.
struct AmqpUrl {
  std::string user = "guest";
  std::string password = "guest";
  std::string host = "127.0.0.1";
  int port = 5672;
  std::string vhost = "/";
};

/// Parse an AMQP URL; throws std::invalid_argument naming the problem.
AmqpUrl parse_amqp_url(const std::string& url);

class AmqpPublisher final : public EventSink {
 public:
  /// Start the publishing thread for `exchange` at `url`; events carry `source` ("node 3").
  AmqpPublisher(const AmqpUrl& url, std::string exchange, std::size_t queue_max = 4096);
  ~AmqpPublisher() override;

  /// Queue one event (JSON body, routing key such as "file.shared"); never blocks.
  void publish(const std::string& routing_key, nlohmann::json body) override;
  /// Events published so far / dropped because the queue was full.
  std::uint64_t published() const noexcept;
  std::uint64_t dropped() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace zonal::node
