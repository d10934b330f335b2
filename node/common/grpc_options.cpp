#include "grpc_options.hpp"

#include <spdlog/spdlog.h>

#include <stdexcept>
#include <vector>

#include "grpc_status_fix.hpp"

namespace zonal::node {
namespace {

std::shared_ptr<grpc::ChannelCredentials> channel_credentials(const TlsConfig& tls) {
  if (!tls.enabled()) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions o;
  o.pem_root_certs = tls.ca_pem;
  o.pem_private_key = tls.key_pem;
  o.pem_cert_chain = tls.cert_pem;
  return grpc::SslCredentials(o);
}

std::shared_ptr<grpc::ServerCredentials> server_credentials(const TlsConfig& tls) {
  if (!tls.enabled()) return grpc::InsecureServerCredentials();
  grpc::SslServerCredentialsOptions o(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  o.pem_root_certs = tls.ca_pem;
  o.pem_key_cert_pairs.push_back({tls.key_pem, tls.cert_pem});
  return grpc::SslServerCredentials(o);
}

}  // namespace

std::shared_ptr<grpc::Channel> make_channel(const std::string& address, const TlsConfig& tls, const std::string& peer_name,
                                           bool own_connection) {
  grpc::ChannelArguments args;
  if (own_connection) args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetMaxReceiveMessageSize(grpc_message_bytes_max);
  args.SetMaxSendMessageSize(grpc_message_bytes_max);
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  if (tls.enabled()) args.SetSslTargetNameOverride(peer_name);  // the certificate must name this identity
  return grpc::CreateCustomChannel(address, channel_credentials(tls), args);
}

void apply_limits(grpc::ServerBuilder& builder, const GrpcServerLimits& limits) {
  builder.SetMaxReceiveMessageSize(grpc_message_bytes_max);
  builder.SetMaxSendMessageSize(grpc_message_bytes_max);
  grpc::ResourceQuota quota("zonal-server");
  quota.SetMaxThreads(limits.threads_max);
  builder.SetResourceQuota(quota);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, limits.streams_max);
  builder.AddChannelArgument(GRPC_ARG_SERVER_HANDSHAKE_TIMEOUT_MS, limits.handshake_timeout_ms);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS, limits.idle_connection_ms);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(make_status_fix_factory());  // unparsable requests: INVALID_ARGUMENT with a message
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
}

bool is_loopback_host(const std::string& host) {
  return host == "localhost" || host == "::1" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

std::unique_ptr<grpc::Server> start_server(grpc::Service& service, const std::string& bind, std::uint16_t port, int& bound_port,
                                           const TlsConfig& tls, const GrpcServerLimits& limits) {
  grpc::ServerBuilder builder;
  apply_limits(builder, limits);
  const std::string address = bind + ":" + std::to_string(port);
  if (!tls.enabled() && !is_loopback_host(bind)) {
    spdlog::warn("*** PLAINTEXT gRPC on {}: reachable from the network WITHOUT authentication. Anyone who reaches this "
                 "port can act as any peer. Set tls.ca, tls.cert and tls.key (docs/security.md) or bind 127.0.0.1. ***",
                 address);
  }
  builder.AddListeningPort(address, server_credentials(tls), &bound_port);
  builder.RegisterService(&service);
  auto server = builder.BuildAndStart();
  if (!server || bound_port == 0) throw std::runtime_error("cannot listen on " + address);
  return server;
}

void stop_server(std::unique_ptr<grpc::Server>& server) {
  if (!server) return;
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  server->Wait();
  server.reset();
}

void set_deadline(grpc::ClientContext& ctx, std::uint32_t timeout_ms) {
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(timeout_ms));
}

}  // namespace zonal::node
