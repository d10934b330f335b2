#include "grpc_options.hpp"

namespace zonal::node {

std::shared_ptr<grpc::Channel> make_channel(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(grpc_message_bytes_max);
  args.SetMaxSendMessageSize(grpc_message_bytes_max);
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
}

void apply_limits(grpc::ServerBuilder& builder) {
  builder.SetMaxReceiveMessageSize(grpc_message_bytes_max);
  builder.SetMaxSendMessageSize(grpc_message_bytes_max);
}

void set_deadline(grpc::ClientContext& ctx, std::uint32_t timeout_ms) {
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(timeout_ms));
}

}  // namespace zonal::node
