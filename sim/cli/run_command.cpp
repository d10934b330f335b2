// `zonal-sim SCENARIO [options]`: list, check, run (all, some, one shard, resumed) the runs of a
// scenario and (re)build its result directory.
#include <csignal>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "study/estimate.hpp"
#include "interrupt.hpp"
#include "output/output.hpp"
#include "progress.hpp"
#include "output/result_files.hpp"
#include "output/run_store.hpp"
#include "study/run_table.hpp"
#include "scenario/scenario.hpp"
#include "study/sweep.hpp"
#include "model/topology.hpp"
#include "output/version.hpp"

namespace zonal::sim::cli {
namespace {

namespace fs = std::filesystem;

struct Options {
  std::string scenario_file;
  std::string out_dir;
  std::string seed_text;
  std::vector<std::string> sets;
  std::string runs_text;
  std::string shard_text;
  bool runs_from_env = false;
  std::size_t jobs = 1;
  std::uint32_t threads = 0;  // 0: the scenario's `threads`
  bool resume = false;
  bool list = false;
  bool dry_run = false;
  std::string max_memory_text;
  bool quiet = false;
};

/// A usage or scenario problem: printed as "zonal-sim: <what>", exit status 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
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

/// "16G", "512M", "2.5G", "100000000" (bytes) -> bytes.
double parse_memory(const std::string& text) {
  std::size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  const std::string unit = text.substr(used);
  const double scale = unit.empty() ? 1.0 : unit == "K" ? 1e3 : unit == "M" ? 1e6 : unit == "G" ? 1e9 : unit == "T" ? 1e12 : -1.0;
  if (used == 0 || scale < 0 || !(value > 0)) {
    throw UsageError("--max-memory: expected a size such as 16G, 512M or 2.5G, got " + text);
  }
  return value * scale;
}

ScenarioPlan load(const Options& o) {
  std::vector<Override> overrides;
  try {
    if (!o.seed_text.empty()) {
      const auto seed = parse_seed(o.seed_text);
      if (!seed) throw UsageError("--seed: expected an integer between 0 and 18446744073709551615, got " + o.seed_text);
      overrides.push_back(Override{"seed", *seed});
    }
    for (const auto& s : o.sets) overrides.push_back(parse_override(s));
    ScenarioPlan plan = load_scenario(o.scenario_file, overrides);
    if (o.threads != 0)
      for (RunSpec& run : plan.runs) run.scenario.threads = o.threads;
    return plan;
  } catch (const ScenarioError& e) {
    throw UsageError("invalid scenario: " + scenario_error(o.scenario_file, e.what()));
  }
}

/// The runs to execute: --runs, --shard, --runs-from-env, or all.
std::vector<std::size_t> selection(const Options& o, std::size_t total) {
  const int given = !o.runs_text.empty() + !o.shard_text.empty() + o.runs_from_env;
  if (given > 1) throw UsageError("--runs, --shard and --runs-from-env exclude each other");
  try {
    if (!o.runs_text.empty()) return parse_run_selection(o.runs_text, total);
    if (!o.shard_text.empty()) return parse_shard(o.shard_text, total);
    if (o.runs_from_env) {
      for (const char* var : {"SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX"}) {
        if (const char* v = std::getenv(var); v != nullptr && *v != '\0') return parse_run_selection(v, total);
      }
      throw UsageError("--runs-from-env: neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX is set");
    }
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string(!o.runs_text.empty() ? "--runs " : !o.shard_text.empty() ? "--shard " : "--runs-from-env ") +
                     e.what());
  }
  std::vector<std::size_t> all(total);
  for (std::size_t i = 0; i < total; ++i) all[i] = i;
  return all;
}

std::string parameters_text(const nlohmann::ordered_json& parameters) {
  std::string text;
  for (const auto& [k, v] : parameters.items()) {
    text += (text.empty() ? "" : " ") + k + "=" + (v.is_string() ? v.get<std::string>() : v.dump());
  }
  return text.empty() ? "-" : text;
}

void print_run_list(std::ostream& out, const ScenarioPlan& plan, const std::vector<PlannedRun>& table,
                    const std::vector<std::size_t>& picked, const std::vector<RunEstimate>* estimates) {
  out << "run  replication  seed                  " << (estimates ? "memory     events      " : "") << "label  [swept values]\n";
  for (std::size_t i : picked) {
    const PlannedRun& r = table[i];
    const RunSpec& spec = plan.runs[r.point];
    out << std::left << std::setw(5) << r.index << std::setw(13) << r.replication << std::setw(22) << r.seed;
    if (estimates) {
      std::ostringstream events;
      events << std::setprecision(3) << (*estimates)[r.point].events;
      out << std::setw(11) << format_bytes((*estimates)[r.point].memory_bytes) << std::setw(12) << events.str();
    }
    out << spec.label << "  [" << parameters_text(spec.parameters) << "]\n" << std::right;
  }
}

/// Refuse (UsageError) when the largest selected run times the runs in parallel exceeds the limit.
void check_memory(const Options& o, const ScenarioPlan& plan, const std::vector<PlannedRun>& table,
                  const std::vector<std::size_t>& picked, const std::vector<RunEstimate>& estimates) {
  const double physical = static_cast<double>(physical_memory_bytes());
  const double limit = o.max_memory_text.empty() ? 0.8 * physical : parse_memory(o.max_memory_text);
  if (limit <= 0 || picked.empty()) return;
  std::size_t worst = picked.front();
  for (std::size_t i : picked)
    if (estimates[table[i].point].memory_bytes > estimates[table[worst].point].memory_bytes) worst = i;
  const double one = estimates[table[worst].point].memory_bytes;
  const double parallel = static_cast<double>(std::min(o.jobs, picked.size()));
  if (one * parallel <= limit) return;
  const std::string limit_text = format_bytes(limit) + (o.max_memory_text.empty() ? " (80% of the " + format_bytes(physical) + " of physical memory)" : "");
  throw UsageError("run " + std::to_string(worst) + " (" + plan.runs[table[worst].point].label + ") needs an estimated " +
                   format_bytes(one) + (parallel > 1 ? " (x " + std::to_string(static_cast<int>(parallel)) + " jobs = " + format_bytes(one * parallel) + ")" : std::string()) +
                   " of memory, more than --max-memory " + limit_text +
                   "; reduce peers, degree, queries or --jobs, or raise --max-memory");
}

/// The input scenario, when it lies directly inside the result directory (kept, never removed).
fs::path scenario_inside(const Options& o, const fs::path& out) {
  const fs::path input = fs::absolute(o.scenario_file).lexically_normal();
  return input.parent_path() == normalised_dir(out) ? input : fs::path();
}

/// --resume: the completed runs must come from this very run table; returns the indices to run.
std::vector<std::size_t> resumable(const fs::path& out, const std::vector<PlannedRun>& table,
                                   const std::vector<std::size_t>& picked) {
  remove_run_temporaries(out);
  std::vector<StoredRun> done;
  try {
    done = read_runs(out);
  } catch (const std::runtime_error& e) {
    throw UsageError(std::string("--resume: ") + e.what());
  }
  std::vector<bool> complete(table.size(), false);
  for (const StoredRun& run : done) {
    if (run.runs_total != table.size() || run.config_hash != table[run.index].config_hash) {
      throw UsageError("--resume: " + out.string() + "/runs/" + run_dir_name(run.index, run.runs_total) +
                       " was made by a different scenario, seed or zonal version (run identity " + run.config_hash +
                       ", now " + (run.index < table.size() ? table[run.index].config_hash : std::string("no such run")) +
                       "); resume with the scenario and options that made it, or start a new result without --resume");
    }
    complete[run.index] = true;
  }
  std::vector<std::size_t> todo;
  for (std::size_t i : picked)
    if (!complete[i]) todo.push_back(i);
  return todo;
}

std::string resume_command(const Options& o, const fs::path& out) {
  std::string cmd = "zonal-sim " + o.scenario_file + " --out " + out.string() + " --resume";
  if (!o.seed_text.empty()) cmd += " --seed " + o.seed_text;
  for (const auto& s : o.sets) cmd += " --set " + s;
  if (!o.runs_text.empty()) cmd += " --runs " + o.runs_text;
  if (!o.shard_text.empty()) cmd += " --shard " + o.shard_text;
  if (o.jobs > 1) cmd += " --jobs " + std::to_string(o.jobs);
  if (o.threads != 0) cmd += " --threads " + std::to_string(o.threads);
  return cmd;
}

int execute(const Options& o) {
  const ScenarioPlan plan = load(o);
  for (const auto& w : plan.warnings) std::cerr << "zonal-sim: warning: " << w << "\n";
  const std::string version = zonal_version();
  const std::vector<PlannedRun> table = plan_run_table(plan, version);
  const std::vector<std::size_t> picked = selection(o, table.size());
  if (o.list) {
    print_run_list(std::cout, plan, table, picked, nullptr);
    return exit_ok;
  }
  std::vector<RunEstimate> estimates;
  for (const auto& run : plan.runs) estimates.push_back(estimate_run(run.scenario));
  if (o.dry_run) {
    std::cout << "scenario " << plan.name << " is valid: " << table.size() << " run(s) (" << plan.runs.size()
              << " sweep point(s) x " << plan.replications << " replication(s)), " << picked.size() << " selected\n";
    print_run_list(std::cout, plan, table, picked, &estimates);
    check_memory(o, plan, table, picked, estimates);
    std::cout << "estimates are rough guides (random walks: upper bounds); --jobs " << o.jobs << " runs "
              << std::min(o.jobs, std::max<std::size_t>(1, picked.size())) << " at once\n";
    return exit_ok;
  }
  check_memory(o, plan, table, picked, estimates);

  const fs::path out = o.out_dir.empty() ? fs::path("results") / plan.name : fs::path(o.out_dir);
  const fs::path keep = scenario_inside(o, out);
  if (const std::string problem = output_dir_problem(out, keep); !problem.empty()) throw UsageError("--out: " + problem);
  const std::vector<std::size_t> todo = o.resume ? resumable(out, table, picked) : picked;
  std::cerr << "zonal-sim: scenario " << plan.name << ", seed " << plan.seed << ", " << plan.runs.size() << " run(s) x "
            << plan.replications << " replication(s) = " << table.size() << " runs; running " << todo.size()
            << (o.resume ? " missing" : "") << " with --jobs " << o.jobs << "; replay with: zonal-sim " << o.scenario_file
            << " --seed " << plan.seed << (o.out_dir.empty() ? "" : " --out " + o.out_dir) << "\n";

  if (!o.resume) clear_result(out, keep);
  fs::create_directories(out);
  if (keep != normalised_dir(out) / "scenario.json") {
    fs::copy_file(o.scenario_file, out / "scenario.json", fs::copy_options::overwrite_existing);
  }

  SweepProgress progress(!o.quiet, todo.size());
  std::atomic<bool> stop{false};
  SweepJob job{&plan, &table, todo, o.jobs, out, version, {}};
  SweepHooks hooks;
  hooks.started = [&](std::size_t i) { progress.started(i, plan.runs[table[i].point].label, table[i].replication); };
  hooks.progress = [&](std::size_t i, const Progress& p) { progress.update(i, p); };
  hooks.finished = [&](const StoredRun& run, double wall_s) {
    rebuild_result(out, read_runs(out), false);
    const double queries = run.metrics.get("queries");
    progress.finished(run.index, wall_s,
                      queries * (run.metrics.get("messages_per_query") + run.metrics.get("hit_messages_per_query")));
  };
  int signal = 0;
  {
    InterruptWatcher watcher(stop);
    try {
      run_sweep(job, stop, hooks);
    } catch (...) {
      remove_run_temporaries(out);
      throw;
    }
    signal = watcher.received();
  }
  remove_run_temporaries(out);
  const std::vector<StoredRun> runs = read_runs(out);
  if (!runs.empty()) check_same_table(runs, out.string());
  const nlohmann::ordered_json summary =
      runs.empty() ? nlohmann::ordered_json{{"runs", nlohmann::ordered_json::array()}} : rebuild_result(out, runs, true);
  if (signal != 0) {
    std::cerr << "zonal-sim: interrupted by " << (signal == SIGINT ? "SIGINT" : "SIGTERM") << " after "
              << progress.elapsed() << ": " << runs.size() << " of " << table.size()
              << " runs complete in " << out.string() << " (kept; the runs in progress were discarded)\n"
              << "resume with: " << resume_command(o, out) << "\n";
    return exit_interrupted;
  }
  print_table(std::cout, summary);
  std::cout << "results: " << out.string() << "/{summary.json,summary.csv,queries.csv,peers.csv,runs/}; figures: scripts/plot " << out.string() << "\n";
  if (runs.size() < table.size()) {
    std::cout << "note: " << runs.size() << " of " << table.size() << " runs are in " << out.string()
              << "; run the others (--runs, --shard) and combine the directories with zonal-sim merge\n";
  }
  return exit_ok;
}

}  // namespace

int run_command(int argc, char** argv) {
  CLI::App app{"zonal-sim: deterministic discrete-event simulator of zone-based and flooding P2P search\n"
               "  zonal-sim SCENARIO.json [options]        run (some of) a scenario's runs\n"
               "  zonal-sim merge DIR... --out DIR          combine the results of shards"};
  Options o;
  app.set_version_flag("--version", "zonal-sim " + zonal_version() + " (commit " + zonal_commit() + ")");
  app.add_option("scenario", o.scenario_file, "Scenario JSON file (see docs/scenarios.md)")->required();
  app.add_option("--out", o.out_dir,
                 "Directory for results (default: results/<scenario name>, relative to the current directory); "
                 "must be new, empty, or a previous result (which a run without --resume replaces)");
  app.add_option("--seed", o.seed_text, "Override the scenario's seed, 0 .. 2^64-1 (replications derive from it)");
  app.add_option("--set", o.sets, "Override a scenario value, KEY.PATH=VALUE (JSON, or a plain string), e.g. "
                                  "--set search.ttl=5; repeatable; validated and recorded like the file");
  app.add_flag("--list", o.list, "Print the run table (index, replication, seed, label, swept values) and exit");
  app.add_flag("--dry-run", o.dry_run, "Validate, print the runs with estimated peak memory and events, and exit");
  app.add_option("--runs", o.runs_text, "Run only these runs of the table, e.g. 0,3,5-7");
  app.add_option("--shard", o.shard_text, "Run only shard I of N (runs whose index % N == I), e.g. 0/4");
  app.add_flag("--runs-from-env", o.runs_from_env,
               "Run the run numbered $SLURM_ARRAY_TASK_ID (Slurm job array) or $JOB_COMPLETION_INDEX (Kubernetes Indexed Job)");
  app.add_option("-j,--jobs", o.jobs, "Runs executed in parallel (threads); results are identical for every value")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1024}));
  app.add_option("--threads", o.threads,
                 "Threads of each run (flood family; overrides the scenario's `threads`); results are identical "
                 "for every value. With --jobs J, up to J x N threads run at once")
      ->check(CLI::Range(std::uint32_t{1}, threads_max));
  app.add_flag("--resume", o.resume, "Keep the completed runs in --out and run only the missing ones");
  app.add_option("--max-memory", o.max_memory_text,
                 "Refuse to start when the estimated peak memory (largest run x jobs) exceeds this, e.g. 16G "
                 "(default: 80% of physical memory)");
  app.add_flag("-q,--quiet", o.quiet, "No progress lines on stderr (the seed line is still printed)");
  app.footer("Exit status: 0 success, 1 run failure (e.g. cannot write results), 2 invalid scenario or usage,\n"
             "130 interrupted (SIGINT/SIGTERM: completed runs are kept; rerun with --resume).");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? exit_ok : exit_usage;
  }
  try {
    return execute(o);
  } catch (const UsageError& e) {
    std::cerr << "zonal-sim: " << e.what() << "\n";
    return exit_usage;
  } catch (const TopologyError& e) {
    std::cerr << "zonal-sim: topology: " << e.what() << "\n";
    return exit_usage;
  } catch (const std::exception& e) {
    std::cerr << "zonal-sim: " << e.what() << "\n";
    return exit_failure;
  }
}

}  // namespace zonal::sim::cli
