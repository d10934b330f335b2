#pragma once
/// The node's client gRPC service (zonal.wire.Client: Search, Get, Share, Status) for
/// applications, on its own port (client.bind:client.port), apart from the Peer service that
/// other peers call. It runs on the same NodeApi as the REST API and needs the same API token,
/// sent as gRPC metadata `authorization: Bearer TOKEN` on every call (UNAUTHENTICATED otherwise).
/// gRPC stays behind the pimpl.
#include <cstdint>
#include <memory>
#include <string>

#include "api_auth.hpp"
#include "node_api.hpp"
#include "node_metrics.hpp"

namespace zonal::node {

class ClientServer {
 public:
  /// Bind bind:port (0: the OS chooses) and serve `api` to callers that `auth` accepts; throws
  /// std::runtime_error when it cannot listen. `api`, `auth` and `metrics` must outlive the server.
  ClientServer(NodeApi& api, ApiAuth& auth, const std::string& bind, std::uint16_t port, NodeMetrics& metrics);
  ~ClientServer();
  ClientServer(const ClientServer&) = delete;
  ClientServer& operator=(const ClientServer&) = delete;

  /// Port actually bound.
  std::uint16_t port() const noexcept;
  /// Stop serving (running calls get a bounded wait); idempotent.
  void shutdown();

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace zonal::node
