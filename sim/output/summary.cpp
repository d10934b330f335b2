#include "output/summary.hpp"

#include <algorithm>
#include <cmath>

#include "engine/core/query_spool.hpp"
#include "output/stored_run.hpp"
#include "zonal/strategy.hpp"

namespace zonal::sim {
namespace {

double per_query(double total, std::size_t queries) { return queries == 0 ? 0.0 : total / static_cast<double>(queries); }

/// A multiset of integers kept as sorted (value, count) runs: exact percentiles of millions of
/// queries in memory proportional to the distinct values (hop counts, latencies in us).
class ValueCounts {
 public:
  void add(std::int64_t v) {
    m_pending.push_back(v);
    if (m_pending.size() >= pending_max) compact();
  }
  std::uint64_t size() const noexcept { return m_total + m_pending.size(); }
  /// The value of rank `i` (0-based) in sorted order; call after compact().
  std::int64_t at(std::uint64_t i) const {
    for (const auto& [value, count] : m_runs) {
      if (i < count) return value;
      i -= count;
    }
    return 0;
  }
  void compact() {
    std::sort(m_pending.begin(), m_pending.end());
    std::vector<std::pair<std::int64_t, std::uint64_t>> merged;
    merged.reserve(m_runs.size() + m_pending.size());
    auto run = m_runs.begin();
    const auto push = [&](std::int64_t v, std::uint64_t c) {
      if (!merged.empty() && merged.back().first == v) merged.back().second += c;
      else merged.emplace_back(v, c);
    };
    for (const std::int64_t v : m_pending) {
      while (run != m_runs.end() && run->first <= v) push(run->first, run->second), ++run;
      push(v, 1);
    }
    for (; run != m_runs.end(); ++run) push(run->first, run->second);
    m_total += m_pending.size();
    m_pending.clear();
    m_runs = std::move(merged);
  }

 private:
  static constexpr std::size_t pending_max = 1 << 16;
  std::vector<std::pair<std::int64_t, std::uint64_t>> m_runs;
  std::vector<std::int64_t> m_pending;
  std::uint64_t m_total = 0;
};

/// The p-quantile (nearest rank) of `v`, each value mapped by `as`; 0 when empty.
template <class As>
double percentile(ValueCounts& v, double p, As as) {
  v.compact();
  if (v.size() == 0) return 0.0;
  const auto at = static_cast<std::uint64_t>(std::ceil(p * static_cast<double>(v.size())));
  return as(v.at(std::min(v.size() - 1, at == 0 ? 0 : at - 1)));
}

double hops_of(std::int64_t h) { return static_cast<double>(h); }
double ms_of(std::int64_t us) { return static_cast<double>(us) / 1000.0; }

// Two-sided 95% Student t critical values for 1..30 degrees of freedom; 1.96 beyond.
double t_critical(std::size_t dof) {
  static constexpr double table[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                     2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                                     2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  return dof >= 1 && dof <= 30 ? table[dof - 1] : 1.96;
}

}  // namespace

double RunMetrics::get(const std::string& name) const {
  for (const auto& [k, v] : values)
    if (k == name) return v;
  return 0.0;
}

RunMetrics compute_metrics(const RunResult& run) {
  double messages = 0, duplicates = 0, reached = 0, hit_messages = 0, successes = 0, existing = 0, found = 0;
  double messages_existing = 0, one_node = 0, no_node = 0;
  ValueCounts hops, ms;  // of the successful queries
  double hops_sum = 0, ms_sum = 0;  // in query order, as the metrics always summed them
  std::size_t n = 0;
  for_each_query(run, [&](const QueryRecord& q) {
    ++n;
    messages += q.messages;
    duplicates += q.duplicates;
    reached += q.reached;
    hit_messages += q.hit_messages;
    existing += q.exists;
    if (q.exists) messages_existing += q.messages;
    if (q.hits > 0) {
      one_node += q.reached == 1;
      no_node += q.reached == 0;
      successes += 1;
      found += q.exists;
      hops.add(q.first_hit_hops);
      ms.add(q.first_hit_us);
      hops_sum += q.first_hit_hops;
      ms_sum += ms_of(q.first_hit_us);
    }
  });
  std::uint32_t busiest = 0;
  double load_total = 0;
  for (const PeerLoad& p : run.peers_load) {
    busiest = std::max(busiest, p.received);
    load_total += p.received;
  }
  const double missing = static_cast<double>(n) - existing;
  RunMetrics m;
  m.values = {
      {"queries", static_cast<double>(n)},
      {"success_rate", per_query(successes, n)},
      {"success_rate_existing", existing == 0 ? 0.0 : found / existing},
      {"messages_per_query", per_query(messages, n)},
      {"duplicates_per_query", per_query(duplicates, n)},
      {"reached_per_query", per_query(reached, n)},
      {"hit_messages_per_query", per_query(hit_messages, n)},
      {"first_hit_hops_mean", hops.size() == 0 ? 0.0 : hops_sum / static_cast<double>(hops.size())},
      {"first_hit_ms_mean", ms.size() == 0 ? 0.0 : ms_sum / static_cast<double>(ms.size())},
      {"first_hit_ms_p50", percentile(ms, 0.50, ms_of)},
      {"first_hit_ms_p99", percentile(ms, 0.99, ms_of)},
      {"busiest_peer_messages", static_cast<double>(busiest)},
      {"mean_peer_messages", run.peers_load.empty() ? 0.0 : load_total / static_cast<double>(run.peers_load.size())},
      {"publish_messages", static_cast<double>(run.publish_messages)},
      {"registration_messages", static_cast<double>(run.registration_messages)},
      {"lost_messages", static_cast<double>(run.lost_messages)},
      {"events", static_cast<double>(run.events)},
      {"simulated_s", static_cast<double>(run.end_us) / 1e6},
      {"messages_per_query_existing", existing == 0 ? 0.0 : messages_existing / existing},
      {"messages_per_query_missing", missing == 0 ? 0.0 : (messages - messages_existing) / missing},
      {"contacted_one_node_rate", per_query(one_node, n)},
      {"answered_locally_rate", per_query(no_node, n)},
      {"busiest_peer_share", load_total == 0 ? 0.0 : busiest / load_total},
  };
  if (run.strategy == Strategy::chord) {  // only for chord runs: other results stay byte-identical
    m.values.insert(m.values.end(), {
        {"first_hit_hops_p01", percentile(hops, 0.01, hops_of)},
        {"first_hit_hops_p50", percentile(hops, 0.50, hops_of)},
        {"first_hit_hops_p99", percentile(hops, 0.99, hops_of)},
        {"maintenance_messages", static_cast<double>(run.maintenance_messages)},
        {"ring_messages", static_cast<double>(run.ring_messages)},
        {"ring_violations", static_cast<double>(run.ring_violations)},
        {"ring_settle_ms", static_cast<double>(run.ring_settle_us) / 1000.0},
    });
  }
  if (run.faults_active) {  // only fault runs carry these, so fault-free summaries stay as they were
    const FaultCounters& f = run.faults;
    m.values.insert(m.values.end(), {
        {"queries_skipped", static_cast<double>(f.queries_skipped)},
        {"peers_crashed", static_cast<double>(f.crashed)},
        {"peers_mass_failed", static_cast<double>(f.mass_failed)},
        {"peers_left", static_cast<double>(f.left)},
        {"peers_joined", static_cast<double>(f.joined)},
        {"offline_dropped_messages", static_cast<double>(f.offline_dropped)},
        {"partition_dropped_messages", static_cast<double>(f.partition_dropped)},
    });
  }
  if (run.faults_active && run.strategy == Strategy::chord) {  // why Chord queries failed under faults
    const ChordOutcomes& o = run.chord_outcomes;
    m.values.insert(m.values.end(), {
        {"chord_lookup_failed_rate", per_query(static_cast<double>(o.lookup_failed), n)},
        {"chord_interrupted_rate", per_query(static_cast<double>(o.interrupted), n)},
        {"chord_wrong_successor_rate", per_query(static_cast<double>(o.wrong_successor), n)},
        {"chord_record_missing_rate", per_query(static_cast<double>(o.record_missing), n)},
    });
  }
  return m;
}

Estimate estimate(const std::vector<double>& samples) {
  Estimate e;
  if (samples.empty()) return e;
  double sum = 0;
  for (double s : samples) sum += s;
  e.mean = sum / static_cast<double>(samples.size());
  if (samples.size() < 2) return e;
  double sq = 0;
  for (double s : samples) sq += (s - e.mean) * (s - e.mean);
  const double sd = std::sqrt(sq / static_cast<double>(samples.size() - 1));
  e.ci95 = t_critical(samples.size() - 1) * sd / std::sqrt(static_cast<double>(samples.size()));
  return e;
}

nlohmann::ordered_json summary_json(const std::string& scenario, std::uint64_t seed,
                                    const std::vector<std::vector<RunResult>>& runs) {
  std::vector<StoredRun> stored;
  for (std::size_t point = 0; point < runs.size(); ++point) {
    for (const RunResult& r : runs[point]) {
      StoredRun s;
      s.index = stored.size();
      s.point = point;
      s.label = r.label;
      s.replication = r.replication;
      s.seed = r.seed;
      s.strategy = strategy_name(r.strategy);
      s.peers = r.peers;
      s.edges = r.edges;
      s.zones = r.zone_count;
      s.events = r.events;
      s.metrics = compute_metrics(r);
      stored.push_back(std::move(s));
    }
  }
  return summary_from_runs(scenario, seed, stored);
}

nlohmann::ordered_json summary_from_runs(const std::string& scenario, std::uint64_t seed,
                                         const std::vector<StoredRun>& runs) {
  nlohmann::ordered_json doc;
  doc["scenario"] = scenario;
  doc["seed"] = seed;
  if (!runs.empty() && !runs.front().version.empty()) doc["zonal_version"] = runs.front().version;
  doc["runs"] = nlohmann::ordered_json::array();
  for (std::size_t begin = 0; begin < runs.size();) {
    std::size_t end = begin + 1;
    while (end < runs.size() && runs[end].point == runs[begin].point) ++end;
    const StoredRun& first = runs[begin];
    nlohmann::ordered_json run;
    run["label"] = first.label;
    run["parameters"] = first.parameters;
    run["strategy"] = first.strategy;
    run["peers"] = first.peers;
    run["edges"] = first.edges;
    run["zones"] = first.zones;
    nlohmann::ordered_json aggregate;
    for (const auto& [name, value] : first.metrics.values) {
      std::vector<double> samples;
      for (std::size_t i = begin; i < end; ++i) samples.push_back(runs[i].metrics.get(name));
      const Estimate e = estimate(samples);
      aggregate[name] = {{"mean", e.mean}, {"ci95", e.ci95}};
    }
    run["metrics"] = aggregate;
    run["replications"] = nlohmann::ordered_json::array();
    for (std::size_t i = begin; i < end; ++i) {
      nlohmann::ordered_json rep;
      rep["run"] = runs[i].index;
      rep["seed"] = runs[i].seed;
      for (const auto& [name, value] : runs[i].metrics.values) rep[name] = value;
      run["replications"].push_back(rep);
    }
    doc["runs"].push_back(run);
    begin = end;
  }
  return doc;
}

namespace {

std::string csv_cell(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

/// A swept value as a CSV cell: strings unquoted, a section value by its label, else compact JSON.
std::string parameter_cell(const nlohmann::ordered_json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_object() && v.contains("label") && v["label"].is_string()) return v["label"].get<std::string>();
  return v.dump();
}

}  // namespace

std::string summary_csv(const nlohmann::ordered_json& summary, const std::vector<std::string>& parameter_columns) {
  std::string out = "run";
  for (const auto& c : parameter_columns) out += "," + csv_cell(c);
  out += ",metric,mean,ci95,n\n";
  for (const auto& run : summary["runs"]) {
    std::string prefix = csv_cell(run["label"].get<std::string>());
    for (const auto& c : parameter_columns) {
      const auto& params = run["parameters"];
      prefix += "," + (params.contains(c) ? csv_cell(parameter_cell(params[c])) : std::string());
    }
    const std::size_t n = run["replications"].size();
    for (const auto& [name, value] : run["metrics"].items()) {
      out += prefix + "," + name + "," + value["mean"].dump() + "," + value["ci95"].dump() + "," + std::to_string(n) + "\n";
    }
  }
  return out;
}

}  // namespace zonal::sim
