#include "output/output.hpp"

#include "output/csv_text.hpp"
#include "engine/core/query_spool.hpp"

#include <algorithm>
#include <cstdio>
#include <iomanip>
#include <sstream>
#include <stdexcept>

#include "zonal/strategy.hpp"

namespace zonal::sim {
void write_queries_header(std::ostream& out) {
  out << "run,replication,query_id,origin,strategy,zone,exists,messages,duplicates,reached,hits,hit_messages,"
         "first_hit_hops,first_hit_ms,started_ms\n";
}

void write_queries_rows(std::ostream& out, const RunResult& r) {
  const std::string run = csv_field(r.label) + ',';
  std::string line;  // rows are built with to_chars (no stream formatting per cell) and written in blocks
  const auto cell = [&line](auto v) {
    append_int(line, v);
    line += ',';
  };
  for_each_query(r, [&](const QueryRecord& q) {
    line += run;
    cell(r.replication);
    cell(q.ordinal);
    cell(q.origin);
    line += strategy_name(q.strategy);
    line += ',';
    cell(q.zone);
    cell(q.exists ? 1 : 0);
    cell(q.messages);
    cell(q.duplicates);
    cell(q.reached);
    cell(q.hits);
    cell(q.hit_messages);
    if (q.hits > 0) {
      append_int(line, q.first_hit_hops);
      line += ',';
      append_fixed(line, static_cast<double>(q.first_hit_us) / 1000.0, 3);
    } else {
      line += ',';
    }
    line += ',';
    append_fixed(line, static_cast<double>(q.started_us) / 1000.0, 3);
    line += '\n';
    if (line.size() >= 64 * 1024) {
      out.write(line.data(), static_cast<std::streamsize>(line.size()));
      line.clear();
    }
  });
  out.write(line.data(), static_cast<std::streamsize>(line.size()));
}

void write_peers_header(std::ostream& out) {
  out << "run,replication,peer,zone,degree,zone_degree,files,records,received,sent\n";
}

void write_peers_rows(std::ostream& out, const RunResult& r) {
  const std::string run = csv_field(r.label) + ',';
  std::string line;
  for (const PeerLoad& p : r.peers_load) {
    line += run;
    for (const std::uint64_t v : {std::uint64_t{r.replication}, p.label, std::uint64_t{p.zone}, std::uint64_t{p.degree},
                                  std::uint64_t{p.zone_degree}, std::uint64_t{p.files}, std::uint64_t{p.records},
                                  std::uint64_t{p.received}}) {
      append_int(line, v);
      line += ',';
    }
    append_int(line, p.sent);
    line += '\n';
    if (line.size() >= 64 * 1024) {
      out.write(line.data(), static_cast<std::streamsize>(line.size()));
      line.clear();
    }
  }
  out.write(line.data(), static_cast<std::streamsize>(line.size()));
}

void write_queries_csv(std::ostream& out, const std::vector<std::vector<RunResult>>& runs) {
  write_queries_header(out);
  for (const auto& reps : runs)
    for (const RunResult& r : reps) write_queries_rows(out, r);
}

void write_peers_csv(std::ostream& out, const std::vector<std::vector<RunResult>>& runs) {
  write_peers_header(out);
  for (const auto& reps : runs)
    for (const RunResult& r : reps) write_peers_rows(out, r);
}

namespace {

/// "89.5% ±0.4" / "8331.0 ±12.1": a mean with its 95% CI half-width ("" without replications).
std::string with_ci(double mean, double ci, int digits, bool replicated, const char* unit = "") {
  return fixed(mean, digits) + unit + (replicated ? " ±" + fixed(ci, digits) : std::string());
}

/// Sum of metric `name` over every replication of every run (0 when absent).
double replication_total(const nlohmann::ordered_json& summary, const char* name) {
  double total = 0;
  for (const auto& run : summary["runs"]) {
    if (!run.contains("replications")) {
      if (run["metrics"].contains(name)) total += run["metrics"][name]["mean"].get<double>();
      continue;
    }
    for (const auto& rep : run["replications"])
      if (rep.contains(name)) total += rep[name].get<double>();
  }
  return total;
}

}  // namespace

void print_table(std::ostream& out, const nlohmann::ordered_json& summary) {
  const auto metric = [](const nlohmann::ordered_json& run, const char* name, const char* part = "mean") {
    return run["metrics"].contains(name) ? run["metrics"][name][part].get<double>() : 0.0;
  };
  std::size_t width = 4, replications_max = 1;
  for (const auto& run : summary["runs"]) {
    width = std::max(width, run["label"].get<std::string>().size());
    if (run.contains("replications")) replications_max = std::max(replications_max, run["replications"].size());
  }
  const bool replicated = replications_max > 1;
  const int label_w = static_cast<int>(std::min<std::size_t>(width, 100) + 2);
  const int success_w = replicated ? 15 : 9, messages_w = replicated ? 20 : 12;
  out << std::left << std::setw(label_w) << "run" << std::setw(16) << "strategy" << std::right << std::setw(9) << "queries"
      << std::setw(success_w) << "success" << std::setw(8) << "found" << std::setw(messages_w) << "msgs/query"
      << std::setw(11) << "dups/query" << std::setw(10) << "reached" << std::setw(7) << "hops" << std::setw(11)
      << "hit ms" << std::setw(10) << "busiest" << "\n";
  for (const auto& run : summary["runs"]) {
    std::string label = run["label"].get<std::string>();
    if (label.size() > 100) label = label.substr(0, 97) + "...";
    const bool ci = replicated && run.contains("replications") && run["replications"].size() > 1;
    out << std::left << std::setw(label_w) << label << std::setw(16) << run["strategy"].get<std::string>() << std::right
        << std::setw(9) << fixed(metric(run, "queries"), 0) << std::setw(success_w + ci)  // "±" is two bytes
        << with_ci(100.0 * metric(run, "success_rate"), 100.0 * metric(run, "success_rate", "ci95"), 1, ci, "%")
        << std::setw(7) << fixed(100.0 * metric(run, "success_rate_existing"), 1) << '%' << std::setw(messages_w + ci)
        << with_ci(metric(run, "messages_per_query"), metric(run, "messages_per_query", "ci95"), 1, ci)
        << std::setw(11) << fixed(metric(run, "duplicates_per_query"), 1) << std::setw(10)
        << fixed(metric(run, "reached_per_query"), 1) << std::setw(7) << fixed(metric(run, "first_hit_hops_mean"), 2)
        << std::setw(11) << fixed(metric(run, "first_hit_ms_mean"), 1) << std::setw(10)
        << fixed(metric(run, "busiest_peer_messages"), 0) << "\n";
  }
  out << "success: queries with a hit (missing names included); found: queries for existing names that found them";
  out << (replicated ? "; ± 95% confidence half-width over the replications\n" : "\n");
  const double skipped = replication_total(summary, "queries_skipped");
  if (skipped > 0) {
    out << "note: " << fixed(skipped, 0) << " queries (over all runs and replications) were not started because "
        << "their origin was offline; see queries_skipped in summary.json\n";
  }
}

}  // namespace zonal::sim
