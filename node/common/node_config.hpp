#pragma once
/// Configuration of a zonal-node (keys, defaults and help in node_config.cpp; docs/node.md lists them).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "settings.hpp"
#include "tls_config.hpp"
#include "zonal/chord_config.hpp"
#include "zonal/message.hpp"
#include "zonal/peer_config.hpp"
#include "zonal/settings.hpp"

namespace zonal::node {

/// The node's Chord ring membership (chord.* keys).
struct NodeChordConfig {
  bool enabled = false;            ///< chord.enabled: run a ChordNode beside the Peer
  ChordConfig core;                ///< ring tunables (id_bits, successors, timers, mode, replication)
  TimeUs republish_us = 30'000'000;  ///< chord.republish_ms: re-store shared files this often (0 = never)
};

/// The REST API's credential, accepted names and bounds (rest.* keys).
struct NodeRestConfig {
  std::string token;                       ///< rest.token: empty = DATA_DIR/api-token (created on first start)
  std::vector<std::string> allowed_hosts;  ///< rest.allowed_hosts: extra Host/Origin names besides loopback and the bound address
  std::uint32_t workers = 8;               ///< rest.workers: threads running requests
  std::uint32_t queue_max = 64;            ///< rest.queue_max: requests waiting for a worker before 503
  std::uint32_t connections_max = 256;     ///< rest.connections_max: open connections; more are closed at once
  std::uint32_t read_timeout_ms = 10'000;  ///< rest.read_timeout_ms: a request must arrive whole within this
  std::uint32_t idle_timeout_ms = 30'000;  ///< rest.idle_timeout_ms: idle keep-alive connections are closed after this
};

/// Bounds on what other peers can make this node do (limits.* and files.store_* keys).
struct NodeLimits {
  double messages_per_s = 500;           ///< limits.messages_per_s: Deliver calls accepted per second per peer
  std::uint32_t messages_burst = 1000;   ///< limits.messages_burst: token-bucket depth of the above
  double searches_per_s = 50;            ///< limits.searches_per_s: fresh query copies and walkers per second per peer
  std::uint32_t searches_burst = 200;    ///< limits.searches_burst: token-bucket depth of the above
  std::uint32_t deliver_queue_max = 4096;  ///< limits.deliver_queue_max: messages waiting for the protocol thread
  std::uint32_t outbound_calls_max = 4096; ///< limits.outbound_calls_max: Deliver calls in flight to other peers
  std::uint32_t grpc_threads_max = 128;   ///< limits.grpc_threads_max: threads of the gRPC server
  std::uint32_t grpc_streams_max = 32;   ///< limits.grpc_streams_max: concurrent calls per connection
  std::uint32_t grpc_handshake_ms = 10'000;  ///< limits.grpc_handshake_ms: a new connection must finish its handshake within this
  std::uint32_t grpc_idle_ms = 300'000;  ///< limits.grpc_idle_ms: connections without calls this long are closed
  std::uint32_t listener_probe_ms = 5000;  ///< limits.listener_probe_ms: probe the own gRPC listener this often (0: never)
  std::uint64_t open_files = 65536;      ///< limits.open_files: file-descriptor limit raised to at start (hard limit permitting)
  std::uint64_t store_quota_bytes = 4ull << 30;  ///< files.store_quota_bytes: bytes one peer may store here
  std::uint32_t store_uploads_max = 8;   ///< files.store_uploads_max: Store streams received at once
  std::uint32_t store_deadline_ms = 600'000;  ///< files.store_deadline_ms: a Store stream must finish within this
  std::uint32_t store_idle_ms = 30'000;  ///< files.store_idle_ms: a Store stream silent this long is abandoned
};

struct NodeConfig {
  std::optional<std::uint32_t> requested_id;  ///< node.id, or the id named by tls.cert: ask the tracker for this id
  TlsConfig tls;                              ///< tls.*: mutual TLS on every gRPC channel (docs/security.md)
  std::string advertise_host = "127.0.0.1";   ///< node.host: host other peers use to reach this node
  std::string grpc_bind = "127.0.0.1";
  std::uint16_t grpc_port = 7701;
  std::string rest_bind = "127.0.0.1";
  std::uint16_t rest_port = 8701;
  std::string client_bind = "127.0.0.1";  ///< client.bind: the Client gRPC service (applications)
  std::uint16_t client_port = 7702;
  std::filesystem::path data_dir = "zonal-data";
  std::string tracker_address = "127.0.0.1:7600";
  std::uint32_t rpc_timeout_ms = 2000;  ///< deadline of every outbound unary RPC
  std::uint32_t net_latency_ms = 0;     ///< net.latency_ms: emulated delay of every protocol message sent (0 = none)
  Strategy strategy = Strategy::zone_flood;
  std::uint8_t ttl_hops = setting::ttl.default_value;
  SearchParams search;                  ///< search.walkers, .walk_ttl, .check_every, .ring_*: walk and ring settings
  PeerConfig peer;                      ///< core tunables (seen capacity, placement, timeout, replicas)
  NodeChordConfig chord;
  std::uint64_t core_seed = 0;          ///< core.seed: seed of the core's random stream (0 = derive from id)
  std::vector<std::uint32_t> overlay_neighbours;  ///< fixed overlay; empty = computed from the directory
  std::uint32_t chunk_bytes = 1 << 20;
  std::uint64_t upload_rate_bytes_per_s = 0;      ///< 0 = unlimited
  std::uint64_t store_bytes_max = 1ull << 30;  ///< files.store_bytes_max: largest file a Store may send
  NodeRestConfig rest;
  NodeLimits limits;
  bool amqp_enabled = false;
  std::string amqp_url = "amqp://guest:guest@127.0.0.1:5672/";
  std::string amqp_exchange = "zonal.events";
  std::string amqp_queue = "file_notifications";  ///< durable queue declared and bound to file.* and download.* ("": none)
  std::uint64_t amqp_outbox_max = 100'000;        ///< events that may wait in data_dir/outbox for a broker confirm
  std::uint32_t dummy_files = 0;
  std::uint64_t dummy_bytes = 1 << 20;
  std::string log_level = "info";

  /// Directory of shared files (data_dir/shared).
  std::filesystem::path shared_dir() const { return data_dir / "shared"; }
  /// Directory of partial downloads and uploads (data_dir/partial), never shared.
  std::filesystem::path partial_dir() const { return data_dir / "partial"; }
  /// Directory of the event outbox (data_dir/outbox).
  std::filesystem::path outbox_dir() const { return data_dir / "outbox"; }
};

/// Every key a node understands, with default and help text.
ConfigSchema node_schema();

/// Build a NodeConfig from loaded settings; throws ConfigError naming the key.
NodeConfig parse_node_config(const Settings& s);

}  // namespace zonal::node
