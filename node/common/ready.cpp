#include "ready.hpp"

#include <fstream>
#include <iostream>

namespace zonal::node {

void announce_ready(const nlohmann::json& info, const std::filesystem::path& dir) {
  std::cout << info.dump() << std::endl;
  if (dir.empty()) return;
  const auto tmp = dir / ".ready.json.tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << info.dump() << '\n';
  }
  std::error_code ec;
  std::filesystem::rename(tmp, dir / "ready.json", ec);
}

}  // namespace zonal::node
