#pragma once
/// REST routes of a node (docs/node.md): HTTP requests -> NodeApi calls -> JSON responses (and
/// the Prometheus text of /metrics, the server-sent events of /api/search?stream=1).
#include <string>
#include <vector>

#include "http_server.hpp"
#include "node_api.hpp"

namespace zonal::node {

/// Answer one REST request with `api`; unknown paths get 404, wrong methods 405, bad input 400,
/// always with a JSON body {"error": "..."} on failure.
HttpResponse handle_api(NodeApi& api, const HttpRequest& req);

/// One served route, for documentation checks (the OpenAPI test).
struct RouteInfo {
  std::string method;
  std::string path;
};

/// Every route handle_api() serves.
std::vector<RouteInfo> api_routes();

/// A JSON response with `status` and `body`.
HttpResponse json_response(int status, nlohmann::json body);

}  // namespace zonal::node
