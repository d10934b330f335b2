#pragma once
/// The tracker's gRPC server (service zonal.wire.Tracker) around a Registry. gRPC stays behind a pimpl.
#include <cstdint>
#include <memory>

#include "clock.hpp"
#include "metrics.hpp"
#include "registry.hpp"
#include "tracker_config.hpp"

namespace zonal::node {

class TrackerServer {
 public:
  /// Bind and start serving; throws std::runtime_error when the port cannot be bound. Calls
  /// and errors are counted in `metrics` (which must outlive the server).
  TrackerServer(const TrackerOptions& options, Registry& registry, const MonotonicClock& clock, MetricsRegistry& metrics);
  ~TrackerServer();
  TrackerServer(const TrackerServer&) = delete;
  TrackerServer& operator=(const TrackerServer&) = delete;

  /// Port actually bound (the OS's choice when configured as 0).
  std::uint16_t port() const noexcept;
  /// Stop accepting calls and wait (bounded) for running ones; call on shutdown.
  void shutdown();

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace zonal::node
