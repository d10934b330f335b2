#pragma once
/// The node's side of the tracker protocol, on its own thread: Register (retrying until the
/// tracker answers), Heartbeat every interval, ListZones whenever the epoch changes (computing
/// zone and overlay links from it), re-Register with the same id when the tracker forgot us
/// (e.g. it restarted), Leave on shutdown. gRPC stays behind the pimpl.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "address_book.hpp"
#include "event_sink.hpp"
#include "node_config.hpp"
#include "peer_runtime.hpp"

namespace zonal::node {

/// What the node knows about its registration.
struct SessionStatus {
  bool registered = false;
  std::uint64_t epoch = 0;  ///< epoch of the installed directory
  std::uint32_t zone_count = 0;
  std::uint32_t registrations = 0;  ///< 1 + re-registrations
};

class TrackerSession {
 public:
  /// `self_address` is the host:port other peers reach this node's gRPC service at.
  TrackerSession(const NodeConfig& config, std::string self_address, AddressBook& book, EventSink& events);
  ~TrackerSession();
  TrackerSession(const TrackerSession&) = delete;
  TrackerSession& operator=(const TrackerSession&) = delete;

  /// Register, retrying until the tracker answers; returns the assigned id (nullopt if stopped meanwhile).
  std::optional<PeerId> register_blocking();
  /// Install the directory, then heartbeat on a thread, feeding `runtime`; call once after register_blocking.
  void run(PeerRuntime& runtime);
  /// Ask for the directory now instead of at the next heartbeat; call from any thread.
  void request_refresh();
  /// Call `handler` after every installed directory (on the session thread); set before run().
  void set_installed_handler(std::function<void()> handler);
  /// Make register_blocking() and the heartbeat thread stop soon; call from any thread.
  void interrupt();
  /// Stop the thread and send Leave (bounded by the RPC deadline); idempotent.
  void stop_and_leave();
  /// Current registration facts.
  SessionStatus status() const;
  /// The installed directory (nullptr before the first one).
  std::shared_ptr<const ZoneDirectory> directory() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace zonal::node
