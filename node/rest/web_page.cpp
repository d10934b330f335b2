#include "web_assets.hpp"

namespace zonal::node {
namespace {

HttpResponse error_reply(int status, const std::string& message) {
  HttpResponse r;
  r.status = status;
  r.body = {{"error", message}};
  return r;
}

}  // namespace

bool is_web_path(const std::string& path) { return path == "/" || path == "/index.html" || path.starts_with("/ui/"); }

std::optional<HttpResponse> web_response(const HttpRequest& req) {
  if (!is_web_path(req.path)) return std::nullopt;
  if (req.method != "GET" && req.method != "HEAD")
    return error_reply(405, "method " + req.method + " not allowed on " + req.path);
  const std::string_view name = req.path.starts_with("/ui/") ? std::string_view(req.path).substr(4) : "index.html";
  for (const WebAsset& a : web_assets()) {
    if (a.name != name) continue;
    HttpResponse out;
    out.text = std::string(a.body);
    out.content_type = std::string(a.content_type);
    return out;
  }
  return error_reply(404, "no such file: " + req.path);
}

}  // namespace zonal::node
