#include "study/sweep.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <exception>
#include <mutex>
#include <thread>

#include "output/summary.hpp"
#include "output/version.hpp"
#include "zonal/strategy.hpp"

namespace zonal::sim {
namespace {

/// Thrown from the progress callback to abandon a run when the sweep stops.
struct Interrupted {};

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

double peak_rss_mb() {
  rusage usage{};
  if (::getrusage(RUSAGE_SELF, &usage) != 0) return 0.0;
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports KiB
}

nlohmann::ordered_json provenance(double wall_s, std::size_t jobs, std::uint32_t threads) {
  nlohmann::ordered_json p;
  p["zonal_commit"] = zonal_commit();
  p["host"] = host_name();
  p["wall_s"] = wall_s;
  p["process_peak_rss_mb"] = peak_rss_mb();
  p["jobs"] = jobs;
  p["threads"] = threads;  // of this run (--threads, the scenario's `threads`)
  p["hardware_threads"] = std::thread::hardware_concurrency();
  return p;
}

}  // namespace

StoredRun make_stored_run(const ScenarioPlan& plan, const PlannedRun& planned, std::size_t runs_total,
                          const RunResult& result, const std::string& version) {
  const RunSpec& spec = plan.runs[planned.point];
  StoredRun s;
  s.index = planned.index;
  s.point = planned.point;
  s.runs_total = runs_total;
  s.scenario = plan.name;
  s.scenario_seed = plan.seed;
  s.label = spec.label;
  s.parameters = spec.parameters;
  s.replication = planned.replication;
  s.seed = planned.seed;
  s.version = version;
  s.config_hash = planned.config_hash;
  s.strategy = strategy_name(result.strategy);
  s.peers = result.peers;
  s.edges = result.edges;
  s.zones = result.zone_count;
  s.events = result.events;
  s.metrics = compute_metrics(result);
  return s;
}

void run_sweep(const SweepJob& job, const std::atomic<bool>& stop, const SweepHooks& hooks) {
  std::mutex lock;
  std::size_t next = 0;
  std::exception_ptr failure;
  std::atomic<bool> failed{false};
  const auto halted = [&] { return stop.load() || failed.load(); };
  // Query rows go to disk beside the results as queries complete (an unlinked file per run), so
  // a run of millions of queries holds only the recent ones.
  const std::filesystem::path out = normalised_dir(job.dir);
  std::filesystem::create_directories(out);
  const RunOptions spool{out, -1};

  const auto worker = [&] {
    while (true) {
      std::size_t index = 0;
      {
        const std::lock_guard guard(lock);
        if (halted() || next >= job.todo.size()) return;
        index = job.todo[next++];
        if (hooks.started) hooks.started(index);
      }
      const PlannedRun& planned = (*job.table)[index];
      const RunSpec& spec = job.plan->runs[planned.point];
      const auto t0 = std::chrono::steady_clock::now();
      try {
        RunResult result = run_simulation(
            spec.scenario, planned.seed,
            [&](const Progress& p) {
              if (halted()) throw Interrupted{};
              if (hooks.progress) hooks.progress(index, p);
            },
            {}, false, spool);
        result.label = spec.label;
        result.replication = planned.replication;
        const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const StoredRun stored = make_stored_run(*job.plan, planned, job.table->size(), result, job.version);
        write_run(job.dir, stored, spec.document, result, provenance(wall_s, job.jobs, spec.scenario.threads), job.extra_writers);
        const std::lock_guard guard(lock);
        if (hooks.finished) hooks.finished(stored, wall_s);
      } catch (const Interrupted&) {
        return;
      } catch (...) {
        const std::lock_guard guard(lock);
        if (!failure) failure = std::current_exception();
        failed = true;
        return;
      }
    }
  };

  const std::size_t threads = std::max<std::size_t>(1, std::min(job.jobs, job.todo.size()));
  if (threads == 1) {
    worker();
  } else {
    std::vector<std::thread> pool;
    for (std::size_t i = 0; i < threads; ++i) pool.emplace_back(worker);
    for (auto& t : pool) t.join();
  }
  if (failure) std::rethrow_exception(failure);
}

}  // namespace zonal::sim
