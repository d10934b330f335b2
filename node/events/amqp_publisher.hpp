#pragma once
/// RabbitMQ (AMQP 0-9-1) event publisher with an on-disk outbox and publisher confirms.
/// publish() appends the event to the Outbox (refusing it, counted, when the outbox is full);
/// a thread of its own fsyncs the outbox in small batches, connects, declares the topic exchange
/// and the durable queue (bound to its patterns), publishes synced events on a confirm-mode
/// channel and drops them from the outbox only when the broker acknowledged them (basic.ack).
/// A nack, a lost connection or an ack overdue republishes every unconfirmed event after
/// reconnecting (exponential backoff): delivery is at least once, across broker outages and
/// process restarts. The caller never waits for the broker.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

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

struct AmqpOptions {
  AmqpUrl url;
  std::string exchange = "zonal.events";
  std::string queue = "file_notifications";                   ///< durable queue declared on connect ("": none)
  std::vector<std::string> bindings{"file.*", "download.*"};  ///< routing-key patterns bound to `queue`
  std::filesystem::path outbox_dir;                           ///< where the outbox lives
  std::size_t outbox_max = 100'000;                           ///< events that may wait for a confirm
};

class AmqpPublisher final : public EventSink {
 public:
  /// Open the outbox (throws std::runtime_error if unusable) and start the publishing thread.
  explicit AmqpPublisher(AmqpOptions options);
  /// Publish what the broker takes within about two seconds; the rest stays in the outbox.
  ~AmqpPublisher() override;

  /// Append one event (JSON body, routing key such as "file.shared") to the outbox; never blocks
  /// on the network. Refused (counted, logged) when the outbox is full or cannot be written.
  void publish(const std::string& routing_key, nlohmann::json body) override;
  bool has_room() const override;
  EventStats stats() const override;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace zonal::node
