/// Scenario files: reading, the top-level keys (name, seed, replications, threads, sweep) and the plan.
#include "scenario/scenario.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <sstream>
#include <system_error>

#include "scenario/scenario_detail.hpp"
#include "zonal/hash.hpp"

namespace zonal::sim {
namespace detail {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t name_length_max = 200;
constexpr std::uint32_t replications_max = 1000;

/// The scenario name: required, usable as a directory name under results/.
std::string parse_name(const Section& root) {
  const Json* v = root.find("name");
  if (v == nullptr) fail("name", "missing required key");
  const std::string name = to_string(*v, "name");
  const auto allowed = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
  };
  if (name.empty() || !std::all_of(name.begin(), name.end(), allowed)) {
    fail("name", "must match [A-Za-z0-9._-]+, got " + v->dump());
  }
  if (name.find_first_not_of('.') == std::string::npos) fail("name", "must not consist of dots only");
  if (name.size() > name_length_max) fail("name", "must be at most " + std::to_string(name_length_max) + " characters");
  return name;
}

/// Parser callback that rejects duplicate object keys (the parser would silently keep the last).
class DuplicateKeyCheck {
 public:
  /// Called by the parser for every event; throws FieldError "<path>: duplicate key".
  bool operator()(int /*depth*/, Json::parse_event_t event, Json& parsed) {
    switch (event) {
      case Json::parse_event_t::object_start: m_frames.push_back(Frame{child_path(), true}); break;
      case Json::parse_event_t::array_start: m_frames.push_back(Frame{child_path(), false}); break;
      case Json::parse_event_t::object_end:
      case Json::parse_event_t::array_end: m_frames.pop_back(); break;
      case Json::parse_event_t::key: add_key(parsed.get<std::string>()); break;
      case Json::parse_event_t::value: child_path(); break;
    }
    return true;
  }

 private:
  struct Frame {
    std::string path;
    bool is_object;
    std::vector<std::string> keys = {};
    std::size_t count = 0;
  };

  /// Path of the value that starts now (advances the parent array's index).
  std::string child_path() {
    if (m_frames.empty()) return "";
    Frame& parent = m_frames.back();
    if (!parent.is_object) return parent.path + "[" + std::to_string(parent.count++) + "]";
    const std::string& key = parent.keys.empty() ? std::string() : parent.keys.back();
    return parent.path.empty() ? key : parent.path + "." + key;
  }

  void add_key(std::string key) {
    Frame& frame = m_frames.back();
    const auto it = std::find(frame.keys.begin(), frame.keys.end(), key);
    if (it != frame.keys.end()) {
      fail(frame.path.empty() ? key : frame.path + "." + key, "duplicate key");
    }
    frame.keys.push_back(std::move(key));
  }

  std::vector<Frame> m_frames;
};

/// Whole file as text; throws "<file>: cannot read: <why>".
std::string read_text(const fs::path& file) {
  std::error_code ec;
  const auto status = fs::status(file, ec);
  if (!fs::exists(status)) throw ScenarioError(file.string() + ": cannot read: no such file");
  if (fs::is_directory(status)) throw ScenarioError(file.string() + ": cannot read: is a directory");
  std::ifstream in;
  if (fs::is_regular_file(status)) in.open(file, std::ios::binary);
  if (!in.is_open()) throw ScenarioError(file.string() + ": cannot read: not a readable regular file");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw ScenarioError(file.string() + ": cannot read");
  return text.str();
}

/// The parser's message without its "[json.exception.parse_error.101] " prefix, plus the byte
/// offset for syntax errors (others, e.g. out_of_range.406 "number overflow", name the number).
std::string parse_error_text(const nlohmann::json::exception& e) {
  std::string text = e.what();
  const std::size_t close = text.find("] ");
  if (text.starts_with("[json.exception") && close != std::string::npos) text.erase(0, close + 2);
  if (const auto* syntax = dynamic_cast<const nlohmann::json::parse_error*>(&e)) {
    text += " (byte " + std::to_string(syntax->byte) + ")";
  }
  return text;
}

}  // namespace

ScenarioPlan parse_scenario_ordered(const Json& doc, const std::filesystem::path& base_dir) {
  if (!doc.is_object()) fail("(root)", std::string("expected an object, got ") + doc.type_name());
  check_finite(doc);
  const Section root(&doc, "");
  root.reject_unknown(top_level_keys());
  ScenarioPlan plan;
  plan.name = parse_name(root);
  plan.seed = root.get_uint<std::uint64_t>("seed", plan.seed, 0);
  plan.replications = root.get_uint<std::uint32_t>("replications", plan.replications, 1, replications_max);
  const auto threads = root.get_uint<std::uint32_t>("threads", Scenario{}.threads, 1, threads_max);
  const auto axes = parse_sweep(root);
  Json base = doc;
  base.erase("sweep");
  EdgeListCache edge_lists;  // each edge-list file is loaded once for all sweep points
  base.erase("replications");
  base.erase("threads");  // how a run is executed, not what it computes: not in its document or identity
  plan.runs = expand_sweep(base, axes, base_dir, edge_lists);
  for (const auto& axis : axes) plan.swept_paths.push_back(axis.path);
  for (auto& run : plan.runs) {
    run.scenario.name = plan.name;
    run.scenario.seed = plan.seed;
    run.scenario.threads = threads;
    run.document["name"] = plan.name;
    run.document["seed"] = plan.seed;
  }
  plan.warnings = edge_lists.drop_reports();
  for (auto& w : ineffective_sweep_warnings(plan)) plan.warnings.push_back(std::move(w));
  return plan;
}

}  // namespace detail

ScenarioPlan parse_scenario(const nlohmann::json& doc, const std::filesystem::path& base_dir) {
  return detail::parse_scenario_ordered(detail::Json(doc), base_dir);
}

Override parse_override(const std::string& text) {
  const std::size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw ScenarioError("--set " + text + ": expected key.path=value, e.g. --set search.ttl=5");
  }
  Override o{text.substr(0, eq), nlohmann::ordered_json()};
  const std::string value = text.substr(eq + 1);
  try {
    o.value = nlohmann::ordered_json::parse(value);
  } catch (const nlohmann::json::exception&) {
    o.value = value;  // not JSON: a plain string such as flood
  }
  return o;
}

ScenarioPlan load_scenario(const std::filesystem::path& file, const std::vector<Override>& overrides) {
  const std::string text = detail::read_text(file);
  detail::Json doc;
  try {
    doc = detail::Json::parse(text, detail::DuplicateKeyCheck{});
  } catch (const nlohmann::json::exception& e) {  // parse_error, out_of_range (number overflow), ...
    throw ScenarioError(file.string() + ": invalid JSON: " + detail::parse_error_text(e));
  }
  if (!doc.is_object()) {
    throw ScenarioError(file.string() + ": expected a JSON object at the top level, got " + doc.type_name());
  }
  for (const Override& o : overrides) {
    const std::string where = "--set " + o.path;
    if (o.path == "name" || o.path == "sweep" || o.path.starts_with("sweep.")) {
      throw ScenarioError(where + ": cannot be overridden (edit the file)");
    }
    if (const auto* sweep = doc.contains("sweep") && doc["sweep"].is_object() ? &doc["sweep"] : nullptr) {
      for (const auto& [axis, values] : sweep->items()) {
        const bool overlap = o.path == axis || o.path.starts_with(axis + ".") || axis.starts_with(o.path + ".");
        if (overlap) throw ScenarioError(where + ": is swept (sweep." + axis + "); cannot be overridden as well");
      }
    }
    try {
      detail::set_at_path(doc, o.path, detail::Json(o.value), where);
    } catch (const detail::FieldError& e) {
      throw ScenarioError(e.what());
    }
  }
  return detail::parse_scenario_ordered(doc, file.parent_path());
}

std::uint64_t replication_seed(std::uint64_t seed, std::uint32_t r) noexcept {
  return r == 0 ? seed : mix64(seed + r);
}

}  // namespace zonal::sim
