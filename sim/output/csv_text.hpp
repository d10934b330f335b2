#pragma once
/// Text of CSV cells shared by every CSV the simulator writes (queries, peers, time series).
#include <iomanip>
#include <sstream>
#include <string>

namespace zonal::sim {

/// `v` with exactly `digits` decimals; call for every fractional CSV cell (byte-stable output).
inline std::string fixed(double v, int digits) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(digits) << v;
  return s.str();
}

/// `s` as one CSV cell: quoted (with doubled quotes) when it holds a comma, quote or newline.
inline std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

}  // namespace zonal::sim
