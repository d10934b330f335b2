#pragma once
/// Configuration of zonal-tracker (keys, defaults and help in tracker_config.cpp).
#include <cstdint>
#include <filesystem>
#include <string>

#include "settings.hpp"

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
  std::string log_level = "info";
};

/// Every key the tracker understands.
ConfigSchema tracker_schema();

/// Build TrackerOptions from loaded settings; throws ConfigError naming the key.
TrackerOptions parse_tracker_config(const Settings& s);

}  // namespace zonal::node
