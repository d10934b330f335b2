#pragma once
/// The node's gRPC server (service zonal.wire.Peer): Deliver and Ping go to the runtime, Chord to
/// the Chord runtime (when chord.enabled), Fetch,
/// FileInfo, ListFiles and Store to the shared directory. Every request is validated; errors use
/// gRPC status codes with field-named messages. gRPC stays behind the pimpl.
#include <cstdint>
#include <memory>

#include "address_book.hpp"
#include "event_sink.hpp"
#include "node_config.hpp"
#include "node_metrics.hpp"
#include "chord_runtime.hpp"
#include "peer_runtime.hpp"
#include "shared_dir.hpp"

namespace zonal::node {

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
  /// Stop serving (bounded wait for running calls); idempotent.
  void shutdown();

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace zonal::node
