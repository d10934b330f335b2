#include "output/result_files.hpp"

#include <unistd.h>

#include <fstream>
#include <stdexcept>
#include <string>

#include "output/run_store.hpp"
#include "study/run_table.hpp"
#include "output/summary.hpp"

namespace zonal::sim {
namespace {

namespace fs = std::filesystem;

/// Concatenate runs/NNNN/<name> of `runs` into `dir`/<name> (the first file's header line once);
/// nothing when no run has the file.
void concatenate(const fs::path& dir, const std::vector<StoredRun>& runs, const std::string& name) {
  const fs::path target = dir / name;
  const fs::path tmp = dir / ("." + name + ".tmp-" + std::to_string(::getpid()));
  bool any = false;
  {
    std::ofstream out;
    for (const StoredRun& run : runs) {
      const fs::path part = dir / "runs" / run_dir_name(run.index, run.runs_total) / name;
      std::ifstream in(part, std::ios::binary);
      if (!in) continue;
      std::string header;
      std::getline(in, header);
      if (!any) {
        out.open(tmp, std::ios::binary);
        out << header << '\n';
        any = true;
      }
      out << in.rdbuf();
      if (in.bad()) throw std::runtime_error(part.string() + ": cannot read");
    }
    if (any) {
      out.close();
      if (!out) throw std::runtime_error(tmp.string() + ": cannot write");
    }
  }
  if (any) fs::rename(tmp, target);
  else fs::remove(target);
}

std::vector<std::string> parameter_columns(const std::vector<StoredRun>& runs) {
  std::vector<std::string> columns;
  if (!runs.empty()) {
    for (const auto& [key, value] : runs.front().parameters.items()) columns.push_back(key);
  }
  return columns;
}

}  // namespace

void check_same_table(const std::vector<StoredRun>& runs, const std::string& where) {
  for (const StoredRun& run : runs) {
    const StoredRun& first = runs.front();
    const bool same = run.scenario == first.scenario && run.scenario_seed == first.scenario_seed &&
                      run.runs_total == first.runs_total && run.version == first.version;
    if (!same) {
      throw std::runtime_error(where + ": runs " + std::to_string(first.index) + " and " + std::to_string(run.index) +
                               " come from different sweeps (scenario " + first.scenario + " seed " +
                               std::to_string(first.scenario_seed) + ", " + std::to_string(first.runs_total) +
                               " runs, zonal " + first.version + " vs scenario " + run.scenario + " seed " +
                               std::to_string(run.scenario_seed) + ", " + std::to_string(run.runs_total) +
                               " runs, zonal " + run.version + ")");
    }
  }
}

nlohmann::ordered_json rebuild_result(const fs::path& dir, const std::vector<StoredRun>& runs, bool all_files) {
  const fs::path target = normalised_dir(dir);
  const std::string name = runs.empty() ? std::string() : runs.front().scenario;
  const std::uint64_t seed = runs.empty() ? 0 : runs.front().scenario_seed;
  nlohmann::ordered_json summary = summary_from_runs(name, seed, runs);
  write_file_atomically(target / "summary.json", summary.dump(2) + "\n");
  write_file_atomically(target / "summary.csv", summary_csv(summary, parameter_columns(runs)));
  if (all_files) {
    for (const char* f : run_csv_files) concatenate(target, runs, f);
    fs::remove(target / "messages.svg");  // written by earlier versions; figures are scripts/plot's
  }
  return summary;
}

}  // namespace zonal::sim
