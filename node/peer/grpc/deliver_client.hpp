#pragma once
/// Outbound protocol messages: each Transmit becomes one asynchronous Peer.Deliver call, each
/// Chord transmit one Peer.Chord call (gRPC callback API), so the runtimes' io threads never wait
/// for the network. Channels are cached per address. Chord calls to one destination are sent one
/// at a time, in order (the next starts when the previous one is answered).
#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>
#include <variant>

#include "address_book.hpp"
#include "node_metrics.hpp"
#include "tls_config.hpp"
#include "transport.hpp"

namespace grpc {
class Status;
}

namespace zonal::node {

class DeliverClient final : public Transport, public ChordTransport {
 public:
  /// Send as `self`, resolving ids through `book`; every call gets a `timeout_ms` deadline.
  /// Channels use `tls` (the receiver must present the certificate of the id it is sent to).
  /// At most `calls_max` Deliver calls are in flight (more messages are dropped and counted).
  /// `metrics` (optional, must outlive this) counts messages sent and failed calls.
  DeliverClient(PeerId self, const AddressBook& book, std::uint32_t timeout_ms, const TlsConfig& tls, std::size_t calls_max = 4096,
                NodeMetrics* metrics = nullptr);
  ~DeliverClient() override;

  /// Start one Deliver call; unknown destinations and failed calls are counted and logged.
  void send(PeerId to, const Message& msg) override;
  /// Start one Peer.Chord call, or queue it behind the call in flight to `to` (at most 256
  /// waiting per destination); unknown destinations wait like send()'s.
  void send_chord(PeerId to, const ChordMessage& msg) override;
  /// Call `handler` whenever a message waits for an unknown destination (e.g. ask the tracker
  /// for a fresh directory); set before the first send.
  void set_unknown_handler(std::function<void()> handler) { m_on_unknown = std::move(handler); }
  /// Send the messages that waited for an address now in the book (others are dropped); call
  /// after every directory update.
  void retry_waiting();
  /// Open channels to `peers` now, so the first messages to them do not wait for a connection
  /// and TLS handshake; call after every directory update with the node's neighbours.
  void connect(const std::vector<PeerId>& peers);
  /// Set this node's id once known (before any send).
  void set_self(PeerId self) noexcept { m_self = self; }
  /// Wait (bounded) until no call is in flight, dropping queued Chord messages; call before
  /// shutting down.
  void drain_calls();
  /// True when `peer` answered a Chord call with FAILED_PRECONDITION (chord.enabled is false
  /// there) since the last directory update; call to leave it out of Chord join candidates.
  bool refuses_chord(PeerId peer) const;
  /// Calls that failed (no address, transport error or error status).
  std::uint64_t failures() const noexcept { return m_failures; }
  /// Protocol messages dropped because calls_max calls were in flight.
  std::uint64_t dropped_busy() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
  std::atomic<PeerId> m_self;
  NodeMetrics* m_metrics;
  std::atomic<std::uint64_t> m_failures{0};
  std::function<void()> m_on_unknown;
  mutable std::mutex m_waiting_mutex;  ///< guards m_waiting and m_no_chord
  std::set<PeerId> m_no_chord;         ///< peers that refused Chord calls
  using AnyMessage = std::variant<Message, ChordMessage>;
  void send_any(PeerId to, const AnyMessage& msg);
  void start_deliver(PeerId to, const std::string& address, const Message& msg);
  void start_chord(PeerId to, const std::string& address, const ChordMessage& msg);
  /// After a Chord call to `to` ended: start the next one queued for `to`, if any.
  void send_next_chord(PeerId to);
  void finished(PeerId to, const char* method, const grpc::Status& status);

  std::deque<std::pair<PeerId, AnyMessage>> m_waiting;  ///< for destinations not yet in the book (bounded)
};

}  // namespace zonal::node
