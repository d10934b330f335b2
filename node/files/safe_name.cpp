#include "safe_name.hpp"

namespace zonal::node {

std::optional<std::string> file_name_problem(std::string_view name) {
  if (name.empty()) return "name: must not be empty";
  if (name.size() > file_name_bytes_max)
    return "name: " + std::to_string(name.size()) + " bytes exceeds maximum " + std::to_string(file_name_bytes_max);
  if (name == "." || name == "..") return "name: \"" + std::string(name) + "\" is not a file name";
  if (name.front() == '.') return "name: must not start with '.'";
  for (char c : name) {
    if (c == '/' || c == '\\') return "name: must be a single path component (no '/' or '\\')";
    if (c == '\0') return "name: must not contain NUL";
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return "name: must not contain control characters";
  }
  return std::nullopt;
}

}  // namespace zonal::node
