#include "tracker_server.hpp"

#include <spdlog/spdlog.h>

#include <stdexcept>

#include "address_check.hpp"
#include "grpc_code.hpp"
#include "grpc_options.hpp"
#include "peer_identity.hpp"
#include "zonal.grpc.pb.h"

namespace zonal::node {
namespace {

grpc::Status invalid(const std::string& text) { return {grpc::StatusCode::INVALID_ARGUMENT, text}; }

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

  grpc::Status register_impl(grpc::ServerContext* ctx, const wire::RegisterRequest* req, wire::RegisterReply* reply) {
    const Caller caller = caller_of(*ctx);
    if (auto denied = check_member(caller, "Register")) return *denied;
    if (auto p = address_problem(req->address())) return invalid(*p);
    if (req->has_peer_id()) {
      if (auto p = peer_id_problem(req->peer_id())) return invalid(*p);
      if (auto denied = check_acts_as(caller, req->peer_id(), "peer_id")) return *denied;
    }
    std::optional<PeerId> requested = caller.peer;  // over TLS: the certificate's id, always
    if (!requested && req->has_peer_id()) requested = static_cast<PeerId>(req->peer_id());
    const auto result = m_registry.register_peer(m_clock.now_us(), req->address(), host_of_grpc_peer(caller.address),
                                                 requested, caller.peer.has_value());
    if (const auto* refused = std::get_if<RegistryRefusal>(&result))
      return {grpc::StatusCode::RESOURCE_EXHAUSTED, refused->text};
    const Admission& a = std::get<Admission>(result);
    spdlog::info("registered peer {} at {} (zone {} of {})", a.id, req->address(), a.zone, a.zone_count);
    reply->set_peer_id(a.id);
    reply->set_tracker_id(tracker_peer_id);
    reply->set_zone(a.zone);
    reply->set_zone_count(a.zone_count);
    reply->set_epoch(a.epoch);
    reply->set_heartbeat_interval_us(std::uint64_t{m_options.heartbeat_ms} * 1000);
    return grpc::Status::OK;
  }

  grpc::Status heartbeat_impl(grpc::ServerContext* ctx, const wire::HeartbeatRequest* req, wire::HeartbeatReply* reply) {
    if (auto p = peer_id_problem(req->peer_id())) return invalid(*p);
    if (auto denied = check_acts_as(caller_of(*ctx), req->peer_id(), "peer_id")) return *denied;
    const auto a = m_registry.heartbeat(m_clock.now_us(), static_cast<PeerId>(req->peer_id()));
    reply->set_known(a.has_value());
    if (a) {
      reply->set_zone(a->zone);
      reply->set_zone_count(a->zone_count);
      reply->set_epoch(a->epoch);
    }
    return grpc::Status::OK;
  }

  grpc::Status leave_impl(grpc::ServerContext* ctx, const wire::LeaveRequest* req, wire::LeaveReply* reply) {
    if (auto p = peer_id_problem(req->peer_id())) return invalid(*p);
    if (auto denied = check_acts_as(caller_of(*ctx), req->peer_id(), "peer_id")) return *denied;
    reply->set_known(m_registry.leave(static_cast<PeerId>(req->peer_id())));
    spdlog::info("peer {} left", req->peer_id());
    return grpc::Status::OK;
  }

  grpc::Status list_zones_impl(grpc::ServerContext* ctx, wire::ZoneDirectoryReply* reply) {
    if (auto denied = check_member(caller_of(*ctx), "ListZones")) return *denied;
    const RegistrySnapshot snap = m_registry.snapshot();
    const auto& dir = *snap.directory;
    reply->set_zone_count(dir.zone_count());
    reply->set_epoch(snap.epoch);
    reply->set_links_seed(dir.links_seed());
    reply->set_zone_degree(m_options.zone_degree);
    reply->set_overlay_degree(m_options.overlay_degree);
    for (ZoneId z = 0; z < dir.zone_count(); ++z) {
      auto* zone = reply->add_zones();
      zone->set_zone(z);
      fill_members(dir.members(z), snap, zone->mutable_members());
    }
    // limits.peers_max keeps the reply below the cap (tracker_config.cpp); this guards the arithmetic.
    if (reply->ByteSizeLong() > static_cast<std::size_t>(grpc_message_bytes_max))
      return {grpc::StatusCode::RESOURCE_EXHAUSTED, "directory of " + std::to_string(snap.addresses.size()) +
                                                        " peers exceeds the gRPC message cap; lower limits.peers_max"};
    return grpc::Status::OK;
  }

  grpc::Status zone_members_impl(grpc::ServerContext* ctx, const wire::ZoneMembersRequest* req, wire::ZoneMembersReply* reply) {
    if (auto denied = check_member(caller_of(*ctx), "ZoneMembers")) return *denied;
    const RegistrySnapshot snap = m_registry.snapshot();
    const auto& dir = *snap.directory;
    if (req->zone() >= dir.zone_count())
      return {grpc::StatusCode::NOT_FOUND, "zone: " + std::to_string(req->zone()) + " does not exist (zone_count " +
                                               std::to_string(dir.zone_count()) + ")"};
    reply->set_zone(req->zone());
    reply->set_zone_count(dir.zone_count());
    reply->set_epoch(snap.epoch);
    fill_members(dir.members(static_cast<ZoneId>(req->zone())), snap, reply->mutable_members());
    return grpc::Status::OK;
  }

  // The service's methods: each call is counted, and each non-OK status by its code.
  grpc::Status Register(grpc::ServerContext* ctx, const wire::RegisterRequest* req, wire::RegisterReply* reply) override {
    return counted("Tracker/Register", register_impl(ctx, req, reply));
  }
  grpc::Status Heartbeat(grpc::ServerContext* ctx, const wire::HeartbeatRequest* req, wire::HeartbeatReply* reply) override {
    return counted("Tracker/Heartbeat", heartbeat_impl(ctx, req, reply));
  }
  grpc::Status Leave(grpc::ServerContext* ctx, const wire::LeaveRequest* req, wire::LeaveReply* reply) override {
    return counted("Tracker/Leave", leave_impl(ctx, req, reply));
  }
  grpc::Status ListZones(grpc::ServerContext* ctx, const wire::ListZonesRequest*, wire::ZoneDirectoryReply* reply) override {
    return counted("Tracker/ListZones", list_zones_impl(ctx, reply));
  }
  grpc::Status ZoneMembers(grpc::ServerContext* ctx, const wire::ZoneMembersRequest* req, wire::ZoneMembersReply* reply) override {
    return counted("Tracker/ZoneMembers", zone_members_impl(ctx, req, reply));
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
  m_impl->server = start_server(m_impl->service, options.grpc_bind, options.grpc_port, m_impl->port, options.tls);
}

TrackerServer::~TrackerServer() { shutdown(); }

std::uint16_t TrackerServer::port() const noexcept { return static_cast<std::uint16_t>(m_impl->port); }

void TrackerServer::shutdown() { stop_server(m_impl->server); }

}  // namespace zonal::node
