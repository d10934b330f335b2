#pragma once
/// zonal-sim's two commands: running a scenario (all or some of its runs) and merging the
/// result directories of shards. Both return the process exit status.
namespace zonal::sim::cli {

inline constexpr int exit_ok = 0;
inline constexpr int exit_failure = 1;
inline constexpr int exit_usage = 2;        ///< invalid scenario or command line
inline constexpr int exit_interrupted = 130;  ///< SIGINT/SIGTERM: completed runs kept, resumable

/// `zonal-sim SCENARIO [options]`; call from main.
int run_command(int argc, char** argv);

/// `zonal-sim merge DIR... --out DIR`; call from main with argv[1] == "merge" removed.
int merge_command(int argc, char** argv);

}  // namespace zonal::sim::cli
