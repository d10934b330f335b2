/// Sweep expansion: the cross product of the "sweep" axes, each point parsed and validated
/// by the same code as a plain scenario (values are written into a copy of the document).
#include <algorithm>
#include <set>

#include "scenario/scenario_detail.hpp"

namespace zonal::sim::detail {
namespace {

constexpr std::size_t runs_max = 100'000;

/// Split "search.ttl" into {"search", "ttl"}.
std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = path.find('.', start);
    parts.emplace_back(path.substr(start, dot - start));
    if (dot == std::string_view::npos) return parts;
    start = dot + 1;
  }
}

/// Throw unless `path` names a parameter that may be swept: a top-level key, a section, a key of
/// a section, or a deeper key inside one ("faults.churn.model"; checked when the runs are parsed).
void check_sweep_path(const std::string& path) {
  const std::string where = "sweep." + path;
  if (path == "name" || path == "sweep" || path == "replications") fail(where, "cannot be swept");
  if (path == "seed") fail(where, "cannot be swept (use replications for independent seeds)");
  if (path == "threads") fail(where, "cannot be swept (results are the same for every thread count)");
  const auto parts = split_path(path);
  if (std::any_of(parts.begin(), parts.end(), [](const std::string& p) { return p.empty(); })) {
    fail(where, "empty key in the path (expected a parameter path such as search.ttl)");
  }
  const auto keys = section_keys(parts[0]);
  if (parts.size() == 1 && path != "peers" && keys.empty()) {
    fail(where, "unknown key \"" + parts[0] + "\" (expected a parameter path such as search.ttl)");
  }
  if (parts.size() >= 2 && keys.empty()) {
    fail(where, "\"" + parts[0] + "\" is not a section (expected a parameter path such as search.ttl)");
  }
  if (parts.size() >= 2 && std::find(keys.begin(), keys.end(), parts[1]) == keys.end()) {
    fail(where, "unknown key \"" + parts[1] + "\" in section " + parts[0]);
  }
  static constexpr std::string_view object_keys[] = {"faults.churn"};  // keys whose value is an object
  const std::string key = parts.size() >= 2 ? parts[0] + "." + parts[1] : std::string();
  if (parts.size() >= 3 && std::find(std::begin(object_keys), std::end(object_keys), key) == std::end(object_keys)) {
    fail(where, key + " has no keys of its own (only faults.churn can be swept below a section key, e.g. "
                      "faults.churn.rate_per_s)");
  }
}

/// True if `inner` is `outer` or lies inside it ("topology.degree" inside "topology").
bool path_within(std::string_view inner, std::string_view outer) {
  return inner.substr(0, outer.size()) == outer && (inner.size() == outer.size() || inner[outer.size()] == '.');
}

/// Parameter paths `axis` sets: its own path, or for "variants" every path any variant sets.
std::vector<std::string> covered_paths(const SweepAxis& axis) {
  if (!axis.variants()) return {axis.path};
  std::vector<std::string> paths;
  for (const Json& v : axis.values)
    for (const auto& [path, value] : v.items())
      if (std::find(paths.begin(), paths.end(), path) == paths.end()) paths.push_back(path);
  return paths;
}

/// True if `path` lies inside any axis (its value in the document is overridden by the sweep).
bool swept(std::string_view path, std::span<const SweepAxis> axes) {
  return std::any_of(axes.begin(), axes.end(), [&](const SweepAxis& axis) {
    const auto covered = covered_paths(axis);
    return std::any_of(covered.begin(), covered.end(), [&](const std::string& c) { return path_within(path, c); });
  });
}

/// Throw if two axes overlap (e.g. "topology" and "topology.degree"), also through the paths
/// a "variants" axis sets.
void check_overlaps(std::span<const SweepAxis> axes) {
  for (std::size_t i = 0; i < axes.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      for (const std::string& a : covered_paths(axes[i])) {
        for (const std::string& b : covered_paths(axes[j])) {
          if (path_within(a, b) || path_within(b, a)) {
            const auto name = [](const SweepAxis& x, const std::string& p) {
              return "sweep." + x.path + (x.variants() ? "[]." + p : "");
            };
            fail(name(axes[i], a), "overlaps " + name(axes[j], b));
          }
        }
      }
    }
  }
}

/// Check one "variants" value: an object of sweepable, non-overlapping parameter paths (its
/// "label" already taken out), at least one.
void check_variant(const Json& variant, const std::string& where) {
  if (!variant.is_object()) fail(where, std::string("expected an object of parameter paths, got ") + variant.type_name());
  if (variant.empty()) fail(where, "must set at least one parameter path");
  std::vector<std::string> seen;
  for (const auto& [path, value] : variant.items()) {
    if (path == "variants") fail(where + ".variants", "cannot be nested");
    try {
      check_sweep_path(path);
    } catch (const FieldError& e) {
      fail(where + "." + path, e.problem());
    }
    for (const std::string& other : seen)
      if (path_within(path, other) || path_within(other, path)) fail(where + "." + path, "overlaps " + other);
    seen.push_back(path);
  }
}

/// Text of one swept value: the string itself or its JSON.
std::string value_text(const Json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

/// "a=1,b=flood" for the chosen value index of every axis (a value's own label where it has one);
/// a variant contributes its label alone, or "path=value" for each path it sets.
std::string make_label(std::span<const SweepAxis> axes, std::span<const std::size_t> pick) {
  if (axes.empty()) return "base";
  std::string label;
  for (std::size_t a = 0; a < axes.size(); ++a) {
    const Json& v = axes[a].values[pick[a]];
    const std::string& own = axes[a].labels[pick[a]];
    std::string text;
    if (axes[a].variants()) {
      text = own;
      if (own.empty())
        for (const auto& [path, value] : v.items()) text += (text.empty() ? "" : ",") + path + "=" + value_text(value);
    } else {
      text = axes[a].path + "=" + (!own.empty() ? own : value_text(v));
    }
    label += (a == 0 ? "" : ",") + text;
  }
  return label;
}

/// Take the optional "label" out of each object value of an axis (a whole section such as
/// "topology", or an object-valued key such as "faults.churn"); it must be a short printable
/// string, distinct within the axis.
void take_labels(SweepAxis& axis, const std::string& where) {
  constexpr std::size_t label_chars_max = 100;
  axis.labels.assign(axis.values.size(), {});
  std::set<std::string> seen;
  for (std::size_t i = 0; i < axis.values.size(); ++i) {
    Json& v = axis.values[i];
    if (!v.is_object() || !v.contains("label")) continue;
    const std::string at = where + "[" + std::to_string(i) + "].label";
    const Json& l = v["label"];
    if (!l.is_string()) fail(at, std::string("expected a string, got ") + l.type_name());
    const std::string text = l.get<std::string>();
    const bool printable = std::all_of(text.begin(), text.end(), [](char c) { return c >= ' ' && c != 127; });
    if (text.empty() || text.size() > label_chars_max || !printable) {
      fail(at, "must be 1 to " + std::to_string(label_chars_max) + " printable characters");
    }
    if (!seen.insert(text).second) fail(at, "duplicate label \"" + text + "\"");
    axis.labels[i] = text;
    v.erase("label");
  }
}

/// The swept value as recorded in run.json: the value itself; an object value keeps its label.
Json typed_parameter(const SweepAxis& axis, std::size_t i) {
  if (axis.labels[i].empty()) return axis.values[i];
  Json v = {{"label", axis.labels[i]}};
  for (const auto& [k, x] : axis.values[i].items()) v[k] = x;
  return v;
}

/// Re-throw a run's error naming the sweep value responsible, if one is.
[[noreturn]] void blame(const FieldError& e, const Json& base, std::span<const SweepAxis> axes,
                        std::span<const std::size_t> pick, const std::filesystem::path& base_dir,
                        EdgeListCache& edge_lists) {
  for (std::size_t a = 0; a < axes.size(); ++a) {
    const std::string at = "sweep." + axes[a].path + "[" + std::to_string(pick[a]) + "]";
    if (axes[a].variants()) {
      for (const auto& [path, value] : axes[a].values[pick[a]].items())
        if (path_within(e.path(), path)) fail(at + "." + e.path(), e.problem());
    } else if (path_within(e.path(), axes[a].path)) {
      fail(at + e.path().substr(axes[a].path.size()), e.problem());
    }
  }
  try {
    parse_run(base, base_dir, edge_lists);
  } catch (const FieldError& own) {  // an error of the document itself is reported as such
    if (!swept(own.path(), axes)) throw;
  }
  fail("sweep[" + make_label(axes, pick) + "]", e.what());
}

/// Throw "sweep.<path>[i]: duplicate value V" for the first value equal to an earlier one of its
/// axis (it would repeat a run under the same label). Numbers compare by value: 50 and 50.0 are equal.
void check_duplicates(const SweepAxis& axis, const std::string& where) {
  std::set<Json> seen;
  for (std::size_t i = 0; i < axis.values.size(); ++i) {
    if (!seen.insert(axis.values[i]).second) {
      fail(where + "[" + std::to_string(i) + "]", "duplicate value " + axis.values[i].dump());
    }
  }
}

/// Advance the odometer (last axis fastest); false once every combination was produced.
bool next_pick(std::span<const SweepAxis> axes, std::vector<std::size_t>& pick) {
  for (std::size_t a = axes.size(); a-- > 0;) {
    if (++pick[a] < axes[a].values.size()) return true;
    pick[a] = 0;
  }
  return false;
}

/// Number of runs of the cross product; throws past runs_max.
std::size_t count_runs(std::span<const SweepAxis> axes) {
  std::size_t runs = 1;
  for (const auto& axis : axes) {
    runs *= axis.values.size();
    if (runs > runs_max) fail("sweep", "the cross product has more than " + std::to_string(runs_max) + " runs");
  }
  return runs;
}

}  // namespace

void set_at_path(Json& doc, const std::string& path, const Json& value, const std::string& where) {
  const auto parts = split_path(path);
  Json* node = &doc;
  std::string walked;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    walked += (i == 0 ? "" : ".") + parts[i];
    Json& next = (*node)[parts[i]];
    if (next.is_null()) next = Json::object();
    if (!next.is_object()) {
      fail(where, walked + " is " + std::string(next.type_name()) + ", not an object: sweep " + walked +
                      " as a whole instead");
    }
    node = &next;
  }
  (*node)[parts.back()] = value;
}

std::vector<SweepAxis> parse_sweep(const Section& root) {
  const Section sweep = root.sub("sweep");
  const Json* node = root.find("sweep");
  std::vector<SweepAxis> axes;
  if (node == nullptr) return axes;
  for (const auto& [path, values] : node->items()) {
    if (path != "variants") check_sweep_path(path);
    const std::string where = sweep.path_of(path);
    if (!values.is_array()) fail(where, std::string("expected a non-empty array, got ") + values.type_name());
    if (values.empty()) fail(where, "must be a non-empty array");
    axes.push_back(SweepAxis{path, std::vector<Json>(values.begin(), values.end()), {}});
    take_labels(axes.back(), where);
    if (axes.back().variants())
      for (std::size_t i = 0; i < values.size(); ++i) check_variant(axes.back().values[i], where + "[" + std::to_string(i) + "]");
    check_duplicates(axes.back(), where);
  }
  check_overlaps(axes);
  count_runs(axes);
  return axes;
}

std::vector<RunSpec> expand_sweep(const Json& base, std::span<const SweepAxis> axes,
                                  const std::filesystem::path& base_dir, EdgeListCache& edge_lists) {
  std::vector<RunSpec> runs;
  runs.reserve(count_runs(axes));
  std::vector<std::size_t> pick(axes.size(), 0);
  do {
    Json doc = base;
    Json parameters = Json::object();
    for (std::size_t a = 0; a < axes.size(); ++a) {
      const std::string where = "sweep." + axes[a].path + "[" + std::to_string(pick[a]) + "]";
      parameters[axes[a].path] = typed_parameter(axes[a], pick[a]);  // a variant: its label and paths
      if (!axes[a].variants()) {
        set_at_path(doc, axes[a].path, axes[a].values[pick[a]], where);
        continue;
      }
      for (const auto& [path, value] : axes[a].values[pick[a]].items()) set_at_path(doc, path, value, where + "." + path);
    }
    try {
      runs.push_back(RunSpec{make_label(axes, pick), parse_run(doc, base_dir, edge_lists), parameters, doc});
    } catch (const FieldError& e) {
      if (axes.empty()) throw;
      blame(e, base, axes, pick, base_dir, edge_lists);
    }
  } while (next_pick(axes, pick));
  return runs;
}

}  // namespace zonal::sim::detail
