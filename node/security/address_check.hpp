#pragma once
/// Validation of the host:port addresses peers register and the directory hands out.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace zonal::node {

/// Longest address accepted, in bytes.
inline constexpr std::size_t address_bytes_max = 255;

/// Why `address` is not a usable peer address; nullopt when it is. Accepted: HOST:PORT with PORT
/// a decimal 1..65535 and HOST a DNS name or IPv4 address (letters, digits, '.', '-', '_') or a
/// bracketed IPv6 address ("[::1]"); at most 255 bytes in all. The text names the field `address`.
std::optional<std::string> address_problem(std::string_view address);

}  // namespace zonal::node
