#include "tracker_session.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <utility>

#include "grpc_options.hpp"
#include "identity_name.hpp"
#include "zonal.grpc.pb.h"
#include "zonal/zone_links.hpp"

namespace zonal::node {

struct TrackerSession::Impl {
  const NodeConfig& config;
  std::string self_address;
  AddressBook& book;
  EventSink& events;
  std::unique_ptr<wire::Tracker::Stub> stub;
  PeerRuntime* runtime = nullptr;
  std::thread thread;
  mutable std::mutex mutex;
  std::condition_variable wake;
  bool stopping = false;
  bool left = false;
  std::optional<PeerId> id;
  std::chrono::milliseconds heartbeat{1000};
  std::uint32_t zone_degree = 4;
  SessionStatus status;
  std::shared_ptr<const ZoneDirectory> directory;
  bool tracker_down_logged = false;
  bool refresh_now = false;
  ZoneAssignment assignment;  ///< from the last RegisterReply
  std::function<void()> on_installed;

  Impl(const NodeConfig& c, std::string addr, AddressBook& b, EventSink& e)
      : config(c), self_address(std::move(addr)), book(b), events(e), stub(wire::Tracker::NewStub(make_channel(c.tracker_address, c.tls, std::string(tracker_identity_name)))) {}

  /// Sleep `d` unless stopping; false when stopping.
  bool sleep(std::chrono::milliseconds d) {
    std::unique_lock lock(mutex);
    wake.wait_for(lock, d, [this] { return stopping || refresh_now; });
    return !stopping;
  }

  bool try_register();
  bool refresh_directory();
  void install(const wire::ZoneDirectoryReply& reply);
  void heartbeat_once(bool force_refresh);
  void loop();
  void log_down(const grpc::Status& s) {
    if (!tracker_down_logged) spdlog::warn("tracker {} unreachable: {}", config.tracker_address, s.error_message());
    tracker_down_logged = true;
  }
};

bool TrackerSession::Impl::try_register() {
  wire::RegisterRequest req;
  req.set_address(self_address);
  if (id) {
    req.set_peer_id(*id);
  } else if (config.requested_id) {
    req.set_peer_id(*config.requested_id);
  }
  wire::RegisterReply reply;
  grpc::ClientContext ctx;
  set_deadline(ctx, config.rpc_timeout_ms);
  const grpc::Status s = stub->Register(&ctx, req, &reply);
  if (!s.ok()) {
    log_down(s);
    return false;
  }
  tracker_down_logged = false;
  const auto assigned = static_cast<PeerId>(reply.peer_id());
  if (id && *id != assigned) spdlog::warn("tracker gave id {} instead of {}", assigned, *id);
  if (!id) id = assigned;  // the runtime keeps its first id; a different one would need a restart
  heartbeat = std::chrono::milliseconds(std::max<std::uint64_t>(10, reply.heartbeat_interval_us() / 1000));
  {
    std::lock_guard lock(mutex);
    status.registered = true;
    ++status.registrations;
    status.epoch = 0;  // force a directory refresh: a restarted tracker counts epochs anew
  }
  assignment = ZoneAssignment{static_cast<ZoneId>(reply.zone()), reply.zone_count(), reply.epoch()};
  if (runtime) runtime->assign_zone(assignment);
  spdlog::info("registered with tracker {} as peer {} (zone {} of {})", config.tracker_address, *id, reply.zone(), reply.zone_count());
  events.publish("node.registered", {{"peer_id", *id}, {"address", self_address}, {"zone", reply.zone()}});
  return true;
}

void TrackerSession::Impl::install(const wire::ZoneDirectoryReply& reply) {
  std::vector<std::vector<PeerId>> zones(reply.zone_count());
  std::map<PeerId, std::string> addresses;
  for (const auto& z : reply.zones()) {
    if (z.zone() >= zones.size()) continue;
    for (const auto& m : z.members()) {
      if (m.peer_id() > 0xFFFFFFFDull) continue;
      zones[z.zone()].push_back(static_cast<PeerId>(m.peer_id()));
      addresses[static_cast<PeerId>(m.peer_id())] = m.address();
    }
  }
  for (auto& z : zones) std::sort(z.begin(), z.end());
  auto dir = std::make_shared<const ZoneDirectory>(std::move(zones), reply.epoch(), reply.links_seed());
  zone_degree = std::max<std::uint32_t>(1, reply.zone_degree());
  auto zone_links = zone_neighbours_of(*id, *dir, zone_degree);
  auto overlay = config.overlay_neighbours.empty() ? overlay_neighbours_of(*id, *dir, std::max<std::uint32_t>(1, reply.overlay_degree()))
                                                   : config.overlay_neighbours;
  book.replace(std::move(addresses));
  {
    std::lock_guard lock(mutex);
    directory = dir;
    status.epoch = reply.epoch();
    status.zone_count = reply.zone_count();
  }
  spdlog::debug("directory epoch {}: {} zones, overlay {} links, zone {} links", reply.epoch(), reply.zone_count(),
                overlay.size(), zone_links.size());
  runtime->install_directory(std::move(dir), std::move(overlay), std::move(zone_links));
  if (on_installed) on_installed();
}

bool TrackerSession::Impl::refresh_directory() {
  wire::ZoneDirectoryReply reply;
  grpc::ClientContext ctx;
  set_deadline(ctx, config.rpc_timeout_ms);
  const grpc::Status s = stub->ListZones(&ctx, wire::ListZonesRequest{}, &reply);
  if (!s.ok()) {
    log_down(s);
    return false;
  }
  install(reply);
  return true;
}

void TrackerSession::Impl::heartbeat_once(bool force_refresh) {
  wire::HeartbeatRequest req;
  req.set_peer_id(*id);
  wire::HeartbeatReply reply;
  grpc::ClientContext ctx;
  set_deadline(ctx, config.rpc_timeout_ms);
  const grpc::Status s = stub->Heartbeat(&ctx, req, &reply);
  if (!s.ok()) return log_down(s);
  if (tracker_down_logged) spdlog::info("tracker {} reachable again", config.tracker_address);
  tracker_down_logged = false;
  if (!reply.known()) {
    spdlog::info("tracker forgot peer {}: registering again", *id);
    if (!try_register()) return;
  } else {
    runtime->assign_zone(ZoneAssignment{static_cast<ZoneId>(reply.zone()), reply.zone_count(), reply.epoch()});
    std::lock_guard lock(mutex);
    if (reply.epoch() == status.epoch && !force_refresh) return;
  }
  refresh_directory();
}

void TrackerSession::Impl::loop() {
  while (sleep(heartbeat)) {
    bool forced = false;
    {
      std::lock_guard lock(mutex);
      forced = std::exchange(refresh_now, false);
    }
    heartbeat_once(forced);
  }
}

TrackerSession::TrackerSession(const NodeConfig& config, std::string self_address, AddressBook& book, EventSink& events)
    : m_impl(std::make_unique<Impl>(config, std::move(self_address), book, events)) {}

TrackerSession::~TrackerSession() { stop_and_leave(); }

std::optional<PeerId> TrackerSession::register_blocking() {
  auto backoff = std::chrono::milliseconds(100);
  while (!m_impl->try_register()) {
    if (!m_impl->sleep(backoff)) return std::nullopt;
    backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
  }
  return m_impl->id;
}

void TrackerSession::run(PeerRuntime& runtime) {
  m_impl->runtime = &runtime;
  runtime.assign_zone(m_impl->assignment);  // the runtime did not exist at the first registration
  m_impl->refresh_directory();
  m_impl->thread = std::thread([impl = m_impl.get()] { impl->loop(); });
}

void TrackerSession::request_refresh() {
  {
    std::lock_guard lock(m_impl->mutex);
    m_impl->refresh_now = true;
  }
  m_impl->wake.notify_all();
}

void TrackerSession::set_installed_handler(std::function<void()> handler) { m_impl->on_installed = std::move(handler); }

void TrackerSession::interrupt() {
  {
    std::lock_guard lock(m_impl->mutex);
    m_impl->stopping = true;
  }
  m_impl->wake.notify_all();
}

void TrackerSession::stop_and_leave() {
  {
    std::lock_guard lock(m_impl->mutex);
    if (m_impl->left) return;
    m_impl->left = true;
    m_impl->stopping = true;
  }
  m_impl->wake.notify_all();
  if (m_impl->thread.joinable()) m_impl->thread.join();
  if (!m_impl->id || !m_impl->status.registered) return;
  wire::LeaveRequest req;
  req.set_peer_id(*m_impl->id);
  wire::LeaveReply reply;
  grpc::ClientContext ctx;
  set_deadline(ctx, std::min<std::uint32_t>(m_impl->config.rpc_timeout_ms, 1000));
  const grpc::Status s = m_impl->stub->Leave(&ctx, req, &reply);
  spdlog::info("left tracker: {}", s.ok() ? "ok" : s.error_message());
}

SessionStatus TrackerSession::status() const {
  std::lock_guard lock(m_impl->mutex);
  return m_impl->status;
}

std::shared_ptr<const ZoneDirectory> TrackerSession::directory() const {
  std::lock_guard lock(m_impl->mutex);
  return m_impl->directory;
}

}  // namespace zonal::node
