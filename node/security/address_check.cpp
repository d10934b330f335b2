#include "address_check.hpp"

#include <algorithm>
#include <cctype>

namespace zonal::node {
namespace {

bool name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '-' || c == '_';
}

bool ipv6_char(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0 || c == ':' || c == '.'; }

/// Printable rendering of untrusted text for error messages (at most 64 bytes, escapes for the rest).
std::string shown(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 64)) {
    if (std::isprint(static_cast<unsigned char>(c)) != 0 && c != '\\' && c != '"') {
      out += c;
    } else {
      static constexpr char hex[] = "0123456789abcdef";
      out += "\\x";
      out += hex[static_cast<unsigned char>(c) >> 4];
      out += hex[static_cast<unsigned char>(c) & 15];
    }
  }
  return text.size() > 64 ? out + "..." : out;
}

}  // namespace

std::optional<std::string> address_problem(std::string_view address) {
  if (address.empty()) return "address: must not be empty";
  if (address.size() > address_bytes_max)
    return "address: longer than " + std::to_string(address_bytes_max) + " bytes (" + std::to_string(address.size()) + ")";
  const auto colon = address.rfind(':');
  if (colon == std::string_view::npos) return "address: must be host:port, got \"" + shown(address) + "\"";
  const std::string_view host = address.substr(0, colon);
  const std::string_view port = address.substr(colon + 1);
  if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
      std::stoul(std::string(port)) < 1 || std::stoul(std::string(port)) > 65535)
    return "address: port must be a number 1..65535, got \"" + shown(port) + "\"";
  const bool ipv6 = host.size() > 2 && host.front() == '[' && host.back() == ']' &&
                    std::all_of(host.begin() + 1, host.end() - 1, ipv6_char);
  const bool name = !host.empty() && std::all_of(host.begin(), host.end(), name_char) && host.front() != '.' &&
                    host.front() != '-' && host.find("..") == std::string_view::npos;
  if (!ipv6 && !name)
    return "address: host must be a DNS name, an IPv4 address or a bracketed IPv6 address, got \"" + shown(host) + "\"";
  return std::nullopt;
}

}  // namespace zonal::node
