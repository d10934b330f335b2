#pragma once
/// Internals of scenario parsing shared by scenario*.cpp: JSON field readers that name their
/// path in every error, per-run parsing and sweep expansion. Not part of the public contract.
#include <cstdint>
#include <filesystem>
#include <limits>
#include <map>
#include <unordered_map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "scenario/scenario.hpp"

namespace zonal::sim::detail {

/// Scenario documents are read order-preserving so that sweep axes keep their file order.
using Json = nlohmann::ordered_json;

/// A ScenarioError that also keeps its path and problem apart (sweep errors re-prefix the path).
class FieldError : public ScenarioError {
 public:
  /// what() becomes "<path>: <problem>".
  FieldError(std::string path, std::string problem);
  /// JSON path of the offending value, e.g. "search.ttl".
  const std::string& path() const noexcept { return m_path; }
  /// What is wrong with it, e.g. "must be between 1 and 10, got 12".
  const std::string& problem() const noexcept { return m_problem; }

 private:
  std::string m_path;
  std::string m_problem;
};

/// Throw a FieldError for `path`.
[[noreturn]] void fail(std::string path, std::string problem);

/// Shortest round-trip text of `value` ("0.5", "10", "1e-07", "1e+300"); integral values below
/// 1e15 are written out in full ("3600000", not "3.6e+06"). Use in error messages.
std::string format_number(double value);

/// `value` if it is <= `max`, else throw "<path>: must be <= <max>, got <value>" (sanity caps).
double at_most(double value, double max, const std::string& path);

/// Throw "<path>: must be a finite number, got inf" for the first NaN or infinity anywhere in
/// `doc` (only documents built in code can hold one: the JSON text parser rejects them).
void check_finite(const Json& doc);

/// One end of an allowed real interval.
struct Bound {
  double value;
  bool inclusive = true;
};

/// One accepted spelling of an enum value.
template <class E>
struct Choice {
  std::string_view name;
  E value;
};

/// Check that `value` is one of `names` and return its enum value; errors list all names.
template <class E>
E to_choice(const Json& value, const std::string& path, std::span<const Choice<E>> names);

/// Check the spelling only; returns the index into `names`.
std::size_t choice_index(const Json& value, const std::string& path, std::span<const std::string_view> names);

template <class E>
E to_choice(const Json& value, const std::string& path, std::span<const Choice<E>> names) {
  std::vector<std::string_view> spelled;
  for (const auto& c : names) spelled.push_back(c.name);
  return names[choice_index(value, path, spelled)].value;
}

/// Integer in [lo, hi]; `bounded` says whether hi is a documented limit (or just the type's).
std::uint64_t to_uint(const Json& value, const std::string& path, std::uint64_t lo, std::uint64_t hi, bool bounded);

/// Finite real number within the given bounds (integers are accepted too).
double to_number(const Json& value, const std::string& path, std::optional<Bound> lo, std::optional<Bound> hi);

/// A JSON string.
std::string to_string(const Json& value, const std::string& path);

/// A JSON boolean.
bool to_bool(const Json& value, const std::string& path);

/// Read-only view of one JSON object of the document (a missing section reads as empty).
class Section {
 public:
  /// `node` may be null (section absent); `path` is "" for the top level.
  Section(const Json* node, std::string path);

  /// The sub-object `key`; throws if present but not an object.
  Section sub(std::string_view key) const;
  /// The value at `key`, or null if absent.
  const Json* find(std::string_view key) const;
  /// True if `key` is present.
  bool has(std::string_view key) const { return find(key) != nullptr; }
  /// Dotted path of `key` inside this section.
  std::string path_of(std::string_view key) const;
  /// Path of the section itself (e.g. "faults.failures[0]"); "" for the top level.
  const std::string& path() const noexcept { return m_path; }
  /// Throw "<path>.<key>: unknown key<note>" for the first key not in `allowed`.
  void reject_unknown(std::span<const std::string_view> allowed, std::string_view note = {}) const;

  /// Unsigned integer field; `fallback` if absent; checked against [lo, hi] when `hi` is given.
  template <class T>
  T get_uint(std::string_view key, T fallback, T lo, std::optional<T> hi = {}) const {
    const Json* v = find(key);
    if (v == nullptr) return fallback;
    return static_cast<T>(to_uint(*v, path_of(key), lo, hi.value_or(std::numeric_limits<T>::max()), hi.has_value()));
  }
  /// Real field; `fallback` if absent.
  double get_number(std::string_view key, double fallback, std::optional<Bound> lo, std::optional<Bound> hi = {}) const;
  /// Boolean field; `fallback` if absent.
  bool get_bool(std::string_view key, bool fallback) const {
    const Json* v = find(key);
    return v == nullptr ? fallback : to_bool(*v, path_of(key));
  }
  /// Enum field spelled as a string; `fallback` if absent.
  template <class E>
  E get_choice(std::string_view key, E fallback, std::span<const Choice<E>> names) const {
    const Json* v = find(key);
    return v == nullptr ? fallback : to_choice(*v, path_of(key), names);
  }

 private:
  const Json* m_node;
  std::string m_path;
};

/// Keys of the top-level object.
std::span<const std::string_view> top_level_keys() noexcept;
/// Keys a section may contain (union over kinds); empty if `section` is not a section name.
std::span<const std::string_view> section_keys(std::string_view section) noexcept;

/// Edge-list files loaded while validating, keyed by resolved path: one parse (with all its
/// sweep points) loads each file once.
class EdgeListCache {
 public:
  /// Node count of `file`; throws FieldError "<path>: <TopologyError::what()>" if it does not load.
  std::uint32_t peers(const std::filesystem::path& file, const std::string& path);
  /// Dense peer id of each of `file`'s node ids (after peers() loaded it).
  const std::unordered_map<std::uint64_t, PeerId>& ids(const std::filesystem::path& file) const;
  /// One line per loaded file that dropped self-loops or duplicate links, for the user.
  std::vector<std::string> drop_reports() const;

 private:
  struct Entry {
    std::uint32_t peers = 0;
    std::string error;  ///< non-empty: the file did not load
    std::unordered_map<std::uint64_t, PeerId> ids;
    std::size_t lines = 0, self_loops = 0, duplicates = 0;
  };
  std::map<std::filesystem::path, Entry> m_entries;
};

/// Peer ids as a scenario writes them (content.placement holders, workload.script origins):
/// dense ids 0 .. peers-1 for generated topologies, the file's node ids for edge lists.
class PeerIds {
 public:
  /// `by_node_id` null: dense ids; else the edge list `file`'s node ids.
  PeerIds(std::uint32_t peers, const std::unordered_map<std::uint64_t, PeerId>* by_node_id, std::string file);
  /// The dense peer id that `v` names; throws FieldError at `path` for an unknown id.
  PeerId at(const Json& v, const std::string& path) const;

 private:
  std::uint32_t m_peers;
  const std::unordered_map<std::uint64_t, PeerId>* m_by_node_id;
  std::string m_file;
};

/// content.placement: explicit names and holders; empty when absent. (scenario_explicit.cpp)
std::vector<PlacedFile> parse_placement(const Section& content, const PeerIds& ids);

/// workload.script: explicit queries (known origins, non-decreasing at_ms); empty when absent.
std::vector<ScriptedQuery> parse_script(const Section& workload, const PeerIds& ids);

/// The `chord` section (scenario_chord.cpp); `peers` bounds the identifier space.
ChordSpec parse_chord(const Section& chord, std::uint32_t peers);

/// The faults section (loss, churn, failures, partitions); zone numbers are checked against
/// `zones.count`. (scenario_faults.cpp)
FaultSpec parse_faults(const Section& faults, const ZonesSpec& zones);

/// Reject churn whose expected event count over the expected query phase (queries / rate plus the
/// timeout) exceeds the schedule limit; call once the workload and search are parsed. (scenario_faults.cpp)
void check_churn_volume(const Scenario& scenario, std::uint32_t peers);

/// The `output` section; `scenario` (workload and search parsed) bounds the time-series windows.
/// (scenario_output.cpp)
OutputSpec parse_output(const Section& output, const Scenario& scenario);

/// Parse one run's parameters (everything but name, seed, sweep, replications) from `doc`.
Scenario parse_run(const Json& doc, const std::filesystem::path& base_dir, EdgeListCache& edge_lists);

/// Write `value` at dotted `path` of `doc` ("faults.churn.model"), creating absent sections;
/// call for sweep values and --set overrides. Throws FieldError at `where` when a level on the
/// way holds something other than an object (e.g. an array).
void set_at_path(Json& doc, const std::string& path, const Json& value, const std::string& where);

/// One sweep dimension: a parameter path and the values it takes, in file order. The axis
/// "variants" is a list of objects that each set several parameter paths at once.
struct SweepAxis {
  std::string path;
  std::vector<Json> values;        ///< without their "label" keys
  std::vector<std::string> labels;  ///< per value: its "label" (whole-section and variant values only), or ""
  bool variants() const noexcept { return path == "variants"; }
};

/// Validate the "sweep" object's shape, paths and duplicate values (values are checked when runs are built).
std::vector<SweepAxis> parse_sweep(const Section& root);

/// Build and validate every run of the cross product of `axes` over `base` (a document without "sweep").
std::vector<RunSpec> expand_sweep(const Json& base, std::span<const SweepAxis> axes,
                                  const std::filesystem::path& base_dir, EdgeListCache& edge_lists);

/// Warnings for sweep axes that some runs' strategies ignore (naming the key); throws FieldError
/// "sweep.<path>" when an axis has no effect on any run. (scenario_effect.cpp)
std::vector<std::string> ineffective_sweep_warnings(const ScenarioPlan& plan);

/// parse_scenario on an order-preserving document (sweep axes keep the document's order).
ScenarioPlan parse_scenario_ordered(const Json& doc, const std::filesystem::path& base_dir);

}  // namespace zonal::sim::detail
