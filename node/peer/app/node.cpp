#include "node.hpp"

#include <spdlog/spdlog.h>

#include <csignal>
#include <unistd.h>

#include <algorithm>

#include "amqp_publisher.hpp"
#include "api_routes.hpp"
#include "dummy_files.hpp"
#include "identity_name.hpp"
#include "log_sink.hpp"
#include "ready.hpp"
#include "zonal/hash.hpp"

namespace zonal::node {
namespace {

std::unique_ptr<EventFeed> make_events(const NodeConfig& c) {
  if (!c.amqp_enabled) return std::make_unique<EventFeed>(std::make_unique<LogSink>());
  AmqpOptions o;
  o.url = parse_amqp_url(c.amqp_url);
  o.exchange = c.amqp_exchange;
  o.queue = c.amqp_queue;
  o.outbox_dir = c.outbox_dir();
  o.outbox_max = c.amqp_outbox_max;
  return std::make_unique<EventFeed>(std::make_unique<AmqpPublisher>(std::move(o)));
}

}  // namespace

Node::Node(NodeConfig config)
    : m_config(std::move(config)), m_events(make_events(m_config)), m_files(m_config.shared_dir(), m_config.partial_dir()) {
  m_server = std::make_unique<PeerServer>(m_config, m_files, *m_events, m_metrics, m_book);
  m_address = m_config.advertise_host + ":" + std::to_string(m_server->port());
  m_session = std::make_unique<TrackerSession>(m_config, m_address, m_book, *m_events);
  auto hosts = m_config.rest.allowed_hosts;
  hosts.push_back(m_config.rest_bind);
  hosts.push_back(m_config.advertise_host);
  m_auth = std::make_unique<ApiAuth>(load_or_create_api_token(m_config.data_dir, m_config.rest.token), default_allowed_hosts(hosts));
}

HttpResponse Node::serve(const HttpRequest& request) {
  if (auto refused = m_auth->check(request)) return *refused;
  return handle_api(*this, request);
}

void Node::interrupt() { m_session->interrupt(); }

Node::~Node() { stop(); }

std::uint64_t Node::core_seed(PeerId id) const {
  return m_config.core_seed != 0 ? m_config.core_seed : mix64(0x7a6f6e616cull ^ id);
}

bool Node::start() {
  if (m_config.dummy_files > 0) {
    const std::string tag = m_config.requested_id ? std::to_string(*m_config.requested_id) : std::to_string(::getpid());
    make_dummy_files(m_config.shared_dir(), tag, m_config.dummy_files, m_config.dummy_bytes);
  }
  const auto shared = m_files.scan();
  m_query_ids = std::make_unique<QueryCounterStore>(m_config.data_dir / "query-counter");
  const auto id = m_session->register_blocking();
  if (!id) return false;
  m_id = *id;
  m_ids = std::make_unique<QueryIdAllocator>(m_id, m_query_ids->start(), [this](std::uint32_t last) {
    try {
      m_query_ids->note_used(last);
    } catch (const std::exception& e) {  // the search still runs; a restart might reuse ids
      spdlog::error("cannot reserve query ids: {}", e.what());
    }
  });
  m_transport = std::make_unique<DeliverClient>(m_id, m_book, m_config.rpc_timeout_ms, m_config.tls, m_config.limits.outbound_calls_max,
                                                &m_metrics);
  m_runtime = std::make_unique<PeerRuntime>(m_id, m_config.peer, core_seed(m_id), *m_transport, *m_events, *m_ids);
  m_runtime->set_send_delay(std::chrono::milliseconds(m_config.net_latency_ms));
  m_server->attach(*m_runtime, m_id);
  if (m_config.limits.listener_probe_ms > 0)
    m_server->watch(std::chrono::milliseconds(m_config.limits.listener_probe_ms), node_identity_name(m_id), [this] {
      m_listener_lost = true;  // unreachable: leave the tracker (stop() on SIGTERM) rather than stay a registered zombie
      ::kill(::getpid(), SIGTERM);
    });
  m_transport->set_unknown_handler([this] { m_session->request_refresh(); });
  m_session->set_installed_handler([this] {
    m_transport->retry_waiting();
    RuntimeState s = m_runtime->state();  // the neighbour tables of the directory just installed
    s.overlay.insert(s.overlay.end(), s.zone_links.begin(), s.zone_links.end());
    m_transport->connect(s.overlay);
  });
  m_session->run(*m_runtime);
  if (m_config.chord.enabled) start_chord();
  for (const auto& f : shared) {
    share_key(f.key);
    m_events->publish("file.shared", {{"peer_id", m_id}, {"name", f.name}, {"size", f.size}, {"sha256", to_hex(f.sha256)}, {"origin", "scan"}});
  }
  register_gauges();
  const NodeRestConfig& r = m_config.rest;
  m_rest = std::make_unique<HttpServer>(
      m_config.rest_bind, m_config.rest_port, [this](const HttpRequest& req) { return serve(req); },
      HttpServerLimits{r.workers, r.queue_max, r.connections_max, r.read_timeout_ms, r.idle_timeout_ms});
  m_client = std::make_unique<ClientServer>(*this, *m_auth, m_config.client_bind, m_config.client_port, m_metrics);
  spdlog::info("peer {} serving gRPC on {}, REST on {}:{} and the Client service on {}:{}, sharing {} files from {}", m_id,
               m_address, m_config.rest_bind, m_rest->port(), m_config.client_bind, m_client->port(), shared.size(),
               m_config.shared_dir().string());
  announce_ready({{"event", "ready"}, {"role", "node"}, {"id", m_id}, {"grpc_port", m_server->port()},
                  {"rest_port", m_rest->port()}, {"client_port", m_client->port()}, {"pid", ::getpid()}},
                 m_config.data_dir);
  return true;
}

void Node::stop() {
  if (m_id != no_peer && !m_left) {
    m_left = true;
    m_events->publish("node.left", {{"peer_id", m_id}, {"address", m_address}});
  }
  m_events->wake_all();
  if (m_rest) m_rest->stop();
  if (m_client) m_client->shutdown();
  if (m_chord) m_chord->leave(std::chrono::milliseconds(1000));
  if (m_session) m_session->stop_and_leave();
  if (m_runtime) m_runtime->stop();
  if (m_chord) m_chord->stop();
  if (m_server) m_server->shutdown();
  if (m_transport) m_transport->drain_calls();
}

void Node::share_key(FileKey key) {
  runtime().share(key);
  if (m_chord) m_chord->store(key);
}

void Node::register_gauges() {
  m_registry.gauge_fn("zonal_peers_known", "Peers in the address book (from the tracker's directory)",
                      [this] { return static_cast<double>(m_book.all().size()); });
  m_registry.gauge_fn("zonal_zone_size", "Members of this node's zone (0 before the first directory)", [this] {
    const auto dir = m_session->directory();
    for (ZoneId z = 0; dir && z < dir->zone_count(); ++z) {
      const auto m = dir->members(z);
      if (std::find(m.begin(), m.end(), m_id) != m.end()) return static_cast<double>(m.size());
    }
    return 0.0;
  });
  m_registry.gauge_fn("zonal_uploads_active", "Fetch streams being served now",
                      [this] { return static_cast<double>(m_server->uploads_active()); });
  m_registry.gauge_fn("zonal_registered", "1 while registered with the tracker",
                      [this] { return m_session->status().registered ? 1.0 : 0.0; });
  m_registry.gauge_fn("zonal_event_outbox_max", "Size bound of the event outbox (amqp.outbox_max; 0: AMQP off)",
                      [this] { return static_cast<double>(m_events->stats().outbox_max); });
  m_registry.gauge_fn("zonal_events_published", "Events confirmed by the broker (or logged) since start",
                      [this] { return static_cast<double>(m_events->stats().published); });
  m_registry.gauge_fn("zonal_events_refused", "Events refused since start because the outbox was full or unwritable",
                      [this] { return static_cast<double>(m_events->stats().refused); });
}

PeerRuntime& Node::runtime() {
  if (!m_runtime) throw ApiError(503, "node is not registered yet");
  return *m_runtime;
}

}  // namespace zonal::node
