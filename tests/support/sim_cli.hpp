#pragma once
// What the tests that run the zonal-sim command line share: reading a result file whole and
// running zonal-sim (ZONAL_SIM_EXE, defined for every test by tests/CMakeLists.txt) quietly.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace zonal::test {

/// The whole content of file `p` ("" when it cannot be read); call to compare result files.
inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

#ifdef ZONAL_SIM_EXE
/// Run `zonal-sim ARGS --quiet` with its output discarded; returns std::system's status (exit
/// code << 8 on Linux). Call from tests that check what the command line writes.
inline int run_sim(const std::string& args) {
  const std::string cmd = std::string(ZONAL_SIM_EXE) + " " + args + " --quiet > /dev/null 2>&1";
  return std::system(cmd.c_str());
}
#endif

}  // namespace zonal::test
