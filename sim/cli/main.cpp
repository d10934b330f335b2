// zonal-sim: run a scenario file on the deterministic simulator and write its results, or merge
// the results of shards ("zonal-sim merge DIR... --out DIR").
#include <string_view>

#include "commands.hpp"
#include "study/memory_tuning.hpp"

int main(int argc, char** argv) {
  zonal::sim::tune_allocator_for_simulation();
  if (argc >= 2 && std::string_view(argv[1]) == "merge") return zonal::sim::cli::merge_command(argc - 1, argv + 1);
  return zonal::sim::cli::run_command(argc, argv);
}
