#pragma once
/// Reading REST request fields: JSON body members and query parameters, with ApiError 400
/// naming the field when one is missing or malformed.
#include <optional>
#include <string>

#include "http_server.hpp"
#include "node_api.hpp"

namespace zonal::node {

/// Field `key` of a JSON body: a string (required: non-empty).
std::string body_string(const HttpRequest& req, const std::string& key, bool required = true);
/// Field `key` of a JSON body, or nullopt when absent or empty.
std::optional<std::string> optional_body_string(const HttpRequest& req, const std::string& key);
/// Query parameter `key` (required, non-empty).
std::string query_string(const HttpRequest& req, const std::string& key);
/// Query parameter `key`, or nullopt when absent or empty.
std::optional<std::string> optional_query(const HttpRequest& req, const std::string& key);
/// Query parameter `key` as an integer in [low, high], or nullopt when absent.
std::optional<unsigned> optional_uint(const HttpRequest& req, const std::string& key, unsigned low, unsigned high);

}  // namespace zonal::node
