#include "output/run_store.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "output/output.hpp"
#include "output/output_timeseries.hpp"
#include "study/run_table.hpp"

namespace zonal::sim {
namespace {

namespace fs = std::filesystem;

bool listed(std::string_view name, const auto& list) {
  return std::find(std::begin(list), std::end(list), name) != std::end(list);
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path.string() + ": cannot read");
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) throw std::runtime_error(path.string() + ": cannot read");
  return s.str();
}

template <typename Writer>
void write_stream(const fs::path& path, Writer writer) {
  std::ofstream out(path, std::ios::binary);
  writer(out);
  out.close();
  if (!out) throw std::runtime_error(path.string() + ": cannot write");
}

/// "<name>.tmp-<pid>" temporaries: the pid of the process that wrote it, or 0 if not one.
long temporary_owner(const std::string& name) {
  const std::size_t at = name.rfind(".tmp-");
  if (name.empty() || name[0] != '.' || at == std::string::npos) return 0;
  try {
    return std::stol(name.substr(at + 5));
  } catch (const std::exception&) {
    return 0;
  }
}

/// Why `target` (which does not exist) could not be created with its missing parents, or "".
std::string creatable_problem(const fs::path& target) {
  std::error_code ec;
  fs::path ancestor = target.parent_path();
  while (!ancestor.empty() && !fs::exists(fs::symlink_status(ancestor, ec))) ancestor = ancestor.parent_path();
  if (ancestor.empty()) ancestor = ".";
  if (!fs::is_directory(ancestor, ec)) return target.string() + ": cannot be created: " + ancestor.string() + " is not a directory";
  if (::access(ancestor.c_str(), W_OK | X_OK) != 0)
    return target.string() + ": cannot be created: " + ancestor.string() + " is not writable";
  return {};
}

/// Why the figures/ directory of a previous result holds more than scripts/plot's figures, or "".
std::string figures_problem(const fs::path& figures) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(figures, ec)) {
    const std::string ext = entry.path().extension().string();
    if (!entry.is_regular_file() || (ext != ".png" && ext != ".svg" && ext != ".pdf")) {
      return figures.string() + ": holds \"" + entry.path().filename().string() +
             "\", not a figure; choose an empty or new directory";
    }
  }
  return ec ? figures.string() + ": cannot list: " + ec.message() : std::string();
}

}  // namespace

fs::path normalised_dir(const fs::path& dir) {
  fs::path p = fs::absolute(dir).lexically_normal();
  if (!p.has_filename()) p = p.parent_path();  // "out/" and "." name the directory itself
  return p;
}

std::string output_dir_problem(const fs::path& dir, const fs::path& keep) {
  const fs::path target = normalised_dir(dir);
  std::error_code ec;
  const auto status = fs::status(target, ec);
  if (!fs::exists(status)) return creatable_problem(target);
  if (!fs::is_directory(status)) return target.string() + ": exists and is not a directory";
  const fs::path kept = keep.empty() ? fs::path() : fs::absolute(keep).lexically_normal();
  for (const auto& entry : fs::directory_iterator(target, ec)) {
    const std::string name = entry.path().filename().string();
    if (name == "figures" && entry.is_directory()) {
      if (std::string problem = figures_problem(entry.path()); !problem.empty()) return problem;
    }
    const bool ours = temporary_owner(name) != 0 || (listed(name, result_top_files) && entry.is_regular_file()) ||
                      (listed(name, result_dirs) && entry.is_directory()) || (!kept.empty() && entry.path() == kept);
    if (!ours) {
      return target.string() + ": not empty and not a zonal result (it holds \"" + name +
             "\"); choose an empty or new directory";
    }
  }
  if (ec) return target.string() + ": cannot list: " + ec.message();
  if (::access(target.c_str(), W_OK | X_OK) != 0) return target.string() + ": is not writable";
  return {};
}

void clear_result(const fs::path& dir, const fs::path& keep) {
  const fs::path target = normalised_dir(dir);
  if (!fs::exists(target)) return;
  const fs::path kept = keep.empty() ? fs::path() : fs::absolute(keep).lexically_normal();
  for (const char* f : result_top_files) {
    if (target / f != kept) fs::remove(target / f);
  }
  for (const char* d : result_dirs) fs::remove_all(target / d);
  std::vector<fs::path> temporaries;
  for (const auto& entry : fs::directory_iterator(target)) {
    if (temporary_owner(entry.path().filename().string()) != 0) temporaries.push_back(entry.path());
  }
  for (const auto& p : temporaries) fs::remove_all(p);
}

void write_run(const fs::path& dir, const StoredRun& run, const nlohmann::ordered_json& resolved,
               const RunResult& result, const nlohmann::ordered_json& provenance,
               const std::vector<RunFileWriter>& extra_writers) {
  const fs::path runs = normalised_dir(dir) / "runs";
  const std::string name = run_dir_name(run.index, run.runs_total);
  const std::string pid = std::to_string(::getpid());
  const fs::path tmp = runs / ("." + name + ".tmp-" + pid);
  const fs::path final_dir = runs / name;
  fs::create_directories(runs);
  fs::remove_all(tmp);  // only ever a leftover of a crashed process with our pid
  fs::create_directory(tmp);
  try {
    write_stream(tmp / "run.json", [&](std::ostream& o) { o << to_json(run).dump(2) << "\n"; });
    write_stream(tmp / "scenario.resolved.json", [&](std::ostream& o) { o << resolved.dump(2) << "\n"; });
    write_stream(tmp / "queries.csv", [&](std::ostream& o) {
      write_queries_header(o);
      write_queries_rows(o, result);
    });
    write_stream(tmp / "peers.csv", [&](std::ostream& o) {
      write_peers_header(o);
      write_peers_rows(o, result);
    });
    if (!result.timeseries.windows.empty()) write_timeseries_csv(tmp / "timeseries.csv", result);
    for (const auto& writer : extra_writers) writer(tmp, result);
    write_stream(tmp / "provenance.json", [&](std::ostream& o) { o << provenance.dump(2) << "\n"; });
    if (fs::exists(final_dir)) {
      const fs::path old = runs / ("." + name + ".old-tmp-" + pid);
      fs::remove_all(old);
      fs::rename(final_dir, old);
      fs::rename(tmp, final_dir);
      fs::remove_all(old);
    } else {
      fs::rename(tmp, final_dir);
    }
  } catch (...) {
    std::error_code ignored;
    fs::remove_all(tmp, ignored);
    throw;
  }
}

std::vector<StoredRun> read_runs(const fs::path& dir) {
  const fs::path runs = normalised_dir(dir) / "runs";
  std::vector<StoredRun> found;
  std::error_code ec;
  if (!fs::is_directory(runs, ec)) return found;
  for (const auto& entry : fs::directory_iterator(runs)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with(".")) continue;  // temporaries of runs still being written
    const bool digits = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits || !entry.is_directory()) {
      throw std::runtime_error(entry.path().string() + ": not a run directory (expected runs/NNNN/)");
    }
    const fs::path file = entry.path() / "run.json";
    nlohmann::ordered_json doc;
    try {
      doc = nlohmann::ordered_json::parse(read_text(file));
    } catch (const nlohmann::json::exception& e) {
      throw std::runtime_error(file.string() + ": invalid JSON: " + e.what());
    }
    StoredRun run = stored_run_from_json(doc, file.string());
    if (run_dir_name(run.index, run.runs_total) != name) {
      throw std::runtime_error(file.string() + ": index " + std::to_string(run.index) + " does not match its directory");
    }
    found.push_back(std::move(run));
  }
  std::sort(found.begin(), found.end(), [](const StoredRun& a, const StoredRun& b) { return a.index < b.index; });
  return found;
}

void remove_run_temporaries(const fs::path& dir) {
  const long self = ::getpid();
  std::vector<fs::path> doomed;
  std::error_code ec;
  for (const fs::path& where : {normalised_dir(dir), normalised_dir(dir) / "runs"}) {
    if (!fs::is_directory(where, ec)) continue;
    for (const auto& entry : fs::directory_iterator(where, ec)) {
      const long owner = temporary_owner(entry.path().filename().string());
      // Ours, or left by a process that no longer exists (killed with SIGKILL, power loss).
      if (owner != 0 && (owner == self || (::kill(static_cast<pid_t>(owner), 0) != 0 && errno == ESRCH))) {
        doomed.push_back(entry.path());
      }
    }
  }
  for (const auto& p : doomed) fs::remove_all(p, ec);
}

void write_file_atomically(const fs::path& path, const std::string& text) {
  std::string name = ".";  // appended piecewise: GCC 12 warns (-Wrestrict) on "." + a + b
  name += path.filename().string();
  name += ".tmp-";
  name += std::to_string(::getpid());
  const fs::path tmp = path.parent_path() / name;
  try {
    write_stream(tmp, [&](std::ostream& o) { o << text; });
    fs::rename(tmp, path);
  } catch (...) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    throw;
  }
}

}  // namespace zonal::sim
