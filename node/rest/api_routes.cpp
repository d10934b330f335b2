#include "api_routes.hpp"

#include <functional>

#include "request_fields.hpp"
#include "search_routes.hpp"
#include "service_routes.hpp"
#include "web_assets.hpp"

namespace zonal::node {
namespace {

using nlohmann::json;

struct Route {
  std::string method;
  std::string path;
  std::function<HttpResponse(NodeApi&, const HttpRequest&)> run;
};

/// A route answering 200 with the JSON `fn` returns.
template <class Fn>
std::function<HttpResponse(NodeApi&, const HttpRequest&)> ok(Fn fn) {
  return [fn](NodeApi& a, const HttpRequest& r) { return json_response(200, fn(a, r)); };
}

const std::vector<Route>& routes() {
  static const std::vector<Route> table{
      {"GET", "/healthz", [](NodeApi&, const HttpRequest&) { return health_response(); }},
      {"GET", "/readyz", [](NodeApi& a, const HttpRequest&) { return readiness_response(a); }},
      {"GET", "/metrics", [](NodeApi& a, const HttpRequest&) { return metrics_response(a); }},
      {"GET", "/api/openapi.json", [](NodeApi&, const HttpRequest&) { return openapi_response(); }},
      {"GET", "/api/status", ok([](NodeApi& a, const HttpRequest&) { return a.status(); })},
      {"GET", "/api/peers", ok([](NodeApi& a, const HttpRequest&) { return a.peers(); })},
      {"GET", "/api/zones", ok([](NodeApi& a, const HttpRequest&) { return a.zones(); })},
      {"GET", "/api/files", ok([](NodeApi& a, const HttpRequest&) { return a.files(); })},
      {"GET", "/api/queries", ok([](NodeApi& a, const HttpRequest&) { return a.queries(); })},
      {"GET", "/api/search", [](NodeApi& a, const HttpRequest& r) { return search_response(a, r); }},
      {"POST", "/api/share", ok([](NodeApi& a, const HttpRequest& r) { return a.share(body_string(r, "name")); })},
      {"POST", "/api/get",
       ok([](NodeApi& a, const HttpRequest& r) { return a.get(body_string(r, "name"), optional_body_string(r, "strategy")); })},
      {"POST", "/api/store", ok([](NodeApi& a, const HttpRequest& r) { return a.store(body_string(r, "name")); })},
      {"POST", "/api/unshare", ok([](NodeApi& a, const HttpRequest& r) { return a.unshare(body_string(r, "name")); })},
      {"GET", "/api/events",
       ok([](NodeApi& a, const HttpRequest& r) {
         return a.events(optional_uint(r, "after", 0, 999'999'999).value_or(0), optional_uint(r, "wait_ms", 0, 25'000).value_or(0));
       })},
      {"GET", "/api/downloads", ok([](NodeApi& a, const HttpRequest&) { return a.downloads(); })},
  };
  return table;
}

}  // namespace

HttpResponse json_response(int status, json body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

HttpResponse handle_api(NodeApi& api, const HttpRequest& req) {
  if (auto page = web_response(req)) return *page;
  bool path_known = false;
  for (const Route& route : routes()) {
    if (route.path != req.path) continue;
    path_known = true;
    if (route.method != req.method) continue;
    try {
      return route.run(api, req);
    } catch (const ApiError& e) {
      return json_response(e.http_status, {{"error", e.what()}});
    }
  }
  if (path_known) return json_response(405, {{"error", "method " + req.method + " not allowed on " + req.path}});
  return json_response(404, {{"error", "no such endpoint: " + req.path}});
}

std::vector<RouteInfo> api_routes() {
  std::vector<RouteInfo> out;
  for (const Route& r : routes()) out.push_back(RouteInfo{r.method, r.path});
  return out;
}

}  // namespace zonal::node
