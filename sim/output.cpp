#include "output.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <stdexcept>

#include "output_timeseries.hpp"
#include "plot_svg.hpp"
#include "zonal/strategy.hpp"

namespace zonal::sim {
namespace {

std::string fixed(double v, int digits) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(digits) << v;
  return s.str();
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  if (!out) throw std::runtime_error(path.string() + ": cannot write");
}

template <typename Writer>
void write_stream_file(const std::filesystem::path& path, Writer writer) {
  std::ofstream out(path, std::ios::binary);
  writer(out);
  out.close();
  if (!out) throw std::runtime_error(path.string() + ": cannot write");
}

// A sibling of `dir` that only this process uses: ".<name>.zonal-<what>-<pid>".
std::filesystem::path private_sibling(const std::filesystem::path& dir, const char* what) {
  std::string name = ".";
  name += dir.filename().string();
  name += ".zonal-";
  name += what;
  name += "-";
  name += std::to_string(::getpid());
  return dir.parent_path() / name;
}

std::filesystem::path normalised(const std::filesystem::path& dir) {
  std::filesystem::path p = std::filesystem::absolute(dir).lexically_normal();
  if (!p.has_filename()) p = p.parent_path();  // "out/" and "." name the directory itself
  return p;
}

// `dir` holds a previous result (checked by output_dir_problem), so removing it loses nothing else.
void replace_dir(const std::filesystem::path& tmp, const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  const fs::path old = private_sibling(dir, "old");
  if (fs::exists(dir)) fs::rename(dir, old);
  fs::rename(tmp, dir);
  if (fs::exists(old)) {
    for (const char* f : result_files) fs::remove(old / f);
    fs::remove(old);
  }
}

}  // namespace

void write_queries_csv(std::ostream& out, const std::vector<std::vector<RunResult>>& runs) {
  out << "run,replication,query_id,origin,strategy,zone,exists,messages,duplicates,reached,hits,hit_messages,"
         "first_hit_hops,first_hit_ms,started_ms\n";
  for (const auto& reps : runs) {
    for (const RunResult& r : reps) {
      const std::string run = csv_field(r.label);
      for (const QueryRecord& q : r.queries) {
        out << run << ',' << r.replication << ',' << q.ordinal << ',' << q.origin << ',' << strategy_name(q.strategy)
            << ',' << q.zone << ',' << (q.exists ? 1 : 0) << ',' << q.messages << ',' << q.duplicates << ','
            << q.reached << ',' << q.hits << ',' << q.hit_messages << ',';
        if (q.hits > 0) out << q.first_hit_hops << ',' << fixed(static_cast<double>(q.first_hit_us) / 1000.0, 3);
        else out << ',';
        out << ',' << fixed(static_cast<double>(q.started_us) / 1000.0, 3) << '\n';
      }
    }
  }
}

void write_peers_csv(std::ostream& out, const std::vector<std::vector<RunResult>>& runs) {
  out << "run,replication,peer,zone,degree,zone_degree,files,records,received,sent\n";
  for (const auto& reps : runs) {
    for (const RunResult& r : reps) {
      const std::string run = csv_field(r.label);
      for (const PeerLoad& p : r.peers_load) {
        out << run << ',' << r.replication << ',' << p.label << ',' << p.zone << ',' << p.degree << ','
            << p.zone_degree << ',' << p.files << ',' << p.records << ',' << p.received << ',' << p.sent << '\n';
      }
    }
  }
}

namespace {

/// Why `target` (which does not exist) could not be created with its missing parents, or "".
std::string creatable_problem(const std::filesystem::path& target) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path ancestor = target.parent_path();
  while (!ancestor.empty() && !fs::exists(fs::symlink_status(ancestor, ec))) ancestor = ancestor.parent_path();
  if (ancestor.empty()) ancestor = ".";
  if (!fs::is_directory(ancestor, ec)) return target.string() + ": cannot be created: " + ancestor.string() + " is not a directory";
  if (::access(ancestor.c_str(), W_OK | X_OK) != 0)
    return target.string() + ": cannot be created: " + ancestor.string() + " is not writable";
  return {};
}

}  // namespace

std::string output_dir_problem(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  const fs::path target = normalised(dir);
  std::error_code ec;
  const auto status = fs::status(target, ec);
  if (!fs::exists(status)) return creatable_problem(target);
  if (!fs::is_directory(status)) return target.string() + ": exists and is not a directory";
  for (const auto& entry : fs::directory_iterator(target, ec)) {
    const std::string name = entry.path().filename().string();
    const bool ours = std::find(std::begin(result_files), std::end(result_files), name) != std::end(result_files);
    if (!ours || !entry.is_regular_file())
      return target.string() + ": not empty and not a zonal result (it holds \"" + name +
             "\"); choose an empty or new directory";
  }
  if (ec) return target.string() + ": cannot list: " + ec.message();
  return {};
}

void write_results(const std::filesystem::path& dir, const nlohmann::ordered_json& summary,
                   const std::vector<std::vector<RunResult>>& runs) {
  namespace fs = std::filesystem;
  if (const std::string problem = output_dir_problem(dir); !problem.empty()) throw std::runtime_error(problem);
  const fs::path target = normalised(dir);
  fs::create_directories(target.parent_path());
  const fs::path tmp = private_sibling(target, "tmp");
  fs::remove_all(tmp);  // only ever a leftover of a crashed process with our pid
  fs::create_directories(tmp);
  try {
    write_file(tmp / "summary.json", summary.dump(2) + "\n");
    write_stream_file(tmp / "queries.csv", [&](std::ostream& o) { write_queries_csv(o, runs); });
    write_stream_file(tmp / "peers.csv", [&](std::ostream& o) { write_peers_csv(o, runs); });
    write_file(tmp / "messages.svg", messages_svg(summary));
    if (has_timeseries(runs)) write_timeseries_csv(tmp / "timeseries.csv", runs);
    replace_dir(tmp, target);
  } catch (...) {
    fs::remove_all(tmp);
    throw;
  }
}

void print_table(std::ostream& out, const nlohmann::ordered_json& summary) {
  const auto metric = [](const nlohmann::ordered_json& run, const char* name) {
    return run["metrics"][name]["mean"].get<double>();
  };
  std::size_t width = 4;
  for (const auto& run : summary["runs"]) width = std::max(width, run["label"].get<std::string>().size());
  const int label_w = static_cast<int>(std::min<std::size_t>(width, 100) + 2);
  out << std::left << std::setw(label_w) << "run" << std::setw(12) << "strategy" << std::right << std::setw(9) << "queries"
      << std::setw(9) << "success" << std::setw(12) << "msgs/query" << std::setw(11) << "dups/query" << std::setw(10)
      << "reached" << std::setw(7) << "hops" << std::setw(11) << "hit ms" << std::setw(10) << "busiest" << "\n";
  for (const auto& run : summary["runs"]) {
    std::string label = run["label"].get<std::string>();
    if (label.size() > 100) label = label.substr(0, 97) + "...";
    out << std::left << std::setw(label_w) << label << std::setw(12) << run["strategy"].get<std::string>() << std::right
        << std::setw(9) << fixed(metric(run, "queries"), 0) << std::setw(8)
        << fixed(100.0 * metric(run, "success_rate"), 1) << '%' << std::setw(12)
        << fixed(metric(run, "messages_per_query"), 1) << std::setw(11) << fixed(metric(run, "duplicates_per_query"), 1)
        << std::setw(10) << fixed(metric(run, "reached_per_query"), 1) << std::setw(7)
        << fixed(metric(run, "first_hit_hops_mean"), 2) << std::setw(11) << fixed(metric(run, "first_hit_ms_mean"), 1)
        << std::setw(10) << fixed(metric(run, "busiest_peer_messages"), 0) << "\n";
  }
  double skipped = 0;
  for (const auto& run : summary["runs"]) {
    if (run["metrics"].contains("queries_skipped")) skipped += metric(run, "queries_skipped");
  }
  if (skipped > 0) {
    out << "note: " << fixed(skipped, 1) << " queries (summed over the runs, mean of the replications) were not "
        << "started because their origin was offline; see queries_skipped in summary.json\n";
  }
}

}  // namespace zonal::sim
