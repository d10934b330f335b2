#pragma once
/// REST routes of a node (docs/node.md): HTTP requests -> NodeApi calls -> JSON responses.
#include "http_server.hpp"
#include "node_api.hpp"

namespace zonal::node {

/// Answer one REST request with `api`; unknown paths get 404, wrong methods 405, bad input 400,
/// always with a JSON body {"error": "..."} on failure.
HttpResponse handle_api(NodeApi& api, const HttpRequest& req);

}  // namespace zonal::node
