/// JSON field readers for scenario files: type and range checks whose errors name the JSON path.
#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include "scenario/scenario_detail.hpp"

namespace zonal::sim::detail {

FieldError::FieldError(std::string path, std::string problem)
    : ScenarioError(path + ": " + problem), m_path(std::move(path)), m_problem(std::move(problem)) {}

void fail(std::string path, std::string problem) { throw FieldError(std::move(path), std::move(problem)); }

std::string format_number(double value) {
  std::array<char, 64> buf{};
  auto [end, ec] = std::abs(value) < 1e15 && value == std::trunc(value)
                       ? std::to_chars(buf.data(), buf.data() + buf.size(), static_cast<std::int64_t>(value))
                       : std::to_chars(buf.data(), buf.data() + buf.size(), value);
  return ec == std::errc{} ? std::string(buf.data(), end) : std::string("?");
}

double at_most(double value, double max, const std::string& path) {
  if (value > max) fail(path, "must be <= " + format_number(max) + ", got " + format_number(value));
  return value;
}

void check_finite(const Json& doc) {
  // Iterative walk: a deeply nested document must not exhaust the stack.
  std::vector<std::pair<const Json*, std::string>> pending{{&doc, ""}};
  while (!pending.empty()) {
    auto [node, path] = std::move(pending.back());
    pending.pop_back();
    if (node->is_number_float() && !std::isfinite(node->get<double>())) {
      fail(path.empty() ? "(root)" : path, "must be a finite number, got " + format_number(node->get<double>()));
    }
    if (node->is_object()) {
      // Reverse order so that the first offending value in document order is reported.
      for (auto it = node->rbegin(); it != node->rend(); ++it) {
        pending.emplace_back(&*it, path.empty() ? it.key() : path + "." + it.key());
      }
    } else if (node->is_array()) {
      for (std::size_t i = node->size(); i-- > 0;) pending.emplace_back(&(*node)[i], path + "[" + std::to_string(i) + "]");
    }
  }
}

namespace {

/// "must be between 1 and 10", "must be >= 1" or "must be <= 4294967295" for an integer range.
std::string uint_range_text(bool below, std::uint64_t lo, std::uint64_t hi, bool bounded) {
  if (bounded) return "must be between " + std::to_string(lo) + " and " + std::to_string(hi);
  if (below) return "must be >= " + std::to_string(lo);
  return "must be <= " + std::to_string(hi);
}

/// "must be in [0, 1)", "must be > 0" or "must be <= 5" for a real range.
std::string real_range_text(std::optional<Bound> lo, std::optional<Bound> hi) {
  if (lo && hi) {
    return std::string("must be in ") + (lo->inclusive ? "[" : "(") + format_number(lo->value) + ", " +
           format_number(hi->value) + (hi->inclusive ? "]" : ")");
  }
  if (lo) return std::string("must be ") + (lo->inclusive ? ">= " : "> ") + format_number(lo->value);
  return std::string("must be ") + (hi->inclusive ? "<= " : "< ") + format_number(hi->value);
}

bool within(double v, std::optional<Bound> lo, std::optional<Bound> hi) {
  if (lo && (lo->inclusive ? v < lo->value : v <= lo->value)) return false;
  if (hi && (hi->inclusive ? v > hi->value : v >= hi->value)) return false;
  return true;
}

}  // namespace

std::uint64_t to_uint(const Json& value, const std::string& path, std::uint64_t lo, std::uint64_t hi, bool bounded) {
  if (!value.is_number()) fail(path, std::string("expected an integer, got ") + value.type_name());
  if (value.is_number_float() && !std::isfinite(value.get<double>())) {
    fail(path, "must be a finite number, got " + format_number(value.get<double>()));
  }
  if (value.is_number_float()) fail(path, "expected an integer, got " + value.dump());
  const bool negative = !value.is_number_unsigned() && value.get<std::int64_t>() < 0;
  const std::uint64_t v = negative ? 0 : value.get<std::uint64_t>();
  if (negative || v < lo || v > hi) fail(path, uint_range_text(negative || v < lo, lo, hi, bounded) + ", got " + value.dump());
  return v;
}

double to_number(const Json& value, const std::string& path, std::optional<Bound> lo, std::optional<Bound> hi) {
  if (!value.is_number()) fail(path, std::string("expected a number, got ") + value.type_name());
  const double v = value.get<double>();
  if (!std::isfinite(v)) fail(path, "must be a finite number, got " + format_number(v));
  if (!within(v, lo, hi)) fail(path, real_range_text(lo, hi) + ", got " + format_number(v));
  return v;
}

std::string to_string(const Json& value, const std::string& path) {
  if (!value.is_string()) fail(path, std::string("expected a string, got ") + value.type_name());
  return value.get<std::string>();
}

bool to_bool(const Json& value, const std::string& path) {
  if (!value.is_boolean()) fail(path, std::string("expected a boolean, got ") + value.type_name());
  return value.get<bool>();
}

std::size_t choice_index(const Json& value, const std::string& path, std::span<const std::string_view> names) {
  const std::string text = to_string(value, path);
  const auto it = std::find(names.begin(), names.end(), text);
  if (it != names.end()) return static_cast<std::size_t>(it - names.begin());
  std::string expected;
  for (const auto name : names) expected += (expected.empty() ? "" : ", ") + std::string(name);
  fail(path, "unknown value " + value.dump() + " (expected one of: " + expected + ")");
}

Section::Section(const Json* node, std::string path) : m_node(node), m_path(std::move(path)) {}

Section Section::sub(std::string_view key) const {
  const Json* v = find(key);
  if (v != nullptr && !v->is_object()) fail(path_of(key), std::string("expected an object, got ") + v->type_name());
  return Section(v, path_of(key));
}

const Json* Section::find(std::string_view key) const {
  if (m_node == nullptr) return nullptr;
  const auto it = m_node->find(key);
  return it == m_node->end() ? nullptr : &*it;
}

std::string Section::path_of(std::string_view key) const {
  return m_path.empty() ? std::string(key) : m_path + "." + std::string(key);
}

void Section::reject_unknown(std::span<const std::string_view> allowed, std::string_view note) const {
  if (m_node == nullptr) return;
  for (const auto& [key, value] : m_node->items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      fail(path_of(key), "unknown key" + std::string(note));
    }
  }
}

double Section::get_number(std::string_view key, double fallback, std::optional<Bound> lo,
                           std::optional<Bound> hi) const {
  const Json* v = find(key);
  return v == nullptr ? fallback : to_number(*v, path_of(key), lo, hi);
}

std::span<const std::string_view> top_level_keys() noexcept {
  static constexpr std::array<std::string_view, 15> keys{"name",     "seed",   "peers",  "topology",
                                                         "zones",    "latency", "faults", "content",
                                                         "workload", "search", "chord",  "output",
                                                         "sweep",    "replications", "threads"};
  return keys;
}

std::span<const std::string_view> section_keys(std::string_view section) noexcept {
  static constexpr std::array<std::string_view, 7> topology{"kind", "degree", "degree_mean", "attach", "rewire", "k", "file"};
  static constexpr std::array<std::string_view, 7> zones{"count", "min_size", "degree", "placement",
                                                         "publish_replicas", "links_seed", "entry"};
  static constexpr std::array<std::string_view, 5> latency{"kind", "mean_ms", "min_ms", "max_ms", "sigma"};
  static constexpr std::array<std::string_view, 7> faults{"loss",         "churn",     "failures",        "partitions",
                                                          "heartbeat_ms", "expiry_ms", "count_heartbeats"};
  static constexpr std::array<std::string_view, 4> content{"files", "files_per_peer", "replicas", "placement"};
  static constexpr std::array<std::string_view, 6> workload{"queries",          "rate_per_s", "zipf_alpha",
                                                            "missing_fraction", "script",     "start_ms"};
  static constexpr std::array<std::string_view, 10> search{"strategy",    "ttl",        "seen_capacity", "timeout_ms",
                                                          "walkers",     "walk_ttl",   "check_every",   "ring_start",
                                                          "ring_step",   "ring_wait_ms"};
  if (section == "topology") return topology;
  if (section == "zones") return zones;
  if (section == "latency") return latency;
  if (section == "faults") return faults;
  if (section == "content") return content;
  if (section == "workload") return workload;
  static constexpr std::array<std::string_view, 10> chord{"id_bits",     "successors",           "stabilize_ms",
                                                          "fix_fingers_ms", "check_predecessor_ms", "mode",
                                                          "replication",    "ring",                 "settle_ms",
                                                          "ids"};
  static constexpr std::array<std::string_view, 1> output{"timeseries_ms"};
  if (section == "search") return search;
  if (section == "chord") return chord;
  if (section == "output") return output;
  return {};
}

}  // namespace zonal::sim::detail
