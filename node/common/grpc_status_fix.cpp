#include "grpc_status_fix.hpp"

#include <grpcpp/support/status.h>

namespace zonal::node {
namespace {

class StatusFix final : public grpc::experimental::Interceptor {
 public:
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(grpc::experimental::InterceptionHookPoints::PRE_SEND_STATUS)) {
      const grpc::Status s = methods->GetSendStatus();
      if (s.error_code() == grpc::StatusCode::INTERNAL && s.error_message().empty())
        methods->ModifySendStatus(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                               "request: not a valid protobuf message of this method (malformed bytes, "
                                               "invalid UTF-8 in a string field, or nesting too deep)"));
    }
    methods->Proceed();
  }
};

class StatusFixFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(grpc::experimental::ServerRpcInfo*) override { return new StatusFix; }
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> make_status_fix_factory() {
  return std::make_unique<StatusFixFactory>();
}

}  // namespace zonal::node
