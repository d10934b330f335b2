#include "identity_name.hpp"

#include <charconv>

namespace zonal::node {

std::string node_identity_name(std::uint32_t id) { return "node-" + std::to_string(id); }

std::optional<std::uint32_t> peer_id_of_identity(std::string_view name) {
  constexpr std::string_view prefix = "node-";
  if (name.size() <= prefix.size() || name.substr(0, prefix.size()) != prefix) return std::nullopt;
  const std::string_view digits = name.substr(prefix.size());
  if (digits.size() > 1 && digits[0] == '0') return std::nullopt;  // one spelling per id
  std::uint64_t id = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
  if (ec != std::errc{} || end != digits.data() + digits.size() || id > identity_peer_id_max) return std::nullopt;
  return static_cast<std::uint32_t>(id);
}

std::optional<std::string> identity_name_problem(std::string_view name) {
  if (name == tracker_identity_name || peer_id_of_identity(name)) return std::nullopt;
  return "name: must be \"tracker\" or \"node-<id>\" with a peer id 0.." + std::to_string(identity_peer_id_max) +
         " without leading zeros, got \"" + std::string(name.substr(0, 64)) + "\"";
}

}  // namespace zonal::node
