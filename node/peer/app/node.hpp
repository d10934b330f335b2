#pragma once
/// A whole zonal-node: shared directory, gRPC peer server, tracker session, protocol runtime,
/// REST API and event publisher, started in dependency order and stopped in reverse.
#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include "address_book.hpp"
#include "api_auth.hpp"
#include "chord_runtime.hpp"
#include "deliver_client.hpp"
#include "download_board.hpp"
#include "downloader.hpp"
#include "event_feed.hpp"
#include "event_sink.hpp"
#include "client_server.hpp"
#include "http_server.hpp"
#include "metrics.hpp"
#include "node_api.hpp"
#include "node_config.hpp"
#include "node_metrics.hpp"
#include "peer_runtime.hpp"
#include "peer_server.hpp"
#include "query_counter.hpp"
#include "query_ids.hpp"
#include "shared_dir.hpp"
#include "tracker_session.hpp"

namespace zonal::node {

class Node final : public NodeApi {
 public:
  /// Build every part and bind the gRPC port; start() brings the node up. Throws on bind failure.
  explicit Node(NodeConfig config);
  ~Node() override;

  /// Serve gRPC, register (waiting for the tracker), share the directory, serve REST, print
  /// the ready line. Returns false when stop() was called before registration finished.
  bool start();
  /// Make a start() that still waits for the tracker return false; call from another thread on a signal.
  void interrupt();
  /// Leave the tracker and stop everything; idempotent. Call after start() returned.
  void stop();
  /// True when the gRPC listener died and could not be restored (the process should exit non-zero).
  bool listener_lost() const noexcept { return m_listener_lost; }

  nlohmann::json status() override;
  nlohmann::json peers() override;
  nlohmann::json zones() override;
  nlohmann::json files() override;
  nlohmann::json share(const std::string& name) override;
  std::shared_ptr<SearchSession> start_search(const SearchRequest& request) override;
  nlohmann::json get(const std::string& name, std::optional<std::string> strategy, const GetProgress& progress = {}) override;
  nlohmann::json store(const std::string& name) override;
  nlohmann::json queries() override;
  nlohmann::json unshare(const std::string& name) override;
  nlohmann::json events(std::uint64_t after, std::uint32_t wait_ms) override;
  nlohmann::json downloads() override;
  std::string metrics_text() override;
  nlohmann::json readiness() override;

 private:
  PeerRuntime& runtime();
  /// Index `key` in the core peer and, with chord.enabled, on the ring.
  void share_key(FileKey key);
  void start_chord();
  nlohmann::json chord_status();
  /// The strategy named by `text` (the configured default when unset); ApiError 400 when unknown.
  Strategy strategy_of(const std::optional<std::string>& text) const;
  /// Longest a Chord find may take (every dead node on the path costs request timeouts).
  std::chrono::microseconds chord_find_bound() const;
  std::vector<Holder> holders_of(const std::vector<FoundHit>& found, const std::vector<Holder>& skip);
  /// Wait for the first hit of `session` naming a holder other than this node and `skip`
  /// (or its end); those holders.
  std::vector<Holder> first_holders(const SearchSession& session, const std::vector<Holder>& skip);
  std::uint64_t core_seed(PeerId id) const;
  /// Refusal counters of every limit (status()["limits"]).
  nlohmann::json limits_status();
  /// Check the request's credential and names, then route it; the REST server's handler.
  HttpResponse serve(const HttpRequest& request);
  void register_gauges();
  /// Throw ApiError 503 when the event outbox is full: work that would emit events is refused.
  void require_event_room() const;
  nlohmann::json download_and_share(const std::string& name, std::optional<std::string> strategy, const GetProgress& progress);

  NodeConfig m_config;
  MetricsRegistry m_registry;  ///< first: every part below may hold references into it
  NodeMetrics m_metrics{m_registry};
  std::unique_ptr<EventFeed> m_events;
  DownloadBoard m_downloads;
  SharedDir m_files;
  AddressBook m_book;
  std::unique_ptr<PeerServer> m_server;
  std::unique_ptr<TrackerSession> m_session;
  std::unique_ptr<QueryIdAllocator> m_ids;
  std::unique_ptr<DeliverClient> m_transport;
  std::unique_ptr<QueryCounterStore> m_query_ids;
  std::unique_ptr<PeerRuntime> m_runtime;
  std::unique_ptr<ChordRuntime> m_chord;
  std::unique_ptr<ApiAuth> m_auth;
  std::unique_ptr<HttpServer> m_rest;
  std::unique_ptr<ClientServer> m_client;
  PeerId m_id = no_peer;
  bool m_left = false;  ///< node.left was published
  std::string m_address;
  std::atomic<bool> m_listener_lost{false};
};

}  // namespace zonal::node
