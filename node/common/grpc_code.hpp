#pragma once
/// Names of gRPC status codes for metric labels. Include only from .cpp files that use gRPC.
#include <grpcpp/support/status.h>

namespace zonal::node {

/// "OK", "CANCELLED", ..., "UNAUTHENTICATED" (the canonical upper-case names).
inline const char* grpc_code_name(grpc::StatusCode code) noexcept {
  static constexpr const char* names[] = {"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
                                          "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
                                          "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
                                          "UNAUTHENTICATED"};
  const auto i = static_cast<unsigned>(code);
  return i < std::size(names) ? names[i] : "UNKNOWN";
}

}  // namespace zonal::node
