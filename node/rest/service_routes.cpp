#include "service_routes.hpp"

#include "api_routes.hpp"

namespace zonal::node {

HttpResponse health_response() { return json_response(200, {{"status", "ok"}}); }

HttpResponse readiness_response(NodeApi& api) {
  nlohmann::json r = api.readiness();
  const int status = r.value("ready", false) ? 200 : 503;
  return json_response(status, std::move(r));
}

HttpResponse prometheus_text(std::string text) {
  HttpResponse r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.text = std::move(text);
  return r;
}

HttpResponse metrics_response(NodeApi& api) { return prometheus_text(api.metrics_text()); }

HttpResponse openapi_response() {
  HttpResponse r;
  r.text = openapi_document();
  return r;
}

}  // namespace zonal::node
