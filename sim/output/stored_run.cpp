#include "output/stored_run.hpp"

#include <stdexcept>

namespace zonal::sim {
namespace {

using Json = nlohmann::ordered_json;

const Json& field(const Json& doc, const char* key, const std::string& where) {
  if (!doc.contains(key)) throw std::runtime_error(where + ": missing \"" + key + "\"");
  return doc[key];
}

template <class T>
T get(const Json& doc, const char* key, const std::string& where) {
  try {
    return field(doc, key, where).get<T>();
  } catch (const nlohmann::json::exception&) {
    throw std::runtime_error(where + ": \"" + key + "\" has the wrong type");
  }
}

}  // namespace

Json to_json(const StoredRun& run) {
  Json doc;
  doc["index"] = run.index;
  doc["runs_total"] = run.runs_total;
  doc["scenario"] = run.scenario;
  doc["scenario_seed"] = run.scenario_seed;
  doc["point"] = run.point;
  doc["label"] = run.label;
  doc["parameters"] = run.parameters;
  doc["replication"] = run.replication;
  doc["seed"] = run.seed;
  doc["zonal_version"] = run.version;
  doc["config_hash"] = run.config_hash;
  doc["strategy"] = run.strategy;
  doc["peers"] = run.peers;
  doc["edges"] = run.edges;
  doc["zones"] = run.zones;
  doc["events"] = run.events;
  Json metrics = Json::object();
  for (const auto& [name, value] : run.metrics.values) metrics[name] = value;
  doc["metrics"] = metrics;
  return doc;
}

StoredRun stored_run_from_json(const Json& doc, const std::string& where) {
  if (!doc.is_object()) throw std::runtime_error(where + ": expected a JSON object");
  StoredRun run;
  run.index = get<std::size_t>(doc, "index", where);
  run.runs_total = get<std::size_t>(doc, "runs_total", where);
  run.scenario = get<std::string>(doc, "scenario", where);
  run.scenario_seed = get<std::uint64_t>(doc, "scenario_seed", where);
  run.point = get<std::size_t>(doc, "point", where);
  run.label = get<std::string>(doc, "label", where);
  run.parameters = field(doc, "parameters", where);
  if (!run.parameters.is_object()) throw std::runtime_error(where + ": \"parameters\" must be an object");
  run.replication = get<std::uint32_t>(doc, "replication", where);
  run.seed = get<std::uint64_t>(doc, "seed", where);
  run.version = get<std::string>(doc, "zonal_version", where);
  run.config_hash = get<std::string>(doc, "config_hash", where);
  run.strategy = get<std::string>(doc, "strategy", where);
  run.peers = get<std::uint32_t>(doc, "peers", where);
  run.edges = get<std::uint64_t>(doc, "edges", where);
  run.zones = get<std::uint32_t>(doc, "zones", where);
  run.events = get<std::uint64_t>(doc, "events", where);
  const Json& metrics = field(doc, "metrics", where);
  if (!metrics.is_object()) throw std::runtime_error(where + ": \"metrics\" must be an object");
  for (const auto& [name, value] : metrics.items()) {
    if (!value.is_number()) throw std::runtime_error(where + ": metrics." + name + " must be a number");
    run.metrics.values.emplace_back(name, value.get<double>());
  }
  if (run.index >= run.runs_total) throw std::runtime_error(where + ": \"index\" must be below \"runs_total\"");
  return run;
}

}  // namespace zonal::sim
