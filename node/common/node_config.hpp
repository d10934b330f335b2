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

namespace zonal::node {

/// The node's Chord ring membership (chord.* keys).
struct NodeChordConfig {
  bool enabled = false;            ///< chord.enabled: run a ChordNode beside the Peer
  ChordConfig core;                ///< ring tunables (id_bits, successors, timers, mode, replication)
  TimeUs republish_us = 30'000'000;  ///< chord.republish_ms: re-store shared files this often (0 = never)
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
  std::uint8_t ttl_hops = ttl_hops_default;
  SearchParams search;                  ///< search.walkers, .walk_ttl, .check_every, .ring_*: walk and ring settings
  PeerConfig peer;                      ///< core tunables (seen capacity, placement, timeout, replicas)
  NodeChordConfig chord;
  std::uint64_t core_seed = 0;          ///< core.seed: seed of the core's random stream (0 = derive from id)
  std::vector<std::uint32_t> overlay_neighbours;  ///< fixed overlay; empty = computed from the directory
  std::uint32_t chunk_bytes = 1 << 20;
  std::uint64_t upload_rate_bytes_per_s = 0;      ///< 0 = unlimited
  std::uint64_t store_bytes_max = 16ull << 30;
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

/// Strategy from its scenario name ("flood", "zone-flood", "chord"); nullopt if unknown.
std::optional<Strategy> strategy_from_name(std::string_view name);

}  // namespace zonal::node
