#pragma once
/// Who is on the other end of a gRPC call, for per-peer limits. SEAM: once certificates bind node
/// ids to connections (node/security/peer_identity.*), both functions must answer from the
/// authenticated identity instead; until then the rate limits key on the claimed sender id and
/// the Store quota on the caller's host (so peers sharing a host share a quota).
#include <grpcpp/server_context.h>

#include <string>

#include "zonal/types.hpp"

namespace zonal::node {

/// The peer id per-peer message limits are charged to: the envelope's claimed `from` for now.
inline PeerId rate_limit_key(const grpc::ServerContext& /*ctx*/, PeerId claimed_from) { return claimed_from; }

/// The caller Store quotas are charged to: the remote host of the connection ("ipv4:1.2.3.4:5" -> "1.2.3.4").
inline std::string quota_key(const grpc::ServerContext& ctx) {
  std::string peer = ctx.peer();
  if (const auto colon = peer.find(':'); colon != std::string::npos) peer = peer.substr(colon + 1);  // scheme
  if (const auto port = peer.rfind(':'); port != std::string::npos) peer = peer.substr(0, port);
  if (peer.size() > 2 && peer.front() == '[' && peer.back() == ']') peer = peer.substr(1, peer.size() - 2);
  return peer.empty() ? std::string("unknown") : peer;
}

}  // namespace zonal::node
