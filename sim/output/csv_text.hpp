#pragma once
/// Text of CSV cells shared by every CSV the simulator writes (queries, peers, time series).
#include <charconv>
#include <concepts>
#include <string>
#include <string_view>

#include "zonal/assert.hpp"

namespace zonal::sim {

/// Append `v` with exactly `digits` decimals to `out`: the text of printf("%.*f"), which is what a
/// stream with std::fixed writes, without a stream or locale per cell (CSV rows, byte-stable).
inline void append_fixed(std::string& out, double v, int digits) {
  char buf[352];  // the longest %.*f of a double with up to 30 decimals
  ZONAL_ASSERT(digits >= 0 && digits <= 30, "CSV decimals out of range");
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, digits);
  ZONAL_ASSERT(ec == std::errc(), "CSV cell does not fit its buffer");
  out.append(buf, end);
}

/// Append the decimal text of integer `v` to `out` (as a stream writes it).
template <std::integral T>
  requires(!std::same_as<T, bool> && !std::same_as<T, char>)
inline void append_int(std::string& out, T v) {
  char buf[24];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  ZONAL_ASSERT(ec == std::errc(), "CSV cell does not fit its buffer");
  out.append(buf, end);
}

/// `v` with exactly `digits` decimals; call for every fractional CSV cell (byte-stable output).
inline std::string fixed(double v, int digits) {
  std::string s;
  append_fixed(s, v, digits);
  return s;
}

/// `s` as one CSV cell: quoted (with doubled quotes) when it holds a comma, quote or newline.
inline std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

}  // namespace zonal::sim
