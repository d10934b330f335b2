// The gRPC receive cap of every node and tracker server (grpc_options.hpp, apply_limits): a request
// of exactly grpc_message_bytes_max bytes is received (and reaches the handler), one byte more is
// refused with RESOURCE_EXHAUSTED before any handler runs. Real server, real loopback channel.
#include <gtest/gtest.h>

#include <grpcpp/grpcpp.h>

#include "grpc_options.hpp"
#include "zonal.grpc.pb.h"

namespace zonal::node {
namespace {

/// A Peer service whose FileInfo reports the size of the name it received.
class SizeEcho final : public wire::Peer::Service {
 public:
  grpc::Status FileInfo(grpc::ServerContext*, const wire::FileInfoRequest* req, wire::FileEntry* out) override {
    out->set_size(req->name().size());
    return grpc::Status::OK;
  }
};

/// A FileInfoRequest whose serialized size is exactly `bytes`.
wire::FileInfoRequest request_of(std::size_t bytes) {
  wire::FileInfoRequest req;
  std::size_t name = bytes - 2;
  req.set_name(std::string(name, 'n'));
  while (req.ByteSizeLong() > bytes) req.set_name(std::string(--name, 'n'));  // the length varint grows
  return req;
}

TEST(GrpcLimits, ServersReceiveExactlyTheCap) {
  SizeEcho service;
  int port = 0;
  auto server = start_server(service, "127.0.0.1", 0, port, TlsConfig{});
  grpc::ChannelArguments args;
  args.SetMaxSendMessageSize(-1);  // this client may send anything: the server's cap is under test
  auto stub = wire::Peer::NewStub(grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials(), args));
  const auto call = [&](std::size_t bytes, wire::FileEntry& out) {
    const auto req = request_of(bytes);
    EXPECT_EQ(req.ByteSizeLong(), bytes);
    grpc::ClientContext ctx;
    set_deadline(ctx, 30'000);
    return stub->FileInfo(&ctx, req, &out);
  };
  const auto cap = static_cast<std::size_t>(grpc_message_bytes_max);
  wire::FileEntry at;
  const auto ok = call(cap, at);
  EXPECT_TRUE(ok.ok()) << ok.error_message();
  EXPECT_GT(at.size(), cap - 8);
  wire::FileEntry over;
  const auto refused = call(cap + 1, over);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << refused.error_message();
  EXPECT_EQ(over.size(), 0u);
  stop_server(server);
}

TEST(GrpcLimits, ClientsDoNotSendPastTheCap) {
  SizeEcho service;
  int port = 0;
  auto server = start_server(service, "127.0.0.1", 0, port, TlsConfig{});
  auto stub = wire::Peer::NewStub(make_channel("127.0.0.1:" + std::to_string(port), TlsConfig{}, ""));
  grpc::ClientContext ctx;
  set_deadline(ctx, 30'000);
  wire::FileEntry out;
  const auto s = stub->FileInfo(&ctx, request_of(static_cast<std::size_t>(grpc_message_bytes_max) + 1), &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << s.error_message();
  stop_server(server);
}

}  // namespace
}  // namespace zonal::node
