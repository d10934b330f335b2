#pragma once
/// Outbound protocol messages: each Transmit becomes one asynchronous Peer.Deliver call (gRPC
/// callback API), so the runtime's io thread never waits for the network. Channels are cached
/// per address.
#include <atomic>
#include <cstdint>
#include <memory>

#include "address_book.hpp"
#include "transport.hpp"

namespace zonal::node {

class DeliverClient final : public Transport {
 public:
  /// Send as `self`, resolving ids through `book`; every call gets a `timeout_ms` deadline.
  DeliverClient(PeerId self, const AddressBook& book, std::uint32_t timeout_ms);
  ~DeliverClient() override;

  /// Start one Deliver call; unknown destinations and failed calls are counted and logged.
  void send(PeerId to, const Message& msg) override;
  /// Set this node's id once known (before any send).
  void set_self(PeerId self) noexcept { m_self = self; }
  /// Wait (bounded) until no call is in flight; call before shutting down.
  void drain_calls();
  /// Calls that failed (no address, transport error or error status).
  std::uint64_t failures() const noexcept { return m_failures; }

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
  std::atomic<PeerId> m_self;
  std::atomic<std::uint64_t> m_failures{0};
};

}  // namespace zonal::node
