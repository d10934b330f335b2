#include "tracker_server.hpp"

#include <spdlog/spdlog.h>

#include <stdexcept>

#include "grpc_code.hpp"
#include "grpc_options.hpp"
#include "zonal.grpc.pb.h"

namespace zonal::node {
namespace {

constexpr std::size_t address_bytes_max = 255;

grpc::Status invalid(const std::string& text) { return {grpc::StatusCode::INVALID_ARGUMENT, text}; }

/// host:port with a numeric port, at most 255 bytes.
std::optional<std::string> address_problem(const std::string& address) {
  if (address.empty()) return "address: must not be empty";
  if (address.size() > address_bytes_max) return "address: longer than 255 bytes";
  const auto colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == address.size() ||
      address.find_first_not_of("0123456789", colon + 1) != std::string::npos)
    return "address: must be host:port, got \"" + address + "\"";
  return std::nullopt;
}

std::optional<std::string> peer_id_problem(std::uint64_t id) {
  if (id > peer_id_max) return "peer_id: " + std::to_string(id) + " exceeds maximum " + std::to_string(peer_id_max);
  return std::nullopt;
}

void fill_members(std::span<const PeerId> members, const RegistrySnapshot& snap,
                  google::protobuf::RepeatedPtrField<wire::PeerEntry>* out) {
  for (PeerId p : members) {
    auto* e = out->Add();
    e->set_peer_id(p);
    if (auto it = snap.addresses.find(p); it != snap.addresses.end()) e->set_address(it->second);
  }
}

class TrackerService final : public wire::Tracker::Service {
 public:
  TrackerService(const TrackerOptions& o, Registry& r, const MonotonicClock& c, MetricsRegistry& m)
      : m_requests(m.counter("zonal_tracker_requests_total", "Tracker gRPC calls by method", {"method"})),
        m_errors(m.counter("zonal_grpc_errors_total", "gRPC calls that ended with a non-OK status", {"side", "method", "code"})),
        m_options(o), m_registry(r), m_clock(c) {}

  grpc::Status register_impl(const wire::RegisterRequest* req, wire::RegisterReply* reply) {
    if (auto p = address_problem(req->address())) return invalid(*p);
    if (req->has_peer_id())
      if (auto p = peer_id_problem(req->peer_id())) return invalid(*p);
    std::optional<PeerId> requested;
    if (req->has_peer_id()) requested = static_cast<PeerId>(req->peer_id());
    const Admission a = m_registry.register_peer(m_clock.now_us(), req->address(), requested);
    spdlog::info("registered peer {} at {} (zone {} of {})", a.id, req->address(), a.zone, a.zone_count);
    reply->set_peer_id(a.id);
    reply->set_tracker_id(0xFFFFFFFEu);
    reply->set_zone(a.zone);
    reply->set_zone_count(a.zone_count);
    reply->set_epoch(a.epoch);
    reply->set_heartbeat_interval_us(std::uint64_t{m_options.heartbeat_ms} * 1000);
    return grpc::Status::OK;
  }

  grpc::Status heartbeat_impl(const wire::HeartbeatRequest* req, wire::HeartbeatReply* reply) {
    if (auto p = peer_id_problem(req->peer_id())) return invalid(*p);
    const auto a = m_registry.heartbeat(m_clock.now_us(), static_cast<PeerId>(req->peer_id()));
    reply->set_known(a.has_value());
    if (a) {
      reply->set_zone(a->zone);
      reply->set_zone_count(a->zone_count);
      reply->set_epoch(a->epoch);
    }
    return grpc::Status::OK;
  }

  grpc::Status leave_impl(const wire::LeaveRequest* req, wire::LeaveReply* reply) {
    if (auto p = peer_id_problem(req->peer_id())) return invalid(*p);
    reply->set_known(m_registry.leave(static_cast<PeerId>(req->peer_id())));
    spdlog::info("peer {} left", req->peer_id());
    return grpc::Status::OK;
  }

  grpc::Status list_zones_impl(wire::ZoneDirectoryReply* reply) {
    const RegistrySnapshot snap = m_registry.snapshot();
    const auto& dir = *snap.directory;
    reply->set_zone_count(dir.zone_count());
    reply->set_epoch(dir.epoch());
    reply->set_links_seed(dir.links_seed());
    reply->set_zone_degree(m_options.zone_degree);
    reply->set_overlay_degree(m_options.overlay_degree);
    for (ZoneId z = 0; z < dir.zone_count(); ++z) {
      auto* zone = reply->add_zones();
      zone->set_zone(z);
      fill_members(dir.members(z), snap, zone->mutable_members());
    }
    return grpc::Status::OK;
  }

  grpc::Status zone_members_impl(const wire::ZoneMembersRequest* req, wire::ZoneMembersReply* reply) {
    const RegistrySnapshot snap = m_registry.snapshot();
    const auto& dir = *snap.directory;
    if (req->zone() >= dir.zone_count())
      return {grpc::StatusCode::NOT_FOUND, "zone: " + std::to_string(req->zone()) + " does not exist (zone_count " +
                                               std::to_string(dir.zone_count()) + ")"};
    reply->set_zone(req->zone());
    reply->set_zone_count(dir.zone_count());
    reply->set_epoch(dir.epoch());
    fill_members(dir.members(static_cast<ZoneId>(req->zone())), snap, reply->mutable_members());
    return grpc::Status::OK;
  }

  // The service's methods: each call is counted, and each non-OK status by its code.
  grpc::Status Register(grpc::ServerContext*, const wire::RegisterRequest* req, wire::RegisterReply* reply) override {
    return counted("Tracker/Register", register_impl(req, reply));
  }
  grpc::Status Heartbeat(grpc::ServerContext*, const wire::HeartbeatRequest* req, wire::HeartbeatReply* reply) override {
    return counted("Tracker/Heartbeat", heartbeat_impl(req, reply));
  }
  grpc::Status Leave(grpc::ServerContext*, const wire::LeaveRequest* req, wire::LeaveReply* reply) override {
    return counted("Tracker/Leave", leave_impl(req, reply));
  }
  grpc::Status ListZones(grpc::ServerContext*, const wire::ListZonesRequest*, wire::ZoneDirectoryReply* reply) override {
    return counted("Tracker/ListZones", list_zones_impl(reply));
  }
  grpc::Status ZoneMembers(grpc::ServerContext*, const wire::ZoneMembersRequest* req, wire::ZoneMembersReply* reply) override {
    return counted("Tracker/ZoneMembers", zone_members_impl(req, reply));
  }

 private:
  grpc::Status counted(const char* method, grpc::Status status) {
    m_requests.with({method}).inc();
    if (!status.ok()) m_errors.with({"server", method, grpc_code_name(status.error_code())}).inc();
    return status;
  }

  Family<Counter>& m_requests;
  Family<Counter>& m_errors;
  const TrackerOptions& m_options;
  Registry& m_registry;
  const MonotonicClock& m_clock;
};

}  // namespace

struct TrackerServer::Impl {
  TrackerService service;
  std::unique_ptr<grpc::Server> server;
  int port = 0;
  Impl(const TrackerOptions& o, Registry& r, const MonotonicClock& c, MetricsRegistry& m) : service(o, r, c, m) {}
};

TrackerServer::TrackerServer(const TrackerOptions& options, Registry& registry, const MonotonicClock& clock,
                             MetricsRegistry& metrics)
    : m_impl(std::make_unique<Impl>(options, registry, clock, metrics)) {
  m_impl->server = start_server(m_impl->service, options.grpc_bind, options.grpc_port, m_impl->port);
}

TrackerServer::~TrackerServer() { shutdown(); }

std::uint16_t TrackerServer::port() const noexcept { return static_cast<std::uint16_t>(m_impl->port); }

void TrackerServer::shutdown() { stop_server(m_impl->server); }

}  // namespace zonal::node
