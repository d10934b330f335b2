#pragma once
/// A private RabbitMQ broker for tests that need a broker outage: its own node name, ports
/// (AMQP and Erlang distribution, loopback only), data and log directories and no plugins, so
/// stopping it never touches the shared broker on 5672. Runs /usr/lib/rabbitmq/bin/rabbitmq-server
/// in the foreground as a child (killed with the test); stop() shuts it down gracefully.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "cluster.hpp"

namespace zonal::test {

class PrivateBroker {
 public:
  /// Prepare `dir` (config, data, logs) and pick free loopback ports; does not start.
  explicit PrivateBroker(std::filesystem::path dir);
  ~PrivateBroker();

  /// Start the broker and wait until it accepts an AMQP login; throws (with the log's tail) after `timeout`.
  void start(std::chrono::seconds timeout = std::chrono::seconds(240));
  /// Stop it (SIGTERM: graceful shutdown, messages on disk) and wait for the process to exit.
  void stop();
  /// Kill it (SIGKILL: no shutdown, whatever it had not written is lost) and wait for the process to exit.
  void kill();
  /// AMQP port.
  std::uint16_t port() const noexcept { return m_port; }
  /// amqp://guest:guest@127.0.0.1:<port>/
  std::string url() const;
  /// True when an AMQP login succeeds now.
  bool accepts_login() const;

 private:
  std::filesystem::path m_dir;
  std::string m_nodename;
  std::uint16_t m_port = 0;
  std::uint16_t m_dist_port = 0;
  std::unique_ptr<Process> m_process;
};

/// A free TCP port on 127.0.0.1 (bound and released).
std::uint16_t free_loopback_port();

}  // namespace zonal::test
