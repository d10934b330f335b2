#include "tracker_config.hpp"

#include "grpc_options.hpp"
#include "identity_name.hpp"

namespace zonal::node {

ConfigSchema tracker_schema() {
  ConfigSchema schema{
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
      {"data_dir", "zonal-tracker-data", "directory of the event outbox (outbox/), used with amqp.enabled"},
      {"amqp.enabled", false, "publish peer.registered, peer.expired and zones.rebalanced to RabbitMQ"},
      {"amqp.url", "amqp://guest:guest@127.0.0.1:5672/", "AMQP broker URL"},
      {"amqp.exchange", "zonal.events", "topic exchange the events go to"},
      {"amqp.outbox_max", 100000, "events that may wait in data_dir/outbox for a broker confirm (1..10000000)"},
      {"ready_dir", "", "directory for ready.json (empty: only the ready line on stdout)"},
      {"log.level", "info", "trace, debug, info, warn, error or off"},
      {"limits.peers_max", 10000,
       "registered peers at most; further Registers are refused (the ListZones reply must fit one gRPC message)"},
      {"limits.peers_per_host_max", 64, "registrations at most from one caller IP address"},
  };
  for (auto& k : tls_schema()) schema.push_back(std::move(k));
  return schema;
}

std::uint64_t peers_max_limit(std::uint32_t zone_count) {
  const std::uint64_t room = std::uint64_t{grpc_message_bytes_max} - directory_reply_bytes_fixed -
                             std::uint64_t{zone_count} * zone_entry_bytes_max;
  return room / peer_entry_bytes_max;
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
  t.data_dir = s.get_string("data_dir");
  t.amqp_enabled = s.get_bool("amqp.enabled");
  t.amqp_url = s.get_string("amqp.url");
  t.amqp_exchange = s.get_string("amqp.exchange");
  t.amqp_outbox_max = s.get_uint("amqp.outbox_max", 1, 10'000'000);
  if (std::uint64_t{t.zone_count} * zone_entry_bytes_max > grpc_message_bytes_max / 2)
    s.fail("zones.count", "must be at most " + std::to_string(grpc_message_bytes_max / 2 / zone_entry_bytes_max) +
                              " (the directory must fit one gRPC message)");
  t.peers_max = static_cast<std::uint32_t>(s.get_uint("limits.peers_max", 1, peers_max_limit(t.zone_count)));
  t.peers_per_host_max = static_cast<std::uint32_t>(s.get_uint("limits.peers_per_host_max", 1, 1'000'000));
  t.tls = parse_tls_config(s);
  if (t.tls.enabled() && t.tls.identity != tracker_identity_name)
    s.fail("tls.cert", "names \"" + t.tls.identity + "\"; the tracker's certificate must name \"tracker\"");
  t.log_level = s.get_choice("log.level", {"trace", "debug", "info", "warn", "error", "off"});
  return t;
}

}  // namespace zonal::node
