#pragma once
/// Configuration of zonal-tracker (keys, defaults and help in tracker_config.cpp).
#include <cstdint>
#include <filesystem>
#include <string>

#include "settings.hpp"
#include "tls_config.hpp"

namespace zonal::node {

struct TrackerOptions {
  std::string grpc_bind = "127.0.0.1";
  std::uint16_t grpc_port = 7600;
  std::string http_bind = "127.0.0.1";  ///< http.bind: /metrics, /healthz, /readyz
  std::uint16_t http_port = 7601;
  std::uint32_t zone_count = 8;       ///< zones wanted once there are enough peers
  std::uint32_t zone_size_min = 6;    ///< every zone keeps at least this many members
  std::uint32_t zone_degree = 4;      ///< mean degree of computed intra-zone links
  std::uint32_t overlay_degree = 4;   ///< mean degree of the computed whole-network overlay
  std::uint64_t links_seed = 1;       ///< seed of computed links; travels with the directory
  std::uint32_t heartbeat_ms = 2000;  ///< interval peers are told to heartbeat at
  std::uint32_t expiry_ms = 10000;    ///< peers silent this long are dropped (0 = never)
  std::filesystem::path ready_dir;    ///< where ready.json goes (empty: stdout only)
  std::filesystem::path data_dir = "zonal-tracker-data";  ///< holds outbox/ (events waiting for the broker)
  bool amqp_enabled = false;          ///< publish peer.* and zones.* events to RabbitMQ
  std::string amqp_url = "amqp://guest:guest@127.0.0.1:5672/";
  std::string amqp_exchange = "zonal.events";
  std::uint64_t amqp_outbox_max = 100'000;
  std::string log_level = "info";
  TlsConfig tls;                      ///< tls.*: mutual TLS; the certificate must name "tracker"
  std::uint32_t peers_max = 10000;    ///< limits.peers_max: registered peers at most (directory size)
  std::uint32_t peers_per_host_max = 64;  ///< limits.peers_per_host_max: registrations from one caller IP address
};

/// Largest peer entry of a ListZones reply in bytes: a 255-byte address, a 32-bit id, framing.
inline constexpr std::uint32_t peer_entry_bytes_max = 255 + 5 + 3 + 3 + 3;
/// Zone and reply framing allowed for in ListZones, per zone and in total.
inline constexpr std::uint32_t zone_entry_bytes_max = 16;
inline constexpr std::uint32_t directory_reply_bytes_fixed = 64;

/// Every key the tracker understands.
ConfigSchema tracker_schema();

/// Largest limits.peers_max whose ListZones reply fits one gRPC message with `zone_count` zones.
std::uint64_t peers_max_limit(std::uint32_t zone_count);

/// Build TrackerOptions from loaded settings; throws ConfigError naming the key.
TrackerOptions parse_tracker_config(const Settings& s);

}  // namespace zonal::node
