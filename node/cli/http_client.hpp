#pragma once
/// Minimal blocking HTTP/1.1 JSON client for the node's REST API, with an overall deadline.
#include <chrono>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace zonal::cli {

struct HttpResult {
  int status = 0;
  nlohmann::json body;
};

/// How one call is made.
struct CallOptions {
  std::string token;                                   ///< sent as "Authorization: Bearer TOKEN" unless empty
  std::chrono::milliseconds timeout{30'000};           ///< whole call: connect, send, answer (0: no limit)
};

/// Send `method` `target` (with a JSON `body` unless null) to host:port; throws std::runtime_error
/// when the node cannot be reached, does not answer within the timeout, or answers with
/// something other than JSON.
HttpResult http_call(const std::string& host_port, const std::string& method, const std::string& target,
                     const nlohmann::json& body = nullptr, const CallOptions& options = {});

/// The API token of the node whose data directory is `data_dir` (DATA_DIR/api-token), or an
/// empty string when that file does not exist; throws std::runtime_error when it exists but cannot be read.
std::string read_api_token(const std::filesystem::path& data_dir);

/// Percent-encode a query parameter value.
std::string url_encode(const std::string& text);

}  // namespace zonal::cli
