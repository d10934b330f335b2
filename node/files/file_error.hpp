#pragma once
/// Errors of file operations, with a kind that maps onto gRPC status codes and HTTP statuses.
#include <stdexcept>
#include <string>

namespace zonal::node {

enum class FileErrorKind {
  invalid,      ///< bad name or request (gRPC INVALID_ARGUMENT, HTTP 400)
  not_found,    ///< no such file or holder (NOT_FOUND, 404)
  conflict,     ///< exists with other content, or a transfer of it is running (ALREADY_EXISTS / FAILED_PRECONDITION, 409)
  too_large,    ///< over a configured size limit (RESOURCE_EXHAUSTED, 413)
  unavailable,  ///< every holder failed (UNAVAILABLE, 502)
  corrupt,      ///< content did not match its SHA-256 (DATA_LOSS, 502)
  io,           ///< local disk problem (INTERNAL, 500)
};

struct FileError : std::runtime_error {
  FileError(FileErrorKind k, const std::string& what) : std::runtime_error(what), kind(k) {}
  FileErrorKind kind;
};

}  // namespace zonal::node
