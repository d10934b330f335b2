#pragma once
/// FileError <-> gRPC status. Include only from .cpp files that already use gRPC.
#include <grpcpp/support/status.h>

#include "file_error.hpp"

namespace zonal::node {

/// The gRPC status a FileError is reported with.
inline grpc::Status to_status(const FileError& e) {
  switch (e.kind) {
    case FileErrorKind::invalid: return {grpc::StatusCode::INVALID_ARGUMENT, e.what()};
    case FileErrorKind::not_found: return {grpc::StatusCode::NOT_FOUND, e.what()};
    case FileErrorKind::conflict: return {grpc::StatusCode::ALREADY_EXISTS, e.what()};
    case FileErrorKind::too_large: return {grpc::StatusCode::RESOURCE_EXHAUSTED, e.what()};
    case FileErrorKind::unavailable: return {grpc::StatusCode::UNAVAILABLE, e.what()};
    case FileErrorKind::corrupt: return {grpc::StatusCode::DATA_LOSS, e.what()};
    case FileErrorKind::io: break;
  }
  return {grpc::StatusCode::INTERNAL, e.what()};
}

/// The FileError kind a failed call's status maps to (for errors relayed from a remote peer).
inline FileErrorKind kind_of(const grpc::Status& s) {
  switch (s.error_code()) {
    case grpc::StatusCode::INVALID_ARGUMENT: return FileErrorKind::invalid;
    case grpc::StatusCode::NOT_FOUND: return FileErrorKind::not_found;
    case grpc::StatusCode::ALREADY_EXISTS: return FileErrorKind::conflict;
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return FileErrorKind::too_large;
    case grpc::StatusCode::DATA_LOSS: return FileErrorKind::corrupt;
    default: return FileErrorKind::unavailable;
  }
}

}  // namespace zonal::node
