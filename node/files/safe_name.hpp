#pragma once
/// File names that may be shared, fetched or stored: exactly one path component.
#include <optional>
#include <string>
#include <string_view>

namespace zonal::node {

/// Longest accepted file name, in bytes.
inline constexpr std::size_t file_name_bytes_max = 255;

/// Why `name` is refused (empty, ".", "..", '/', '\\', NUL, leading '.', control characters,
/// longer than 255 bytes), or nullopt when it is a safe single path component. Call on every
/// name that comes from a request, a config or the network before touching the disk.
std::optional<std::string> file_name_problem(std::string_view name);

}  // namespace zonal::node
