#include "request_fields.hpp"

namespace zonal::node {

using nlohmann::json;

std::string body_string(const HttpRequest& req, const std::string& key, bool required) {
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

std::optional<std::string> optional_body_string(const HttpRequest& req, const std::string& key) {
  std::string v = body_string(req, key, false);
  if (v.empty()) return std::nullopt;
  return v;
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

std::optional<unsigned> optional_uint(const HttpRequest& req, const std::string& key, unsigned low, unsigned high) {
  const auto text = optional_query(req, key);
  if (!text) return std::nullopt;
  const std::string range = "between " + std::to_string(low) + " and " + std::to_string(high);
  if (text->size() > 9 || text->find_first_not_of("0123456789") != std::string::npos)
    throw ApiError(400, key + ": must be an integer " + range + ", got \"" + *text + "\"");
  const auto v = static_cast<unsigned>(std::stoul(*text));
  if (v < low || v > high) throw ApiError(400, key + ": must be " + range + ", got " + *text);
  return v;
}

}  // namespace zonal::node
