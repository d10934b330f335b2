#include "node_config.hpp"

#include "identity_name.hpp"
#include "zonal/chord_id.hpp"
#include "zonal/settings.hpp"
#include "zonal/strategy.hpp"

namespace zonal::node {

using nlohmann::json;

ConfigSchema node_schema() {
  ConfigSchema schema{
      {"node.id", "", "peer id to ask the tracker for (empty: the tracker assigns one)"},
      {"node.host", "127.0.0.1", "host name or address other peers use to reach this node's gRPC port"},
      {"grpc.bind", "127.0.0.1", "address the peer gRPC service listens on (0.0.0.0: all interfaces)"},
      {"grpc.port", 7701, "port of the peer gRPC service (0: let the OS choose)"},
      {"rest.bind", "127.0.0.1", "address the REST/JSON API listens on"},
      {"rest.port", 8701, "port of the REST/JSON API (0: let the OS choose)"},
      {"client.bind", "127.0.0.1", "address the client gRPC service (zonal.wire.Client, for applications) listens on"},
      {"client.port", 7702, "port of the client gRPC service (0: let the OS choose)"},
      {"data_dir", "zonal-data", "directory holding shared/ (the shared files) and partial/ (transfers in progress)"},
      {"tracker.address", "127.0.0.1:7600", "host:port of the tracker's gRPC service"},
      {"rpc.timeout_ms", 2000, "deadline of every outbound unary RPC, milliseconds"},
      {"net.latency_ms", 0, "emulated one-way latency: hold every protocol message this node sends this long (0..10000; 0: none)"},
      {"search.strategy", strategy_name(Strategy::zone_flood),
       "default search strategy: " + strategy_choices() + " (chord needs chord.enabled)"},
      {"search.ttl", setting::ttl.default_value, "default hop limit of a search (" + setting::ttl.range_text() + ")"},
      {"search.timeout_ms", 3000, "how long a search collects hits, milliseconds"},
      {"search.walkers", setting::walkers.default_value,
       "random-walk: walkers per search (" + setting::walkers.range_text() + ")"},
      {"search.walk_ttl", setting::walk_ttl.default_value,
       "random-walk: hops one walker travels at most (" + setting::walk_ttl.range_text() + ")"},
      {"search.check_every", setting::check_every.default_value,
       "random-walk: hops between a walker's checks with the origin (" + setting::check_every.range_text() + ", 0: never)"},
      {"search.ring_start", setting::ring_start.default_value,
       "expanding-ring: TTL of the first ring (" + setting::ring_start.range_text() + ")"},
      {"search.ring_step", setting::ring_step.default_value,
       "expanding-ring: TTL added per ring (" + setting::ring_step.range_text() + ")"},
      {"search.ring_wait_ms", setting::ring_wait_ms.default_value,
       "expanding-ring: wait for a hit before the next ring, milliseconds"},
      {"search.seen_capacity", 4096, "query ids remembered for duplicate detection"},
      {"zones.placement", zone_placement_name(PeerConfig{}.zone_placement), "home-zone member choice: rendezvous or random"},
      {"zones.publish_replicas", PeerConfig{}.publish_replicas, "home-zone members that receive each index record"},
      {"zones.entry", zone_entry_name(PeerConfig{}.zone_entry),
       "rendezvous: record keeper a search contacts: top (the highest-scoring) or any-keeper (one of the "
       "zones.publish_replicas keepers, chosen per search)"},
      {"zones.record_ttl_ms", 600000,
       "lifetime of an index record kept for another node, milliseconds (0: never lapse, else 3000..86400000); "
       "holders republish every third of it"},
      {"chord.enabled", false, "also run a Chord node: join the ring, store shared files on it, answer chord searches"},
      {"chord.id_bits", 64, "bits of Chord ids (1..64); every node of a ring must use the same value"},
      {"chord.successors", 8, "successor-list length (1..32)"},
      {"chord.stabilize_ms", 1000, "mean period of stabilize, milliseconds (0: never)"},
      {"chord.fix_fingers_ms", 1000, "mean period of fix_fingers, milliseconds (0: never)"},
      {"chord.check_predecessor_ms", 1000, "mean period of check_predecessor, milliseconds (0: never)"},
      {"chord.rpc_timeout_ms", 500, "a Chord request unanswered this long is resent, then its target deemed dead (10..60000)"},
      {"chord.mode", "iterative", "how lookups travel: iterative or recursive"},
      {"chord.replication", true, "index records at the key's successor and its successors too"},
      {"chord.republish_ms", 30000, "re-store every shared file on the ring this often, milliseconds (0: never)"},
      {"chord.record_ttl_ms", 120000,
       "lifetime of an index record stored on this node, milliseconds (0: never lapse, else at least twice "
       "chord.republish_ms; ignored when chord.republish_ms is 0); lapsed records are dropped at each republication"},
      {"core.seed", 0, "seed of the protocol core's random stream (0: derived from the peer id)"},
      {"overlay.neighbours", json::array(), "fixed overlay neighbour ids (empty: computed from the tracker's directory)"},
      {"files.chunk_bytes", 1 << 20, "bytes per streamed chunk (4096..4194304)"},
      {"files.upload_rate_bytes_per_s", 0, "limit on bytes served per second per transfer (0: unlimited)"},
      {"files.store_bytes_max", 1ull << 30, "largest file accepted by Store uploads, bytes"},
      {"files.store_quota_bytes", 4ull << 30, "bytes of Store uploads accepted from one peer in total"},
      {"files.store_uploads_max", 8, "Store uploads received at once (1..1024); more are refused with RESOURCE_EXHAUSTED"},
      {"files.store_deadline_ms", 600000, "a Store upload must finish within this, milliseconds"},
      {"files.store_idle_ms", 30000, "a Store upload that sends nothing for this long is abandoned and its name released, milliseconds"},
      {"rest.token", "", "API token every REST request but health checks must send as 'Authorization: Bearer TOKEN' "
                         "(empty: read DATA_DIR/api-token, created with a random token on first start)"},
      {"rest.allowed_hosts", "", "comma-separated extra host names accepted in Host/Origin headers "
                                 "(loopback names, rest.bind and node.host are always accepted)"},
      {"rest.workers", 8, "threads running REST requests (1..256)"},
      {"rest.queue_max", 64, "REST requests waiting for a worker before 503 (0..100000)"},
      {"rest.connections_max", 256, "open REST connections; more are closed at once (1..100000)"},
      {"rest.read_timeout_ms", 10000, "a REST request must arrive whole within this, milliseconds"},
      {"rest.idle_timeout_ms", 30000, "idle keep-alive REST connections are closed after this, milliseconds"},
      {"limits.walk_ttl_max", 1024, "longest random walk accepted (1..65535): longer walkers are cut to it; search.walk_ttl may not exceed it"},
      {"limits.parked_walks_max", 4096, "walkers waiting here for their origin's answer at once (1..1000000)"},
      {"limits.messages_per_s", 500, "protocol messages (Deliver/Chord calls) accepted per second from one peer"},
      {"limits.messages_burst", 1000, "token-bucket depth of limits.messages_per_s"},
      {"limits.searches_per_s", 50, "fresh query copies and walkers accepted per second from one peer"},
      {"limits.searches_burst", 200, "token-bucket depth of limits.searches_per_s"},
      {"limits.deliver_queue_max", 4096, "messages waiting for the protocol thread; more are refused with RESOURCE_EXHAUSTED"},
      {"limits.outbound_calls_max", 4096, "protocol messages in flight to other peers; more are dropped and counted"},
      {"limits.grpc_threads_max", 128, "threads of the gRPC server (8..4096); calls beyond get RESOURCE_EXHAUSTED"},
      {"limits.grpc_streams_max", 32, "concurrent gRPC calls on one connection (1..10000)"},
      {"limits.grpc_handshake_ms", 10000, "a new gRPC connection must finish its handshake within this, milliseconds"},
      {"limits.grpc_idle_ms", 300000, "gRPC connections without calls this long are closed, milliseconds"},
      {"limits.listener_probe_ms", 5000, "probe the own gRPC listener through a fresh connection this often and restart it "
                                         "when it stops accepting, milliseconds (0: never)"},
      {"limits.open_files", 65536, "file-descriptor limit (RLIMIT_NOFILE) raised to at start, as far as the hard limit allows"},
      {"amqp.enabled", false, "publish events to RabbitMQ"},
      {"amqp.url", "amqp://guest:guest@127.0.0.1:5672/", "AMQP broker URL"},
      {"amqp.exchange", "zonal.events", "topic exchange the events go to"},
      {"amqp.queue", "file_notifications", "durable queue declared on connect and bound to file.* and download.* (empty: none)"},
      {"amqp.outbox_max", 100000, "events that may wait in data_dir/outbox for a broker confirm; when full, work that would emit events is refused (1..10000000)"},
      {"dummy.files", 0, "generate this many dummy files in the shared directory at start (demo mode)"},
      {"dummy.bytes", 1 << 20, "size of each dummy file"},
      {"log.level", "info", "trace, debug, info, warn, error or off"},
  };
  for (auto& k : tls_schema()) schema.push_back(std::move(k));
  return schema;
}

namespace {

constexpr std::uint64_t node_search_wait_ms_max = 600'000;  ///< 10 minutes

/// A duration key in milliseconds, checked against [lo, hi], in the core's microseconds.
TimeUs millis(const Settings& s, const std::string& key, std::uint64_t lo, std::uint64_t hi) {
  return us_from_ms(static_cast<double>(s.get_uint(key, lo, hi)));
}

/// The search.* key of the protocol setting `u`, checked against the core's range.
std::uint64_t search_uint(const Settings& s, const UintSetting& u) {
  return s.get_uint("search." + std::string(u.key), u.min, u.max);
}

/// Names of `list` (strategy, placement or entry values) for Settings::get_choice().
template <class T, std::size_t N, class NameFn>
std::vector<std::string> names_of(const std::array<T, N>& list, NameFn name) {
  std::vector<std::string> out;
  for (T v : list) out.emplace_back(name(v));
  return out;
}

void parse_chord(const Settings& s, NodeConfig& c) {
  NodeChordConfig& n = c.chord;
  n.enabled = s.get_bool("chord.enabled");
  n.core.id_bits = static_cast<std::uint8_t>(s.get_uint("chord.id_bits", 1, chord_id_bits_max));
  n.core.successors = static_cast<std::uint8_t>(s.get_uint("chord.successors", 1, chord_successors_limit));
  n.core.stabilize_interval_us = millis(s, "chord.stabilize_ms", 0, 3'600'000);
  n.core.fix_fingers_interval_us = millis(s, "chord.fix_fingers_ms", 0, 3'600'000);
  n.core.check_predecessor_interval_us = millis(s, "chord.check_predecessor_ms", 0, 3'600'000);
  n.core.rpc_timeout_us = millis(s, "chord.rpc_timeout_ms", 10, 60'000);
  n.core.default_mode = s.get_choice("chord.mode", {"iterative", "recursive"}) == "recursive" ? ChordLookupMode::recursive
                                                                                             : ChordLookupMode::iterative;
  n.core.replication = s.get_bool("chord.replication");
  n.republish_us = millis(s, "chord.republish_ms", 0, 86'400'000);
  n.core.record_ttl_us = millis(s, "chord.record_ttl_ms", 0, 86'400'000);
  if (n.republish_us == 0) n.core.record_ttl_us = 0;  // nothing renews records: they must not lapse
  if (n.core.record_ttl_us > 0 && n.core.record_ttl_us < 2 * n.republish_us)
    s.fail("chord.record_ttl_ms", "must be 0 (never) or at least twice chord.republish_ms (holders renew their records that often)");
}

/// "a, b,c" -> {"a", "b", "c"}; empty items are skipped.
std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = std::min(text.find(',', start), text.size());
    std::string item = text.substr(start, comma - start);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (!item.empty()) out.push_back(item);
    start = comma + 1;
  }
  return out;
}

void parse_limits(const Settings& s, NodeConfig& c) {
  NodeRestConfig& r = c.rest;
  r.token = s.get_string("rest.token", true);
  r.allowed_hosts = split_list(s.get_string("rest.allowed_hosts", true));
  for (const auto& h : r.allowed_hosts)
    if (h.find_first_of(" /\\@") != std::string::npos) s.fail("rest.allowed_hosts", "\"" + h + "\" is not a host name");
  r.workers = static_cast<std::uint32_t>(s.get_uint("rest.workers", 1, 256));
  r.queue_max = static_cast<std::uint32_t>(s.get_uint("rest.queue_max", 0, 100'000));
  r.connections_max = static_cast<std::uint32_t>(s.get_uint("rest.connections_max", 1, 100'000));
  r.read_timeout_ms = static_cast<std::uint32_t>(s.get_uint("rest.read_timeout_ms", 10, 3'600'000));
  r.idle_timeout_ms = static_cast<std::uint32_t>(s.get_uint("rest.idle_timeout_ms", 10, 3'600'000));
  c.peer.walk_ttl_hops_max =
      static_cast<std::uint16_t>(s.get_uint("limits.walk_ttl_max", setting::walk_ttl.min, setting::walk_ttl.max));
  c.peer.parked_walks_max = static_cast<std::uint32_t>(s.get_uint("limits.parked_walks_max", 1, 1'000'000));
  if (c.search.walk_ttl_hops > c.peer.walk_ttl_hops_max)
    s.fail("search.walk_ttl", std::to_string(c.search.walk_ttl_hops) + " exceeds limits.walk_ttl_max " +
                                  std::to_string(c.peer.walk_ttl_hops_max));
  NodeLimits& l = c.limits;
  l.messages_per_s = static_cast<double>(s.get_uint("limits.messages_per_s", 1, 10'000'000));
  l.messages_burst = static_cast<std::uint32_t>(s.get_uint("limits.messages_burst", 1, 10'000'000));
  l.searches_per_s = static_cast<double>(s.get_uint("limits.searches_per_s", 1, 10'000'000));
  l.searches_burst = static_cast<std::uint32_t>(s.get_uint("limits.searches_burst", 1, 10'000'000));
  l.deliver_queue_max = static_cast<std::uint32_t>(s.get_uint("limits.deliver_queue_max", 1, 10'000'000));
  l.outbound_calls_max = static_cast<std::uint32_t>(s.get_uint("limits.outbound_calls_max", 1, 10'000'000));
  l.grpc_threads_max = static_cast<std::uint32_t>(s.get_uint("limits.grpc_threads_max", 8, 4096));
  l.grpc_streams_max = static_cast<std::uint32_t>(s.get_uint("limits.grpc_streams_max", 1, 10'000));
  l.grpc_handshake_ms = static_cast<std::uint32_t>(s.get_uint("limits.grpc_handshake_ms", 100, 600'000));
  l.grpc_idle_ms = static_cast<std::uint32_t>(s.get_uint("limits.grpc_idle_ms", 1000, 86'400'000));
  l.listener_probe_ms = static_cast<std::uint32_t>(s.get_uint("limits.listener_probe_ms", 0, 3'600'000));
  l.open_files = s.get_uint("limits.open_files", 64, 1ull << 24);
  l.store_quota_bytes = s.get_uint("files.store_quota_bytes", 0, ~0ull);
  l.store_uploads_max = static_cast<std::uint32_t>(s.get_uint("files.store_uploads_max", 1, 1024));
  l.store_deadline_ms = static_cast<std::uint32_t>(s.get_uint("files.store_deadline_ms", 100, 86'400'000));
  l.store_idle_ms = static_cast<std::uint32_t>(s.get_uint("files.store_idle_ms", 100, 86'400'000));
}

}  // namespace

NodeConfig parse_node_config(const Settings& s) {
  NodeConfig c;
  if (const std::string id = s.get_string("node.id", true); !id.empty()) {
    const auto n = std::strtoull(id.c_str(), nullptr, 10);
    if (id.find_first_not_of("0123456789") != std::string::npos || n >= 0xFFFFFFFFull)
      s.fail("node.id", "must be a peer id below 4294967295, got \"" + id + "\"");
    c.requested_id = static_cast<std::uint32_t>(n);
  }
  c.tls = parse_tls_config(s);
  if (c.tls.enabled()) {  // the certificate decides the id (identity_name.hpp)
    const auto cert_id = peer_id_of_identity(c.tls.identity);
    if (!cert_id) s.fail("tls.cert", "names \"" + c.tls.identity + "\", not a node (node-<id>)");
    if (c.requested_id && *c.requested_id != *cert_id)
      s.fail("node.id", "is " + std::to_string(*c.requested_id) + " but tls.cert names " + c.tls.identity);
    c.requested_id = cert_id;
  }
  c.advertise_host = s.get_string("node.host");
  c.grpc_bind = s.get_string("grpc.bind");
  c.grpc_port = static_cast<std::uint16_t>(s.get_uint("grpc.port", 0, 65535));
  c.rest_bind = s.get_string("rest.bind");
  c.rest_port = static_cast<std::uint16_t>(s.get_uint("rest.port", 0, 65535));
  c.client_bind = s.get_string("client.bind");
  c.client_port = static_cast<std::uint16_t>(s.get_uint("client.port", 0, 65535));
  c.data_dir = s.get_string("data_dir");
  c.tracker_address = s.get_string("tracker.address");
  c.rpc_timeout_ms = static_cast<std::uint32_t>(s.get_uint("rpc.timeout_ms", 10, 600'000));
  c.net_latency_ms = static_cast<std::uint32_t>(s.get_uint("net.latency_ms", 0, 10'000));
  c.strategy = *parse_strategy(s.get_choice("search.strategy", names_of(all_strategies, strategy_name)));
  c.ttl_hops = static_cast<std::uint8_t>(search_uint(s, setting::ttl));
  c.search.walkers = static_cast<std::uint16_t>(search_uint(s, setting::walkers));
  c.search.walk_ttl_hops = static_cast<std::uint16_t>(search_uint(s, setting::walk_ttl));
  c.search.walk_check_every = static_cast<std::uint8_t>(search_uint(s, setting::check_every));
  c.search.ring_ttl_start = static_cast<std::uint8_t>(search_uint(s, setting::ring_start));
  c.search.ring_ttl_step = static_cast<std::uint8_t>(search_uint(s, setting::ring_step));
  // A node holds each search's session in memory: its waits are bounded tighter than the core's day.
  c.search.ring_wait_us = millis(s, "search.ring_wait_ms", 1, node_search_wait_ms_max);
  c.peer.query_timeout_us = millis(s, "search.timeout_ms", 10, node_search_wait_ms_max);
  c.peer.seen_capacity = static_cast<std::uint32_t>(search_uint(s, setting::seen_capacity));
  c.peer.zone_placement = *parse_zone_placement(s.get_choice("zones.placement", {"rendezvous", "random"}));
  c.peer.zone_entry = *parse_zone_entry(s.get_choice("zones.entry", {"top", "any-keeper"}));
  // Each replica costs a Publish per shared file on every start: a node allows at most 64.
  c.peer.publish_replicas =
      static_cast<std::uint32_t>(s.get_uint("zones.publish_replicas", setting::publish_replicas.min, 64));
  c.peer.record_ttl_us = millis(s, "zones.record_ttl_ms", 0, 86'400'000);
  if (c.peer.record_ttl_us > 0 && c.peer.record_ttl_us < 3'000'000) s.fail("zones.record_ttl_ms", "must be 0 (never) or at least 3000");
  parse_chord(s, c);
  if (c.strategy == Strategy::chord && !c.chord.enabled) s.fail("search.strategy", "chord needs chord.enabled true");
  c.core_seed = s.get_uint("core.seed", 0, ~0ull);
  c.overlay_neighbours = s.get_ids("overlay.neighbours");
  c.chunk_bytes = static_cast<std::uint32_t>(s.get_uint("files.chunk_bytes", 4096, 4 << 20));
  c.upload_rate_bytes_per_s = s.get_uint("files.upload_rate_bytes_per_s", 0, ~0ull);
  c.store_bytes_max = s.get_uint("files.store_bytes_max", 0, ~0ull);
  parse_limits(s, c);
  c.amqp_enabled = s.get_bool("amqp.enabled");
  c.amqp_url = s.get_string("amqp.url");
  c.amqp_exchange = s.get_string("amqp.exchange");
  c.amqp_queue = s.get_string("amqp.queue", true);
  c.amqp_outbox_max = s.get_uint("amqp.outbox_max", 1, 10'000'000);
  c.dummy_files = static_cast<std::uint32_t>(s.get_uint("dummy.files", 0, 100'000));
  c.dummy_bytes = s.get_uint("dummy.bytes", 0, 1ull << 40);
  c.log_level = s.get_choice("log.level", {"trace", "debug", "info", "warn", "error", "off"});
  return c;
}

}  // namespace zonal::node
