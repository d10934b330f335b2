#pragma once
/// The node's web page (node/web: index.html, app.js, style.css), compiled into the binary by
/// node/web/embed.cmake, and how the REST server answers for it: `GET /` is index.html,
/// `GET /ui/<file>` the other files. No files are read at run time.
#include <optional>
#include <string_view>
#include <vector>

#include "http_server.hpp"

namespace zonal::node {

struct WebAsset {
  std::string_view name;          ///< file name in node/web, e.g. "app.js"
  std::string_view content_type;  ///< e.g. "text/javascript; charset=utf-8"
  std::string_view body;
};

/// Every embedded file (generated source).
const std::vector<WebAsset>& web_assets();

/// True for the paths the web page is served under ("/", "/index.html", "/ui/..."): they need no
/// API token (the page itself carries none; it reads it from the URL fragment).
bool is_web_path(const std::string& path);

/// The answer to a GET of a web path: the file, or 404; nullopt when `req` is not for the page.
std::optional<HttpResponse> web_response(const HttpRequest& req);

}  // namespace zonal::node
