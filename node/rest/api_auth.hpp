#pragma once
/// The REST API's credential and origin checks: every request's Host (and Origin, when a browser
/// sends one) must name this node, so no other web site and no DNS-rebinding page can drive it;
/// every endpoint but the exempt ones (health checks, the static web page) needs
/// `Authorization: Bearer TOKEN`.
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http_server.hpp"

namespace zonal::node {

/// True for paths served without the token (one list: health checks and the web page's static
/// files, which hold no secrets; the page sends the token it reads from its URL fragment).
bool auth_exempt(std::string_view path);

/// Host names a request may be addressed to by default: loopback names plus `extra` (the bound
/// and advertised addresses; unspecified addresses such as 0.0.0.0 are skipped).
std::vector<std::string> default_allowed_hosts(const std::vector<std::string>& extra);

/// The host part of a Host header or of an Origin's authority ("[::1]:80" -> "::1"), lower case.
std::string host_part(std::string_view authority);

struct ApiAuthCounters {
  std::uint64_t unauthorized = 0;  ///< 401: token missing or wrong
  std::uint64_t forbidden = 0;     ///< 403: Host or Origin not allowed
};

class ApiAuth {
 public:
  /// Accept `token` on requests addressed to one of `allowed_hosts` (compared without port, case-insensitively).
  ApiAuth(std::string token, std::vector<std::string> allowed_hosts);

  /// nullopt when `req` may be served, else the 401 or 403 answer; call before every handler.
  std::optional<HttpResponse> check(const HttpRequest& req);
  /// Whether `authorization` (an Authorization header or gRPC `authorization` metadata value;
  /// nullptr when absent) is "Bearer TOKEN" with this node's token; a refusal is counted as
  /// unauthorized. Call before serving every call of another API on the same token (the Client service).
  bool bearer_ok(const std::string* authorization);
  ApiAuthCounters counters() const noexcept { return {m_unauthorized.load(), m_forbidden.load()}; }

 private:
  bool host_allowed(std::string_view host) const;

  std::string m_token;
  std::vector<std::string> m_hosts;
  std::atomic<std::uint64_t> m_unauthorized{0};
  std::atomic<std::uint64_t> m_forbidden{0};
};

/// Why `token` is not usable as an API token (16..512 characters of A-Z a-z 0-9 - . _ ~ + / =), or nullopt.
std::optional<std::string> api_token_problem(std::string_view token);

/// The API token: `configured` when non-empty, else the content of `data_dir`/api-token, which is
/// created on first start with 256 random bits (mode 0600; every write, fsync and close checked).
/// Throws std::runtime_error naming the file when it cannot be read or written, is readable by
/// other users, or holds an unusable token. Call once at node start.
std::string load_or_create_api_token(const std::filesystem::path& data_dir, const std::string& configured);

/// Where load_or_create_api_token() keeps the token of `data_dir`.
inline std::filesystem::path api_token_path(const std::filesystem::path& data_dir) { return data_dir / "api-token"; }

}  // namespace zonal::node
