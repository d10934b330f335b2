#pragma once
/// Who is calling: the one place that turns a gRPC call's TLS client certificate into a zonal
/// identity, and the refusals built on it. Over mutual TLS the certificate's common name is the
/// caller's identity name (identity_name.hpp); over plaintext there is no identity and nothing
/// can be checked (loopback demos only).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <grpcpp/grpcpp.h>

#include "zonal/types.hpp"

namespace zonal::node {

/// The caller of one gRPC call.
struct Caller {
  bool authenticated = false;  ///< the call came over mutual TLS with a verified certificate
  std::string name;            ///< identity name of the certificate ("node-17", "tracker"); empty without TLS
  std::optional<PeerId> peer;  ///< peer id named by the certificate (nodes only)
  std::string address;         ///< the caller's network address as gRPC reports it ("ipv4:127.0.0.1:5000")

  /// What to call the caller in log lines and refusals.
  std::string describe() const;
};

/// The caller of the call behind `ctx`; call at the top of a handler that authorizes.
Caller caller_of(const grpc::ServerContext& ctx);

/// A PERMISSION_DENIED status with `text`; every authorization refusal uses it.
grpc::Status permission_denied(const std::string& text);

/// nullopt when `caller` may act as peer `claimed` (field `field` of the request): always over
/// plaintext, else only when its certificate names that id. Otherwise PERMISSION_DENIED.
std::optional<grpc::Status> check_acts_as(const Caller& caller, std::uint64_t claimed, std::string_view field);

/// nullopt when `caller` is a node of the cluster (or the call is plaintext); PERMISSION_DENIED
/// for other certificates (e.g. the tracker's). Call before serving member-only requests.
std::optional<grpc::Status> check_member(const Caller& caller, std::string_view what);

/// Host part of a gRPC peer string ("ipv4:127.0.0.1:5000" -> "127.0.0.1", "ipv6:[::1]:5000" -> "::1").
std::string host_of_grpc_peer(std::string_view peer);

}  // namespace zonal::node
