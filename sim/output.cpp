#include "output.hpp"

#include <cstdio>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <stdexcept>

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

void replace_dir(const std::filesystem::path& tmp, const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  fs::path old = dir.parent_path();
  old /= dir.filename();
  old += ".old";
  fs::remove_all(old);
  if (fs::exists(dir)) fs::rename(dir, old);
  fs::rename(tmp, dir);
  fs::remove_all(old);
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

void write_results(const std::filesystem::path& dir, const nlohmann::ordered_json& summary,
                   const std::vector<std::vector<RunResult>>& runs) {
  namespace fs = std::filesystem;
  const fs::path target = fs::absolute(dir).lexically_normal();
  fs::create_directories(target.parent_path());
  fs::path tmp = target.parent_path();
  tmp /= target.filename();
  tmp += ".tmp";
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  try {
    write_file(tmp / "summary.json", summary.dump(2) + "\n");
    write_stream_file(tmp / "queries.csv", [&](std::ostream& o) { write_queries_csv(o, runs); });
    write_stream_file(tmp / "peers.csv", [&](std::ostream& o) { write_peers_csv(o, runs); });
    write_file(tmp / "messages.svg", messages_svg(summary));
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
  out << std::left << std::setw(34) << "run" << std::setw(12) << "strategy" << std::right << std::setw(9) << "queries"
      << std::setw(9) << "success" << std::setw(12) << "msgs/query" << std::setw(11) << "dups/query" << std::setw(10)
      << "reached" << std::setw(7) << "hops" << std::setw(11) << "hit ms" << std::setw(10) << "busiest" << "\n";
  for (const auto& run : summary["runs"]) {
    std::string label = run["label"].get<std::string>();
    if (label.size() > 33) label = label.substr(0, 30) + "...";
    out << std::left << std::setw(34) << label << std::setw(12) << run["strategy"].get<std::string>() << std::right
        << std::setw(9) << fixed(metric(run, "queries"), 0) << std::setw(8)
        << fixed(100.0 * metric(run, "success_rate"), 1) << '%' << std::setw(12)
        << fixed(metric(run, "messages_per_query"), 1) << std::setw(11) << fixed(metric(run, "duplicates_per_query"), 1)
        << std::setw(10) << fixed(metric(run, "reached_per_query"), 1) << std::setw(7)
        << fixed(metric(run, "first_hit_hops_mean"), 2) << std::setw(11) << fixed(metric(run, "first_hit_ms_mean"), 1)
        << std::setw(10) << fixed(metric(run, "busiest_peer_messages"), 0) << "\n";
  }
}

}  // namespace zonal::sim
