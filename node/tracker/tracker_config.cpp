#include "tracker_config.hpp"

namespace zonal::node {

ConfigSchema tracker_schema() {
  return {
      {"grpc.bind", "127.0.0.1", "address the tracker gRPC service listens on (0.0.0.0: all interfaces)"},
      {"grpc.port", 7600, "port of the tracker gRPC service (0: let the OS choose)"},
      {"http.bind", "127.0.0.1", "address of the tracker's HTTP listener (/metrics, /healthz, /readyz)"},
      {"http.port", 7601, "port of the tracker's HTTP listener (0: let the OS choose)"},
      {"zones.count", 8, "zones wanted once there are enough peers"},
      {"zones.min_size", 6, "minimum members per zone (zones are only opened when they can be filled)"},
      {"zones.degree", 4, "mean degree of the computed intra-zone links"},
      {"overlay.degree", 4, "mean degree of the computed whole-network overlay"},
      {"links_seed", 1, "seed of the computed links; sent to every node with the directory"},
      {"heartbeat_ms", 2000, "how often peers must heartbeat, milliseconds"},
      {"expiry_ms", 10000, "drop peers silent this long, milliseconds (0: never)"},
      {"ready_dir", "", "directory for ready.json (empty: only the ready line on stdout)"},
      {"log.level", "info", "trace, debug, info, warn, error or off"},
  };
}

TrackerOptions parse_tracker_config(const Settings& s) {
  TrackerOptions t;
  t.grpc_bind = s.get_string("grpc.bind");
  t.grpc_port = static_cast<std::uint16_t>(s.get_uint("grpc.port", 0, 65535));
  t.http_bind = s.get_string("http.bind");
  t.http_port = static_cast<std::uint16_t>(s.get_uint("http.port", 0, 65535));
  t.zone_count = static_cast<std::uint32_t>(s.get_uint("zones.count", 1, 1'000'000));
  t.zone_size_min = static_cast<std::uint32_t>(s.get_uint("zones.min_size", 1, 1'000'000));
  t.zone_degree = static_cast<std::uint32_t>(s.get_uint("zones.degree", 1, 64));
  t.overlay_degree = static_cast<std::uint32_t>(s.get_uint("overlay.degree", 1, 64));
  t.links_seed = s.get_uint("links_seed", 0, ~0ull);
  t.heartbeat_ms = static_cast<std::uint32_t>(s.get_uint("heartbeat_ms", 10, 3'600'000));
  t.expiry_ms = static_cast<std::uint32_t>(s.get_uint("expiry_ms", 0, 86'400'000));
  if (t.expiry_ms != 0 && t.expiry_ms <= t.heartbeat_ms)
    s.fail("expiry_ms", "must be 0 or greater than heartbeat_ms (" + std::to_string(t.heartbeat_ms) + "), got " +
                            std::to_string(t.expiry_ms));
  t.ready_dir = s.get_string("ready_dir", true);
  t.log_level = s.get_choice("log.level", {"trace", "debug", "info", "warn", "error", "off"});
  return t;
}

}  // namespace zonal::node
