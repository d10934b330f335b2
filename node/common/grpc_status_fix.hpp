#pragma once
/// A server interceptor that turns gRPC's answer to an unparsable request (INTERNAL with an empty
/// message: malformed protobuf bytes, invalid UTF-8 in a string field, nesting beyond the
/// parser's depth limit) into INVALID_ARGUMENT with a message saying so. Our handlers never
/// answer INTERNAL without a message, so nothing else is touched. Include only from .cpp files.
#include <memory>

#include <grpcpp/support/server_interceptor.h>

namespace zonal::node {

/// Factory to add to every server's interceptor creators.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> make_status_fix_factory();

}  // namespace zonal::node
