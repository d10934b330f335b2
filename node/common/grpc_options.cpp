#include "grpc_options.hpp"

#include <stdexcept>
#include <vector>

#include "grpc_status_fix.hpp"

namespace zonal::node {

std::shared_ptr<grpc::Channel> make_channel(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(grpc_message_bytes_max);
  args.SetMaxSendMessageSize(grpc_message_bytes_max);
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
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

std::unique_ptr<grpc::Server> start_server(grpc::Service& service, const std::string& bind, std::uint16_t port, int& bound_port,
                                           const GrpcServerLimits& limits) {
  grpc::ServerBuilder builder;
  apply_limits(builder, limits);
  const std::string address = bind + ":" + std::to_string(port);
  builder.AddListeningPort(address, grpc::InsecureServerCredentials(), &bound_port);
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
