#pragma once
/// Operational routes of a node: GET /healthz (alive), GET /readyz (registered and zones known),
/// GET /metrics (Prometheus text) and GET /api/openapi.json (the committed OpenAPI document,
/// node/rest/openapi.json, compiled into the binary).
#include "http_server.hpp"
#include "node_api.hpp"

namespace zonal::node {

/// 200 {"status": "ok"}: the process serves requests.
HttpResponse health_response();
/// 200 when `api` is registered and knows its zones, else 503; the body says which is missing.
HttpResponse readiness_response(NodeApi& api);
/// The metrics of `api` in the Prometheus text format 0.0.4.
HttpResponse metrics_response(NodeApi& api);
/// A Prometheus text body (for any process with a MetricsRegistry).
HttpResponse prometheus_text(std::string text);
/// The OpenAPI 3 document of the REST API.
HttpResponse openapi_response();
/// The OpenAPI document's text (node/rest/openapi.json).
const char* openapi_document();

}  // namespace zonal::node
