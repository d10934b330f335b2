#include "client_server.hpp"

#include <algorithm>

#include "grpc_code.hpp"
#include "grpc_options.hpp"
#include "zonal.grpc.pb.h"
#include "zonal/settings.hpp"

namespace zonal::node {
namespace {

using nlohmann::json;
using Clock = SearchSession::Clock;

constexpr auto cancel_check_interval = std::chrono::milliseconds(500);

grpc::StatusCode code_of(int http_status) {
  switch (http_status) {
    case 400: return grpc::StatusCode::INVALID_ARGUMENT;
    case 404: return grpc::StatusCode::NOT_FOUND;
    case 409: return grpc::StatusCode::ALREADY_EXISTS;
    case 413: return grpc::StatusCode::RESOURCE_EXHAUSTED;
    case 502:
    case 503: return grpc::StatusCode::UNAVAILABLE;
    default: return grpc::StatusCode::INTERNAL;
  }
}

std::optional<std::string> optional_text(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return s;
}

void fill_file(const json& f, wire::ClientFile* out) {
  out->set_name(f.value("name", ""));
  out->set_size(f.value("size", std::uint64_t{0}));
  out->set_sha256(f.value("sha256", ""));
  out->set_key(f.value("key", std::uint64_t{0}));
}

class ClientService final : public wire::Client::Service {
 public:
  ClientService(NodeApi& api, ApiAuth& auth, NodeMetrics& metrics) : m_api(api), m_auth(auth), m_metrics(metrics) {}

  grpc::Status Search(grpc::ServerContext* ctx, const wire::ClientSearchRequest* req,
                      grpc::ServerWriter<wire::ClientSearchEvent>* out) override {
    return guarded(ctx, "Client/Search", [&] { return search(ctx, *req, *out); });
  }

  grpc::Status Get(grpc::ServerContext* ctx, const wire::ClientGetRequest* req, grpc::ServerWriter<wire::ClientGetProgress>* out) override {
    return guarded(ctx, "Client/Get", [&] {
      wire::ClientGetProgress msg;
      const json r = m_api.get(req->name(), optional_text(req->strategy()), [&](std::uint64_t done, std::uint64_t total) {
        msg.set_bytes_done(done);
        msg.set_bytes_total(total);
        out->Write(msg);  // a client that went away only loses progress; the download goes on
      });
      msg.Clear();
      fill_file(r["file"], msg.mutable_file());
      msg.set_bytes_done(msg.file().size());
      msg.set_bytes_total(msg.file().size());
      msg.set_already_shared(r.value("already_shared", false));
      out->Write(msg);
      return grpc::Status::OK;
    });
  }

  grpc::Status Share(grpc::ServerContext* ctx, const wire::ClientShareRequest* req, wire::ClientFile* reply) override {
    return guarded(ctx, "Client/Share", [&] {
      fill_file(m_api.share(req->name()), reply);
      return grpc::Status::OK;
    });
  }

  grpc::Status Status(grpc::ServerContext* ctx, const wire::ClientStatusRequest*, wire::ClientStatus* reply) override {
    return guarded(ctx, "Client/Status", [&] {
      const json s = m_api.status();
      reply->set_id(s.value("id", std::uint64_t{0}));
      reply->set_address(s.value("address", ""));
      reply->set_registered(s.value("registered", false));
      reply->set_zone(s.value("zone", std::uint64_t{0xFFFFFFFF}));
      reply->set_zone_count(s.value("zone_count", 0u));
      reply->set_epoch(s.value("epoch", std::uint64_t{0}));
      reply->set_files(s.value("files", 0u));
      reply->set_peers_known(static_cast<std::uint32_t>(m_api.peers()["peers"].size()));
      reply->set_strategy(s.value("strategy", ""));
      return grpc::Status::OK;
    });
  }

 private:
  grpc::Status search(grpc::ServerContext* ctx, const wire::ClientSearchRequest& req, grpc::ServerWriter<wire::ClientSearchEvent>& out) {
    if (req.ttl() != 0 && !setting::ttl.contains(req.ttl()))  // 0: the node's default
      return {grpc::StatusCode::INVALID_ARGUMENT, "ttl: " + setting::ttl.range_error(req.ttl())};
    const std::optional<unsigned> ttl = req.ttl() == 0 ? std::nullopt : std::optional<unsigned>(req.ttl());
    const auto s = m_api.start_search(SearchRequest{req.name(), optional_text(req.strategy()), ttl});
    std::size_t sent = 0;
    wire::ClientSearchEvent ev;
    for (;;) {
      const bool past = Clock::now() >= s->deadline();
      s->wait_beyond(sent, std::min(s->deadline(), Clock::now() + cancel_check_interval));
      for (const FoundHit& h : s->hits(sent)) {
        ev.Clear();
        auto* hit = ev.mutable_hit();
        hit->set_holder(h.holder);
        hit->set_responder(h.responder);
        hit->set_hops(h.hops);
        hit->set_elapsed_ms(h.elapsed_ms);
        hit->set_address(h.address);
        if (!out.Write(ev)) return {grpc::StatusCode::CANCELLED, "client went away"};
        ++sent;
      }
      if (s->done() || past) break;
      if (ctx->IsCancelled()) return {grpc::StatusCode::CANCELLED, "search cancelled by the client"};
    }
    if (!s->error().empty()) return {grpc::StatusCode::UNAVAILABLE, "search failed: " + s->error()};
    ev.Clear();
    auto* done = ev.mutable_done();
    done->set_query_id(s->query_id());
    done->set_strategy(s->strategy());
    done->set_hits(static_cast<std::uint32_t>(sent));
    done->set_complete(s->done());
    out.Write(ev);
    return grpc::Status::OK;
  }

  /// UNAUTHENTICATED unless the call carries `authorization: Bearer TOKEN` with the API token.
  grpc::Status authenticate(const grpc::ServerContext& ctx) {
    const auto& md = ctx.client_metadata();
    const auto it = md.find("authorization");
    std::optional<std::string> value;
    if (it != md.end()) value.emplace(it->second.data(), it->second.size());
    if (m_auth.bearer_ok(value ? &*value : nullptr)) return grpc::Status::OK;
    return {grpc::StatusCode::UNAUTHENTICATED,
            value ? "authorization: wrong API token"
                  : "authorization: missing; send gRPC metadata \"authorization: Bearer TOKEN\" (the REST API token, in DATA_DIR/api-token)"};
  }

  /// Check the caller's token, run `fn`, turn ApiError into a status, and count non-OK statuses.
  template <class Fn>
  grpc::Status guarded(const grpc::ServerContext* ctx, const char* method, Fn fn) {
    grpc::Status status;
    try {
      status = authenticate(*ctx);
      if (status.ok()) status = fn();
    } catch (const ApiError& e) {
      status = grpc::Status(code_of(e.http_status), e.what());
    } catch (const std::exception& e) {
      status = grpc::Status(grpc::StatusCode::INTERNAL, std::string("internal error: ") + e.what());
    }
    if (!status.ok()) m_metrics.grpc_errors.with({"server", method, grpc_code_name(status.error_code())}).inc();
    return status;
  }

  NodeApi& m_api;
  ApiAuth& m_auth;
  NodeMetrics& m_metrics;
};

}  // namespace

struct ClientServer::Impl {
  ClientService service;
  std::unique_ptr<grpc::Server> server;
  int port = 0;
  Impl(NodeApi& api, ApiAuth& auth, NodeMetrics& metrics) : service(api, auth, metrics) {}
};

ClientServer::ClientServer(NodeApi& api, ApiAuth& auth, const std::string& bind, std::uint16_t port, NodeMetrics& metrics)
    : m_impl(std::make_unique<Impl>(api, auth, metrics)) {
  m_impl->server = start_server(m_impl->service, bind, port, m_impl->port, TlsConfig{});  // local applications, like REST
}

ClientServer::~ClientServer() { shutdown(); }

std::uint16_t ClientServer::port() const noexcept { return static_cast<std::uint16_t>(m_impl->port); }

void ClientServer::shutdown() { stop_server(m_impl->server); }

}  // namespace zonal::node
