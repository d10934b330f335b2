/// Sweep axes that some runs ignore: a swept parameter that a run's strategy never reads would
/// silently repeat that run under another label (e.g. search.ttl for random walks).
#include <algorithm>
#include <array>
#include <initializer_list>
#include <set>
#include <string>

#include "scenario/scenario_detail.hpp"
#include "zonal/strategy.hpp"

namespace zonal::sim::detail {
namespace {

/// A parameter path and the strategies that read it.
struct Use {
  std::string_view path;
  std::initializer_list<Strategy> users;
};

constexpr Strategy flood = Strategy::flood;
constexpr Strategy zone_flood = Strategy::zone_flood;
constexpr Strategy walk = Strategy::random_walk;
constexpr Strategy ring = Strategy::expanding_ring;
constexpr Strategy chord = Strategy::chord;

const std::array<Use, 14>& uses() {
  static const std::array<Use, 14> table{{
      {"search.ttl", {flood, zone_flood, ring}},
      {"search.seen_capacity", {flood, zone_flood, walk, ring}},
      {"search.walkers", {walk}},
      {"search.walk_ttl", {walk}},
      {"search.check_every", {walk}},
      {"search.ring_start", {ring}},
      {"search.ring_step", {ring}},
      {"search.ring_wait_ms", {ring}},
      {"zones.degree", {zone_flood}},
      {"zones.publish_replicas", {zone_flood}},
      {"zones.links_seed", {zone_flood}},
      {"zones.entry", {zone_flood}},
      {"topology", {flood, walk, ring}},  // zone-flood travels on zone links; Chord on its ring
      {"chord", {chord}},
  }};
  return table;
}

/// The rule covering swept `path` ("chord.mode" is covered by "chord"), or null.
const Use* rule_for(const std::string& path) {
  for (const Use& u : uses()) {
    if (path == u.path || (path.starts_with(u.path) && path[u.path.size()] == '.')) return &u;
  }
  return nullptr;
}

std::string names(std::initializer_list<Strategy> list) {
  std::string text;
  for (Strategy s : list) text += (text.empty() ? "" : ", ") + std::string(strategy_name(s));
  return text;
}

}  // namespace

std::vector<std::string> ineffective_sweep_warnings(const ScenarioPlan& plan) {
  std::vector<std::string> warnings;
  for (const std::string& path : plan.swept_paths) {
    const Use* rule = rule_for(path);
    if (rule == nullptr) continue;
    std::set<Json> values;
    for (const RunSpec& run : plan.runs) values.insert(Json(run.parameters.at(path)));
    if (values.size() < 2) continue;  // one value repeats nothing
    std::vector<std::string> ignoring;
    std::size_t ignored_runs = 0;
    for (const RunSpec& run : plan.runs) {
      const Strategy s = run.scenario.search.strategy;
      if (std::find(rule->users.begin(), rule->users.end(), s) != rule->users.end()) continue;
      ++ignored_runs;
      const std::string name = strategy_name(s);
      if (std::find(ignoring.begin(), ignoring.end(), name) == ignoring.end()) ignoring.push_back(name);
    }
    if (ignored_runs == 0) continue;
    std::string list;
    for (const auto& n : ignoring) list += (list.empty() ? "" : ", ") + n;
    const std::string why = path + " is only read by " + names(rule->users);
    if (ignored_runs == plan.runs.size()) {
      fail("sweep." + path, "has no effect on any run (" + why + "; these runs are " + list +
                                "): every value would repeat the same run");
    }
    warnings.push_back("sweep." + path + ": has no effect on the " + list + " runs (" + why + "); " +
                       std::to_string(ignored_runs) + " of " + std::to_string(plan.runs.size()) +
                       " runs repeat another run's configuration under a different label");
  }
  return warnings;
}

}  // namespace zonal::sim::detail
