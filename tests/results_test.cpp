// The committed reference results are what the code produces: results/quickstart/ (seconds to
// run) is regenerated from scenarios/quickstart.json and compared byte for byte, file by file.
// A change of the model must come with regenerated results (and say so in its commit).
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "sim_cli.hpp"

namespace fs = std::filesystem;

namespace {

using zonal::test::slurp;

TEST(CommittedResults, QuickstartMatchesAFreshRun) {
  const fs::path source(ZONAL_SOURCE_DIR);
  const fs::path committed = source / "results" / "quickstart";
  ASSERT_TRUE(fs::is_directory(committed)) << committed;
  const fs::path fresh = fs::temp_directory_path() / ("zonal-results-quickstart-" + std::to_string(::getpid()));
  fs::remove_all(fresh);
  const std::string cmd = std::string(ZONAL_SIM_EXE) + " " + (source / "scenarios" / "quickstart.json").string() + " --out " +
                          fresh.string() + " --quiet > " + (fresh.string() + ".log") + " 2>&1";
  const int status = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "zonal-sim failed: " << slurp(fresh.string() + ".log");
  std::size_t compared = 0;
  for (const auto& entry : fs::directory_iterator(committed)) {
    const auto name = entry.path().filename();
    if (name == "figures") continue;  // drawn by scripts/plot, not zonal-sim (CTest plot_figures)
    ASSERT_TRUE(fs::exists(fresh / name)) << name << " is committed but a fresh run does not write it";
    EXPECT_TRUE(slurp(entry.path()) == slurp(fresh / name))
        << "results/quickstart/" << name.string() << " differs from a fresh run (regenerate it with "
        << "zonal-sim scenarios/quickstart.json if the model changed on purpose)";
    ++compared;
  }
  EXPECT_GE(compared, 3u);
  for (const auto& entry : fs::directory_iterator(fresh))
    EXPECT_TRUE(fs::exists(committed / entry.path().filename())) << entry.path().filename() << " is written but not committed";
  fs::remove_all(fresh);
  fs::remove(fresh.string() + ".log");
}

}  // namespace
