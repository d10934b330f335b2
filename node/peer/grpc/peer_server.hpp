#pragma once
/// The node's gRPC server (service zonal.wire.Peer): Deliver and Ping go to the runtime, Chord to
/// the Chord runtime (when chord.enabled), Fetch,
/// FileInfo, ListFiles and Store to the shared directory. Every request is validated; errors use
/// gRPC status codes with field-named messages. gRPC stays behind the pimpl.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

#include "address_book.hpp"
#include "event_sink.hpp"
#include "node_config.hpp"
#include "node_metrics.hpp"
#include "chord_runtime.hpp"
#include "peer_runtime.hpp"
#include "shared_dir.hpp"

namespace zonal::node {

/// What the server refused or cut short since it started (running/backlog: right now).
struct PeerServerCounters {
  std::uint64_t messages_refused = 0;   ///< over limits.messages_per_s
  std::uint64_t searches_refused = 0;   ///< over limits.searches_per_s
  std::uint64_t backlog_refused = 0;    ///< refused: limits.deliver_queue_max messages waiting
  std::uint64_t deliveries_abandoned = 0;  ///< timed out before the protocol thread got to them: skipped
  std::uint64_t backlog = 0;            ///< messages waiting for the protocol thread now
  std::uint64_t stores_running = 0;
  std::uint64_t stores_refused_busy = 0;
  std::uint64_t stores_refused_quota = 0;
  std::uint64_t stores_cancelled = 0;   ///< past files.store_deadline_ms or files.store_idle_ms
};

class PeerServer {
 public:
  /// Bind and start serving; Deliver answers UNAVAILABLE until attach() is called. `metrics`
  /// (messages in, duplicates, bytes served, gRPC errors) and `book` (the directory's members;
  /// with TLS only they may Store) must outlive the server.
  PeerServer(const NodeConfig& config, SharedDir& files, EventSink& events, NodeMetrics& metrics, const AddressBook& book);
  ~PeerServer();
  PeerServer(const PeerServer&) = delete;
  PeerServer& operator=(const PeerServer&) = delete;

  /// Port actually bound.
  std::uint16_t port() const noexcept;
  /// Connect the runtime once the node has its id; call once.
  void attach(PeerRuntime& runtime, PeerId self);
  /// Connect the Chord runtime (chord.enabled only); Chord answers UNAVAILABLE until then. Files
  /// arriving by Store are then also stored on the ring. Call once, after attach().
  void attach_chord(ChordRuntime& chord);
  /// Fetch streams being served right now.
  int uploads_active() const noexcept;
  /// Probe the listener every `period` and restart it when it stops accepting (gRPC does not
  /// recover from EMFILE by itself); `give_up` runs when it cannot be restored. Call once after start.
  /// `self_name` is this node's identity (node_identity_name), the TLS name the probe expects.
  void watch(std::chrono::milliseconds period, std::string self_name, std::function<void()> give_up);
  /// Listener restarts by the watchdog so far.
  std::uint64_t listener_restarts() const;
  /// Refusal counters of the per-peer limits; call from any thread.
  PeerServerCounters counters() const;
  /// Stop serving (bounded wait for running calls); idempotent.
  void shutdown();

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace zonal::node
