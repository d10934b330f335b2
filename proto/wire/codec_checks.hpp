#pragma once
/// Field checks shared by the decoders in codec.cpp and chord_codec.cpp (internal to zonal_wire).
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "zonal/types.hpp"

namespace zonal::wire::detail {

/// First problem found while validating, or nullopt when the input is valid.
using Problem = std::optional<std::string>;

inline constexpr std::uint64_t id_max = std::numeric_limits<std::uint32_t>::max();

/// "<field>: <detail>"; call to build every decoder error.
inline std::string fail(std::string_view field, const std::string& detail) { return std::string(field) + ": " + detail; }

/// A value that must fit a 32-bit id; call on every id field.
inline Problem check_id_range(std::uint64_t v, std::string_view field) {
  if (v > id_max) return fail(field, std::to_string(v) + " exceeds the 32-bit id range");
  return std::nullopt;
}

/// A peer id that must name a real peer: 32-bit and not the no_peer sentinel.
inline Problem check_peer_id(std::uint64_t v, std::string_view field) {
  if (auto p = check_id_range(v, field)) return p;
  if (v == no_peer) return fail(field, std::to_string(v) + " is the reserved no_peer id");
  return std::nullopt;
}

/// An unsigned value that must not exceed `max` (narrow core fields); call before narrowing.
inline Problem check_at_most(std::uint64_t v, std::uint64_t max, std::string_view field) {
  if (v > max) return fail(field, std::to_string(v) + " exceeds maximum " + std::to_string(max));
  return std::nullopt;
}

/// The error text of an oversized input.
inline std::string too_large(std::size_t size, std::size_t max_bytes) {
  return "message too large: " + std::to_string(size) + " bytes exceeds maximum " + std::to_string(max_bytes);
}

}  // namespace zonal::wire::detail
