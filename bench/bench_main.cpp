// Benchmark entry point: the same allocator settings as zonal-sim, then Google Benchmark.
#include <benchmark/benchmark.h>

#include "study/memory_tuning.hpp"

int main(int argc, char** argv) {
  zonal::sim::tune_allocator_for_simulation();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
