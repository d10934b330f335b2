#pragma once
/// Minimal blocking HTTP/1.1 JSON client for the node's REST API.
#include <string>

#include <nlohmann/json.hpp>

namespace zonal::cli {

struct HttpResult {
  int status = 0;
  nlohmann::json body;
};

/// Send `method` `target` (with a JSON `body` unless null) to host:port; throws std::runtime_error
/// when the node cannot be reached or answers with something other than JSON.
HttpResult http_call(const std::string& host_port, const std::string& method, const std::string& target,
                     const nlohmann::json& body = nullptr);

/// Percent-encode a query parameter value.
std::string url_encode(const std::string& text);

}  // namespace zonal::cli
