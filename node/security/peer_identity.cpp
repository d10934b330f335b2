#include "peer_identity.hpp"

#include "identity_name.hpp"

namespace zonal::node {

std::string Caller::describe() const {
  if (!authenticated) return "unauthenticated caller " + address;
  return name + " (" + address + ")";
}

Caller caller_of(const grpc::ServerContext& ctx) {
  Caller c;
  c.address = ctx.peer();
  const auto auth = ctx.auth_context();
  if (!auth || !auth->IsPeerAuthenticated()) return c;
  const auto names = auth->FindPropertyValues("x509_common_name");
  if (names.size() != 1) return c;  // a verified certificate without exactly one common name: no identity
  c.authenticated = true;
  c.name.assign(names[0].data(), names[0].size());
  c.peer = peer_id_of_identity(c.name);
  return c;
}

grpc::Status permission_denied(const std::string& text) { return {grpc::StatusCode::PERMISSION_DENIED, text}; }

std::optional<grpc::Status> check_acts_as(const Caller& caller, std::uint64_t claimed, std::string_view field) {
  if (!caller.authenticated) return std::nullopt;
  if (caller.peer && *caller.peer == claimed) return std::nullopt;
  return permission_denied(std::string(field) + ": " + std::to_string(claimed) + " is not the caller's own peer id (" +
                           "the certificate names \"" + caller.name + "\")");
}

std::optional<grpc::Status> check_member(const Caller& caller, std::string_view what) {
  if (!caller.authenticated || caller.peer) return std::nullopt;
  return permission_denied(std::string(what) + ": only nodes may call this, the certificate names \"" + caller.name + "\"");
}

std::string host_of_grpc_peer(std::string_view peer) {
  const auto scheme = peer.find(':');
  if (scheme == std::string_view::npos) return std::string(peer);
  std::string_view rest = peer.substr(scheme + 1);
  const auto colon = rest.rfind(':');
  if (colon != std::string_view::npos) rest = rest.substr(0, colon);
  if (rest.size() >= 2 && rest.front() == '[' && rest.back() == ']') rest = rest.substr(1, rest.size() - 2);
  return std::string(rest);
}

}  // namespace zonal::node
