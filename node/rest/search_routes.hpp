#pragma once
/// GET /api/search: answers as soon as the first hit arrives (wait=first, the default), when the
/// search's window closes (wait=all), or after at most <ms> milliseconds (wait=<ms>); with
/// stream=1 it streams the hits as server-sent events while the search runs (docs/node.md).
#include "http_server.hpp"
#include "node_api.hpp"

namespace zonal::node {

/// Run the search `req` asks for and answer it (JSON or an event stream).
HttpResponse search_response(NodeApi& api, const HttpRequest& req);

/// The JSON of one hit, as REST, SSE and the CLI show it.
nlohmann::json hit_json(const FoundHit& h);

}  // namespace zonal::node
