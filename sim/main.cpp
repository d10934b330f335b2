// zonal-sim: run a scenario file on the deterministic simulator and write its results.
#include <charconv>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "memory_tuning.hpp"
#include "output.hpp"
#include "output_timeseries.hpp"
#include "runner.hpp"
#include "scenario.hpp"
#include "summary.hpp"
#include "topology.hpp"

namespace {

constexpr int exit_ok = 0;
constexpr int exit_failure = 1;
constexpr int exit_bad_scenario = 2;

/// Throttled progress lines on stderr (wall clock used only here, never in results).
class ProgressPrinter {
 public:
  explicit ProgressPrinter(bool enabled) : m_enabled(enabled) {}

  void start_run(std::size_t run, std::uint32_t replication, std::size_t total, std::size_t runs_per_point,
                 const std::string& label) {
    m_run_number = run * runs_per_point + replication + 1;
    m_total = total;
    if (m_enabled) std::cerr << "[" << m_run_number << "/" << m_total << "] " << label << " replication " << replication << "\n";
  }

  void update(const zonal::sim::Progress& p) {
    if (!m_enabled) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - m_last < std::chrono::seconds(2)) return;
    m_last = now;
    std::fprintf(stderr, "  [%zu/%zu] %-8s events %llu  queries %u/%u  sim time %.1f s\n", m_run_number, m_total,
                 std::string(p.phase).c_str(), static_cast<unsigned long long>(p.events), p.queries_started,
                 p.queries_total, static_cast<double>(p.now_us) / 1e6);
  }

 private:
  bool m_enabled;
  std::size_t m_run_number = 0;
  std::size_t m_total = 0;
  std::chrono::steady_clock::time_point m_last = std::chrono::steady_clock::now();
};

/// Parse a seed strictly: decimal digits only, within 0 .. 2^64-1.
std::optional<std::uint64_t> parse_seed(const std::string& text) {
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

/// "zonal-sim: FILE: problem", without repeating FILE when the problem already starts with it.
std::string scenario_error(const std::string& file, const std::string& what) {
  return what.rfind(file, 0) == 0 ? what : file + ": " + what;
}

}  // namespace

int main(int argc, char** argv) {
  zonal::sim::tune_allocator_for_simulation();
  CLI::App app{"zonal-sim: deterministic discrete-event simulator of zone-based and flooding P2P search"};
  std::string scenario_file;
  std::string out_dir;
  std::string seed_text;
  bool quiet = false;
  app.add_option("scenario", scenario_file, "Scenario JSON file (see docs/scenarios.md)")->required();
  app.add_option("--out", out_dir,
                 "Directory for results (default: results/<scenario name>, relative to the current directory); "
                 "must be new, empty, or a previous result");
  app.add_option("--seed", seed_text, "Override the scenario's seed, 0 .. 2^64-1 (replications derive from it)");
  app.add_flag("-q,--quiet", quiet, "No progress lines on stderr (the seed line is still printed)");
  app.footer("Exit status: 0 success, 1 run failure (e.g. cannot write results), 2 invalid scenario or usage.");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? exit_ok : exit_bad_scenario;
  }
  std::optional<std::uint64_t> seed;
  if (!seed_text.empty() && !(seed = parse_seed(seed_text))) {
    std::cerr << "zonal-sim: --seed: expected an integer between 0 and 18446744073709551615, got " << seed_text << "\n";
    return exit_bad_scenario;
  }

  zonal::sim::ScenarioPlan plan;
  try {
    plan = zonal::sim::load_scenario(scenario_file);
  } catch (const zonal::sim::ScenarioError& e) {
    std::cerr << "zonal-sim: invalid scenario: " << scenario_error(scenario_file, e.what()) << "\n";
    return exit_bad_scenario;
  }
  if (seed) {
    plan.seed = *seed;
    for (auto& run : plan.runs) run.scenario.seed = *seed;
  }
  const std::string out = out_dir.empty() ? "results/" + plan.name : out_dir;
  if (const std::string problem = zonal::sim::output_dir_problem(out); !problem.empty()) {
    std::cerr << "zonal-sim: --out: " << problem << "\n";
    return exit_bad_scenario;
  }
  std::cerr << "zonal-sim: scenario " << plan.name << ", seed " << plan.seed << ", " << plan.runs.size()
            << " run(s) x " << plan.replications << " replication(s); replay with: zonal-sim " << scenario_file
            << " --seed " << plan.seed << (out_dir.empty() ? "" : " --out " + out_dir) << "\n";

  ProgressPrinter printer(!quiet);
  try {
    const auto results = zonal::sim::run_plan(
        plan,
        [&](std::size_t run, std::uint32_t r, std::size_t total) {
          printer.start_run(run, r, total, plan.replications, plan.runs[run].label);
        },
        [&](const zonal::sim::Progress& p) { printer.update(p); });
    const auto summary = zonal::sim::summary_json(plan.name, plan.seed, results);
    zonal::sim::write_results(out, summary, results);
    zonal::sim::print_table(std::cout, summary);
    std::cout << "results: " << out << "/{summary.json,queries.csv,peers.csv"
              << (zonal::sim::has_timeseries(results) ? ",timeseries.csv" : "") << "}; figures: scripts/plot " << out
              << "\n";
  } catch (const zonal::sim::TopologyError& e) {
    std::cerr << "zonal-sim: topology: " << e.what() << "\n";
    return exit_bad_scenario;
  } catch (const std::exception& e) {
    std::cerr << "zonal-sim: " << e.what() << "\n";
    return exit_failure;
  }
  return exit_ok;
}
