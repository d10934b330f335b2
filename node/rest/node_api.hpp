#pragma once
/// What the REST API (and through it the `zonal` CLI) can ask a running node. Results are JSON
/// documents (their shapes are listed in docs/node.md); failures throw ApiError.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "search_session.hpp"

namespace zonal::node {

/// A failed request: HTTP status (400 bad input, 404 not found, 409 conflict, 413 too large,
/// 502 remote failure, 503 not ready, 500 local failure) and a message naming the cause.
struct ApiError : std::runtime_error {
  ApiError(int status, const std::string& what) : std::runtime_error(what), http_status(status) {}
  int http_status;
};

/// What to search for; unset fields take the node's defaults.
struct SearchRequest {
  std::string name;
  std::optional<std::string> strategy;
  std::optional<unsigned> ttl;
};

/// Progress of a download: bytes present so far and the file's size.
using GetProgress = std::function<void(std::uint64_t done, std::uint64_t total)>;

class NodeApi {
 public:
  virtual ~NodeApi() = default;
  /// Id, zone, epoch, addresses, counts.
  virtual nlohmann::json status() = 0;
  /// Address book: every known peer with its zone.
  virtual nlohmann::json peers() = 0;
  /// The zone directory.
  virtual nlohmann::json zones() = 0;
  /// Files shared by this node.
  virtual nlohmann::json files() = 0;
  /// Index the file `name` already placed in the shared directory and publish it.
  virtual nlohmann::json share(const std::string& name) = 0;
  /// Start a search and return its session at once (hits arrive in it as they come; it is
  /// finished when the query's window closes, at the latest by its deadline()).
  virtual std::shared_ptr<SearchSession> start_search(const SearchRequest& request) = 0;
  /// Search, start downloading from the first holders found, verify and share; `progress`
  /// (optional) is called as bytes arrive.
  virtual nlohmann::json get(const std::string& name, std::optional<std::string> strategy, const GetProgress& progress = {}) = 0;
  /// Send the shared file `name` into the network: a copy goes to a member of its home zone.
  virtual nlohmann::json store(const std::string& name) = 0;
  /// Per-query message counters.
  virtual nlohmann::json queries() = 0;
  /// Stop sharing `name` and delete it from the shared directory.
  virtual nlohmann::json unshare(const std::string& name) = 0;
  /// Recent events numbered `after` or later, waiting up to `wait_ms` for one (the live feed).
  virtual nlohmann::json events(std::uint64_t after, std::uint32_t wait_ms) = 0;
  /// Downloads running and recently finished, with their progress.
  virtual nlohmann::json downloads() = 0;
  /// Every metric in the Prometheus text format.
  virtual std::string metrics_text() = 0;
  /// Readiness: {"ready": bool, "registered": bool, "zones_known": bool}.
  virtual nlohmann::json readiness() = 0;
};

}  // namespace zonal::node
