#pragma once
/// A test-side AMQP consumer (rabbitmq-c): consumes an existing queue, or a fresh exclusive queue
/// bound to an exchange. Messages come back as (routing key, parsed JSON body).
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

namespace zonal::test {

class AmqpConsumer {
 public:
  /// Consume the existing queue `queue` on 127.0.0.1:`port` (auto-ack). Throws when unreachable.
  static AmqpConsumer of_queue(std::uint16_t port, const std::string& queue);
  /// Declare a server-named exclusive queue bound to `exchange` with `pattern` and consume it.
  static AmqpConsumer of_exchange(std::uint16_t port, const std::string& exchange, const std::string& pattern = "#");
  AmqpConsumer(AmqpConsumer&& other) noexcept;
  AmqpConsumer(const AmqpConsumer&) = delete;
  ~AmqpConsumer();

  /// Next message, or nullopt after `timeout_ms` without one (or on a broken connection).
  std::optional<std::pair<std::string, nlohmann::json>> next(int timeout_ms);
  /// Delete queue `queue` (test clean-up); ignores errors.
  void delete_queue(const std::string& queue);

 private:
  explicit AmqpConsumer(std::uint16_t port);
  void consume(const std::string& queue);
  void* m_conn = nullptr;  ///< amqp_connection_state_t, kept out of this header
};

}  // namespace zonal::test
