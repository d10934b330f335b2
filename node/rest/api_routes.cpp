#include "api_routes.hpp"

#include <functional>
#include <vector>

namespace zonal::node {
namespace {

using nlohmann::json;

struct Route {
  std::string method;
  std::string path;
  std::function<json(NodeApi&, const HttpRequest&)> run;
};

/// Field `key` of a JSON body: a non-empty string.
std::string body_string(const HttpRequest& req, const std::string& key, bool required = true) {
  const json doc = json::parse(req.body.empty() ? "{}" : req.body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) throw ApiError(400, "body: must be a JSON object");
  const auto it = doc.find(key);
  if (it == doc.end()) {
    if (required) throw ApiError(400, key + ": is required");
    return {};
  }
  if (!it->is_string()) throw ApiError(400, key + ": must be a string");
  return it->get<std::string>();
}

std::string query_string(const HttpRequest& req, const std::string& key) {
  const auto it = req.query.find(key);
  if (it == req.query.end() || it->second.empty()) throw ApiError(400, key + ": query parameter is required");
  return it->second;
}

std::optional<std::string> optional_query(const HttpRequest& req, const std::string& key) {
  const auto it = req.query.find(key);
  if (it == req.query.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

std::optional<unsigned> optional_ttl(const HttpRequest& req) {
  const auto text = optional_query(req, "ttl");
  if (!text) return std::nullopt;
  if (text->size() > 3 || text->find_first_not_of("0123456789") != std::string::npos)
    throw ApiError(400, "ttl: must be an integer between 1 and 10, got \"" + *text + "\"");
  return static_cast<unsigned>(std::stoul(*text));
}

std::optional<std::string> optional_body_string(const HttpRequest& req, const std::string& key) {
  std::string v = body_string(req, key, false);
  if (v.empty()) return std::nullopt;
  return v;
}

const std::vector<Route>& routes() {
  static const std::vector<Route> table{
      {"GET", "/api/status", [](NodeApi& a, const HttpRequest&) { return a.status(); }},
      {"GET", "/api/peers", [](NodeApi& a, const HttpRequest&) { return a.peers(); }},
      {"GET", "/api/zones", [](NodeApi& a, const HttpRequest&) { return a.zones(); }},
      {"GET", "/api/files", [](NodeApi& a, const HttpRequest&) { return a.files(); }},
      {"GET", "/api/queries", [](NodeApi& a, const HttpRequest&) { return a.queries(); }},
      {"GET", "/api/search",
       [](NodeApi& a, const HttpRequest& r) { return a.search(query_string(r, "name"), optional_query(r, "strategy"), optional_ttl(r)); }},
      {"POST", "/api/share", [](NodeApi& a, const HttpRequest& r) { return a.share(body_string(r, "name")); }},
      {"POST", "/api/get",
       [](NodeApi& a, const HttpRequest& r) { return a.get(body_string(r, "name"), optional_body_string(r, "strategy")); }},
      {"POST", "/api/store", [](NodeApi& a, const HttpRequest& r) { return a.store(body_string(r, "name")); }},
  };
  return table;
}

}  // namespace

HttpResponse handle_api(NodeApi& api, const HttpRequest& req) {
  bool path_known = false;
  for (const Route& route : routes()) {
    if (route.path != req.path) continue;
    path_known = true;
    if (route.method != req.method) continue;
    try {
      return HttpResponse{200, route.run(api, req), {}};
    } catch (const ApiError& e) {
      return HttpResponse{e.http_status, {{"error", e.what()}}, {}};
    }
  }
  if (path_known) return HttpResponse{405, {{"error", "method " + req.method + " not allowed on " + req.path}}, {}};
  return HttpResponse{404, {{"error", "no such endpoint: " + req.path}}, {}};
}

}  // namespace zonal::node
