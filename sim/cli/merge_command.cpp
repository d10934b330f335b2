// `zonal-sim merge DIR... --out DIR`: combine the result directories of shards (--runs, --shard,
// job arrays) into one result, byte-identical to running every run on one machine.
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "output/output.hpp"
#include "output/result_files.hpp"
#include "output/run_store.hpp"
#include "study/run_table.hpp"

namespace zonal::sim::cli {
namespace {

namespace fs = std::filesystem;

/// Copy run directory `from` to `to` atomically (temporary sibling, then rename).
void copy_run(const fs::path& from, const fs::path& to) {
  const fs::path tmp = to.parent_path() / ("." + to.filename().string() + ".tmp-" + std::to_string(::getpid()));
  fs::remove_all(tmp);
  try {
    fs::copy(from, tmp, fs::copy_options::recursive);
    fs::rename(tmp, to);
  } catch (...) {
    std::error_code ignored;
    fs::remove_all(tmp, ignored);
    throw;
  }
}

int merge(const std::vector<std::string>& inputs, const std::string& out_text, bool quiet) {
  const fs::path out = normalised_dir(out_text);
  std::map<std::size_t, std::pair<StoredRun, fs::path>> chosen;  // run index -> run, its source directory
  std::vector<StoredRun> all;
  for (const auto& input : inputs) {
    const fs::path dir = normalised_dir(input);
    if (dir == out) {
      std::cerr << "zonal-sim merge: --out " << out.string() << " is also an input; choose a new directory\n";
      return exit_usage;
    }
    if (!fs::is_directory(dir / "runs")) {
      std::cerr << "zonal-sim merge: " << dir.string() << ": not a zonal result (no runs/ directory)\n";
      return exit_usage;
    }
    for (StoredRun& run : read_runs(dir)) {
      const auto [it, fresh] = chosen.try_emplace(run.index, run, dir);
      if (!fresh && it->second.first.config_hash != run.config_hash) {
        std::cerr << "zonal-sim merge: run " << run.index << " differs between " << it->second.second.string() << " and "
                  << dir.string() << " (run identity " << it->second.first.config_hash << " vs " << run.config_hash
                  << "): the directories come from different scenarios\n";
        return exit_usage;
      }
      all.push_back(std::move(run));
    }
  }
  if (all.empty()) {
    std::cerr << "zonal-sim merge: the inputs hold no completed runs\n";
    return exit_usage;
  }
  try {
    check_same_table(all, "zonal-sim merge");
  } catch (const std::runtime_error& e) {
    std::cerr << e.what() << "\n";
    return exit_usage;
  }
  if (const std::string problem = output_dir_problem(out); !problem.empty()) {
    std::cerr << "zonal-sim merge: --out: " << problem << "\n";
    return exit_usage;
  }
  clear_result(out, {});
  fs::create_directories(out / "runs");
  std::vector<StoredRun> merged;
  for (const auto& [index, entry] : chosen) {
    const std::string name = run_dir_name(index, entry.first.runs_total);
    copy_run(entry.second / "runs" / name, out / "runs" / name);
    merged.push_back(entry.first);
  }
  for (const auto& input : inputs) {
    const fs::path scenario = normalised_dir(input) / "scenario.json";
    if (fs::is_regular_file(scenario)) {
      fs::copy_file(scenario, out / "scenario.json", fs::copy_options::overwrite_existing);
      break;
    }
  }
  const auto summary = rebuild_result(out, merged, true);
  const std::size_t total = merged.front().runs_total;
  if (!quiet) print_table(std::cout, summary);
  std::cout << "merged " << merged.size() << " of " << total << " runs from " << inputs.size() << " director"
            << (inputs.size() == 1 ? "y" : "ies") << " into " << out.string() << "\n";
  if (merged.size() < total) {
    std::string missing;
    std::size_t shown = 0;
    for (std::size_t i = 0; i < total && shown < 20; ++i) {
      if (chosen.count(i) == 0) {
        missing += (missing.empty() ? "" : ",") + std::to_string(i);
        ++shown;
      }
    }
    std::cerr << "zonal-sim merge: warning: " << total - merged.size() << " runs are missing (" << missing
              << (total - merged.size() > shown ? ",..." : "") << "); run them with --runs and merge again\n";
  }
  return exit_ok;
}

}  // namespace

int merge_command(int argc, char** argv) {
  CLI::App app{"zonal-sim merge: combine result directories of shards into one result"};
  app.name("zonal-sim merge");
  std::vector<std::string> inputs;
  std::string out;
  bool quiet = false;
  app.add_option("dirs", inputs, "Result directories of shards (each with runs/)")->required();
  app.add_option("--out", out, "New, empty, or previous result directory for the combined result")->required();
  app.add_flag("-q,--quiet", quiet, "Do not print the summary table");
  app.footer("Exit status: 0 success (a warning lists missing runs), 1 cannot write, 2 inputs that do not fit together.");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? exit_ok : exit_usage;
  }
  try {
    return merge(inputs, out, quiet);
  } catch (const std::exception& e) {
    std::cerr << "zonal-sim merge: " << e.what() << "\n";
    return exit_failure;
  }
}

}  // namespace zonal::sim::cli
