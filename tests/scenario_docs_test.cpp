// Every default documented in docs/scenarios.md is the parser's default: for each table row with a
// literal default (number, `string` or boolean), a scenario that leaves the key out and one that
// sets it to the documented value must parse to the same value. Comparing with the documented
// text (not with the C++ struct's initialisers) is what catches docs and code drifting apart.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <sstream>

#include "scenario/scenario.hpp"
#include "scenario_text.hpp"

namespace zonal::sim {
namespace {

using nlohmann::json;
using Get = std::function<double(const ScenarioPlan&)>;

const Scenario& first(const ScenarioPlan& p) { return p.runs.at(0).scenario; }

/// Every documented key with a literal default, and how to read it back from a parsed plan.
const std::map<std::string, Get>& readers() {
  static const std::map<std::string, Get> r = {
      {"seed", [](const ScenarioPlan& p) { return static_cast<double>(p.seed); }},
      {"peers", [](const ScenarioPlan& p) { return first(p).peers; }},
      {"replications", [](const ScenarioPlan& p) { return p.replications; }},
      {"threads", [](const ScenarioPlan& p) { return first(p).threads; }},
      {"topology.kind", [](const ScenarioPlan& p) { return static_cast<int>(first(p).topology.kind); }},
      {"topology.degree", [](const ScenarioPlan& p) { return first(p).topology.degree; }},
      {"topology.degree_mean", [](const ScenarioPlan& p) { return first(p).topology.degree_mean; }},
      {"topology.attach", [](const ScenarioPlan& p) { return first(p).topology.attach; }},
      {"topology.rewire", [](const ScenarioPlan& p) { return first(p).topology.rewire; }},
      {"topology.k", [](const ScenarioPlan& p) { return first(p).topology.k; }},
      {"zones.count", [](const ScenarioPlan& p) { return first(p).zones.count; }},
      {"zones.min_size", [](const ScenarioPlan& p) { return first(p).zones.min_size; }},
      {"zones.degree", [](const ScenarioPlan& p) { return first(p).zones.degree; }},
      {"zones.placement", [](const ScenarioPlan& p) { return static_cast<int>(first(p).zones.placement); }},
      {"zones.publish_replicas", [](const ScenarioPlan& p) { return first(p).zones.publish_replicas; }},
      {"zones.entry", [](const ScenarioPlan& p) { return static_cast<int>(first(p).zones.entry); }},
      {"latency.kind", [](const ScenarioPlan& p) { return static_cast<int>(first(p).latency.kind); }},
      {"latency.mean_ms", [](const ScenarioPlan& p) { return first(p).latency.mean_ms; }},
      {"latency.min_ms", [](const ScenarioPlan& p) { return first(p).latency.min_ms; }},
      {"latency.max_ms", [](const ScenarioPlan& p) { return first(p).latency.max_ms; }},
      {"latency.sigma", [](const ScenarioPlan& p) { return first(p).latency.sigma; }},
      {"faults.loss", [](const ScenarioPlan& p) { return first(p).faults.loss; }},
      {"faults.heartbeat_ms", [](const ScenarioPlan& p) { return first(p).faults.heartbeat_ms; }},
      {"faults.expiry_ms", [](const ScenarioPlan& p) { return first(p).faults.expiry_ms; }},
      {"faults.count_heartbeats", [](const ScenarioPlan& p) { return first(p).faults.count_heartbeats ? 1 : 0; }},
      {"content.files", [](const ScenarioPlan& p) { return first(p).content.files; }},
      {"content.replicas", [](const ScenarioPlan& p) { return first(p).content.replicas; }},
      {"workload.queries", [](const ScenarioPlan& p) { return first(p).workload.queries; }},
      {"workload.rate_per_s", [](const ScenarioPlan& p) { return first(p).workload.rate_per_s; }},
      {"workload.zipf_alpha", [](const ScenarioPlan& p) { return first(p).workload.zipf_alpha; }},
      {"workload.missing_fraction", [](const ScenarioPlan& p) { return first(p).workload.missing_fraction; }},
      {"workload.start_ms", [](const ScenarioPlan& p) { return first(p).workload.start_ms; }},
      {"search.strategy", [](const ScenarioPlan& p) { return static_cast<int>(first(p).search.strategy); }},
      {"search.ttl", [](const ScenarioPlan& p) { return first(p).search.params.ttl_hops; }},
      {"search.seen_capacity", [](const ScenarioPlan& p) { return first(p).search.seen_capacity; }},
      {"search.timeout_ms", [](const ScenarioPlan& p) { return first(p).search.timeout_ms; }},
      {"search.walkers", [](const ScenarioPlan& p) { return first(p).search.params.walkers; }},
      {"search.walk_ttl", [](const ScenarioPlan& p) { return first(p).search.params.walk_ttl_hops; }},
      {"search.check_every", [](const ScenarioPlan& p) { return first(p).search.params.walk_check_every; }},
      {"search.ring_start", [](const ScenarioPlan& p) { return first(p).search.params.ring_ttl_start; }},
      {"search.ring_step", [](const ScenarioPlan& p) { return first(p).search.params.ring_ttl_step; }},
      {"search.ring_wait_ms", [](const ScenarioPlan& p) { return ms_from_us(first(p).search.params.ring_wait_us); }},
      {"chord.id_bits", [](const ScenarioPlan& p) { return first(p).chord.id_bits; }},
      {"chord.successors", [](const ScenarioPlan& p) { return first(p).chord.successors; }},
      {"chord.stabilize_ms", [](const ScenarioPlan& p) { return first(p).chord.stabilize_ms; }},
      {"chord.fix_fingers_ms", [](const ScenarioPlan& p) { return first(p).chord.fix_fingers_ms; }},
      {"chord.check_predecessor_ms", [](const ScenarioPlan& p) { return first(p).chord.check_predecessor_ms; }},
      {"chord.mode", [](const ScenarioPlan& p) { return static_cast<int>(first(p).chord.mode); }},
      {"chord.replication", [](const ScenarioPlan& p) { return first(p).chord.replication ? 1 : 0; }},
      {"chord.ring", [](const ScenarioPlan& p) { return static_cast<int>(first(p).chord.ring); }},
      {"chord.settle_ms", [](const ScenarioPlan& p) { return first(p).chord.settle_ms; }},
      {"output.timeseries_ms", [](const ScenarioPlan& p) { return first(p).output.timeseries_ms; }},
  };
  return r;
}

struct Documented {
  std::string key;  ///< JSON path, e.g. "zones.placement"
  json value;       ///< the documented default
};

/// Rows of the key tables of docs/scenarios.md whose default is a literal. Tables under `###`
/// headings (array entries, churn) are left out.
std::vector<Documented> documented_defaults() {
  std::ifstream in(std::string(ZONAL_SOURCE_DIR) + "/docs/scenarios.md");
  std::string line, section;
  bool in_scope = false;
  std::vector<Documented> out;
  const std::regex heading(R"(^## (?:`([a-z_]+)`|Top level)\s*$)");
  const std::regex row(R"(^\| `([a-z_]+)` \| [a-z]+ \| ([^|]+) \|)");
  const std::regex number(R"(^-?[0-9][0-9,]*(\.[0-9]+)?$)");
  const std::regex word(R"(^`([a-z-]+)`$)");
  while (std::getline(in, line)) {
    std::smatch m;
    if (line.starts_with("#")) {
      in_scope = std::regex_match(line, m, heading);
      section = in_scope && m[1].matched ? m[1].str() + "." : "";
      continue;
    }
    if (!in_scope || !std::regex_search(line, m, row)) continue;
    std::string cell = m[2].str();
    while (!cell.empty() && cell.back() == ' ') cell.pop_back();
    std::smatch w;
    json value;
    if (std::regex_match(cell, number)) {
      std::string digits;
      for (char c : cell)
        if (c != ',') digits += c;
      value = std::stod(digits);
    } else if (cell == "true" || cell == "false") {
      value = cell == "true";
    } else if (std::regex_match(cell, w, word)) {
      value = w[1].str();
    } else {
      continue;  // required, absent, derived, see below, ...
    }
    out.push_back({section + m[1].str(), value});
  }
  return out;
}

/// A minimal valid scenario with `key` set to `value` (or left out when `value` is null). Keys
/// that apply to one kind or strategy only come with that kind or strategy.
json scenario_with(const std::string& key, const json& value) {
  static const std::map<std::string, json> context = {
      {"topology.degree_mean", {{"topology", {{"kind", "erdos-renyi"}}}}},
      {"topology.attach", {{"topology", {{"kind", "barabasi-albert"}}}}},
      {"topology.rewire", {{"topology", {{"kind", "watts-strogatz"}}}}},
      {"topology.k", {{"topology", {{"kind", "k-out"}}}}},
      {"latency.min_ms", {{"latency", {{"kind", "uniform"}}}}},
      {"latency.max_ms", {{"latency", {{"kind", "uniform"}}}}},
      {"latency.sigma", {{"latency", {{"kind", "lognormal"}}}}},
  };
  json doc = {{"name", "d"}};
  if (const auto it = context.find(key); it != context.end()) doc.merge_patch(it->second);
  if (key.starts_with("chord.")) doc["search"]["strategy"] = "chord";
  if (value.is_null()) return doc;
  const auto dot = key.find('.');
  if (dot == std::string::npos) {
    doc[key] = value;
  } else {
    doc[key.substr(0, dot)][key.substr(dot + 1)] = value;
  }
  return doc;
}

TEST(ScenarioDocs, EveryDocumentedDefaultIsTheParsersDefault) {
  const auto rows = documented_defaults();
  ASSERT_GE(rows.size(), 45u) << "the tables of docs/scenarios.md were not found";
  std::size_t compared = 0;
  for (const auto& [key, value] : rows) {
    SCOPED_TRACE(key + " documented as " + value.dump());
    const auto reader = readers().find(key);
    ASSERT_NE(reader, readers().end()) << "a documented key without a reader here: add it";
    json v = value;
    if (v.is_number() && v.get<double>() == static_cast<double>(static_cast<std::int64_t>(v.get<double>())))
      v = static_cast<std::int64_t>(v.get<double>());  // integer keys reject 8.0
    const auto defaults = parse_scenario(scenario_with(key, nullptr), test::scenarios_dir());
    ScenarioPlan explicit_plan;
    try {
      explicit_plan = parse_scenario(scenario_with(key, v), test::scenarios_dir());
    } catch (const ScenarioError& e) {
      ADD_FAILURE() << "setting the documented default is rejected: " << e.what();
      continue;
    }
    EXPECT_EQ(reader->second(defaults), reader->second(explicit_plan));
    ++compared;
  }
  EXPECT_EQ(compared, rows.size());
  for (const auto& [key, reader] : readers()) {
    const bool listed = std::any_of(rows.begin(), rows.end(), [&](const Documented& d) { return d.key == key; });
    EXPECT_TRUE(listed) << key << " has a reader but no documented literal default";
  }
}

}  // namespace
}  // namespace zonal::sim
