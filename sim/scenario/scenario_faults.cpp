/// The faults section: message loss, churn, mass failures and partitions. Zone numbers are
/// checked against zones.count (the tracker may form fewer zones; the engine then finds no
/// member of a zone it did not form).
#include <algorithm>
#include <array>
#include <cmath>

#include "scenario/scenario_detail.hpp"

namespace zonal::sim::detail {
namespace {

constexpr double at_ms_max = 86'400'000;       ///< 1 day after the query phase starts
constexpr double lifetime_s_max = 31'536'000;  ///< 1 year
constexpr double churn_rate_per_s_max = 1'000'000;
constexpr double shape_max = 100;
constexpr std::size_t entries_max = 10'000;
constexpr double churn_events_max = 10'000'000;  ///< keeps a run's churn schedule under about 400 MB

constexpr std::array<Choice<ChurnModel>, 3> churn_models{
    {{"none", ChurnModel::none}, {"sessions", ChurnModel::sessions}, {"poisson", ChurnModel::poisson}}};
constexpr std::array<Choice<LifetimeKind>, 3> lifetimes{
    {{"exponential", LifetimeKind::exponential}, {"weibull", LifetimeKind::weibull}, {"pareto", LifetimeKind::pareto}}};

/// Keys faults.churn accepts for `model` (and, for sessions, `lifetime`).
std::span<const std::string_view> churn_keys(ChurnModel model, LifetimeKind lifetime) noexcept {
  static constexpr std::array<std::string_view, 1> none{"model"};
  static constexpr std::array<std::string_view, 5> sessions{"model", "lifetime", "session_mean_s", "offline_mean_s",
                                                            "leave_fraction"};
  static constexpr std::array<std::string_view, 6> shaped{"model",          "lifetime",       "session_mean_s",
                                                          "offline_mean_s", "leave_fraction", "shape"};
  static constexpr std::array<std::string_view, 3> poisson{"model", "rate_per_s", "leave_fraction"};
  switch (model) {
    case ChurnModel::none:
      return none;
    case ChurnModel::sessions:
      return lifetime == LifetimeKind::exponential ? std::span<const std::string_view>(sessions)
                                                   : std::span<const std::string_view>(shaped);
    case ChurnModel::poisson:
      return poisson;
  }
  return {};
}

template <class E, std::size_t N>
std::string_view name_of(const std::array<Choice<E>, N>& choices, E value) {
  for (const auto& c : choices) {
    if (c.value == value) return c.name;
  }
  return "?";
}

ChurnSpec parse_churn(const Section& s) {
  static constexpr std::array<std::string_view, 7> all{"model", "lifetime",   "session_mean_s", "offline_mean_s",
                                                       "shape", "rate_per_s", "leave_fraction"};
  s.reject_unknown(all);
  ChurnSpec c;
  c.model = s.get_choice<ChurnModel>("model", c.model, churn_models);
  c.lifetime = s.get_choice<LifetimeKind>("lifetime", c.lifetime, lifetimes);
  const std::string note =
      " for model \"" + std::string(name_of(churn_models, c.model)) + "\"" +
      (c.model == ChurnModel::sessions ? " and lifetime \"" + std::string(name_of(lifetimes, c.lifetime)) + "\"" : "");
  s.reject_unknown(churn_keys(c.model, c.lifetime), note);
  c.session_mean_s = at_most(s.get_number("session_mean_s", c.session_mean_s, Bound{0, false}), lifetime_s_max,
                             s.path_of("session_mean_s"));
  c.offline_mean_s = at_most(s.get_number("offline_mean_s", c.offline_mean_s, Bound{0, false}), lifetime_s_max,
                             s.path_of("offline_mean_s"));
  c.shape = at_most(s.get_number("shape", c.shape, Bound{0, false}), shape_max, s.path_of("shape"));
  if (c.lifetime == LifetimeKind::pareto && c.shape <= 1.0) {
    fail(s.path_of("shape"), "must be > 1 for pareto (the mean must exist), got " + format_number(c.shape));
  }
  c.rate_per_s =
      at_most(s.get_number("rate_per_s", c.rate_per_s, Bound{0, false}), churn_rate_per_s_max, s.path_of("rate_per_s"));
  c.leave_fraction = s.get_number("leave_fraction", c.leave_fraction, Bound{0}, Bound{1});
  return c;
}

/// The array at `key` (absent: empty), each entry checked to be an object.
const Json* array_of(const Section& s, std::string_view key) {
  const Json* v = s.find(key);
  if (v == nullptr) return nullptr;
  if (!v->is_array()) fail(s.path_of(key), std::string("expected an array, got ") + v->type_name());
  if (v->size() > entries_max) fail(s.path_of(key), "must have at most " + std::to_string(entries_max) + " entries");
  for (std::size_t i = 0; i < v->size(); ++i) {
    if (!(*v)[i].is_object()) {
      fail(s.path_of(key) + "[" + std::to_string(i) + "]",
           std::string("expected an object, got ") + (*v)[i].type_name());
    }
  }
  return v;
}

ZoneId zone_at(const Json& v, const std::string& path, const ZonesSpec& zones) {
  if (!v.is_number_integer()) to_uint(v, path, 0, 0, false);  // reports the type error
  const bool negative = !v.is_number_unsigned() && v.get<std::int64_t>() < 0;
  if (negative || v.get<std::uint64_t>() >= zones.count) {
    fail(path, "must be between 0 and zones.count - 1 (" + std::to_string(zones.count - 1) + "), got " + v.dump());
  }
  return static_cast<ZoneId>(v.get<std::uint64_t>());
}

MassFailure parse_failure(const Section& s, const ZonesSpec& zones) {
  static constexpr std::array<std::string_view, 3> keys{"at_ms", "fraction", "zone"};
  s.reject_unknown(keys);
  MassFailure f;
  f.at_ms = at_most(s.get_number("at_ms", f.at_ms, Bound{0}), at_ms_max, s.path_of("at_ms"));
  if (s.has("fraction") == s.has("zone")) fail(s.path(), "exactly one of fraction and zone is required");
  if (s.has("zone")) {
    f.zone = zone_at(*s.find("zone"), s.path_of("zone"), zones);
  } else {
    f.fraction = s.get_number("fraction", f.fraction, Bound{0, false}, Bound{1});
  }
  return f;
}

PartitionSpec parse_partition(const Section& s, const ZonesSpec& zones) {
  static constexpr std::array<std::string_view, 3> keys{"from_ms", "until_ms", "zones"};
  s.reject_unknown(keys);
  PartitionSpec p;
  p.from_ms = at_most(s.get_number("from_ms", p.from_ms, Bound{0}), at_ms_max, s.path_of("from_ms"));
  if (!s.has("until_ms")) fail(s.path_of("until_ms"), "is required");
  p.until_ms = at_most(s.get_number("until_ms", p.until_ms, Bound{0}), at_ms_max, s.path_of("until_ms"));
  if (p.until_ms < p.from_ms) {
    fail(s.path_of("until_ms"),
         "must be >= from_ms (" + format_number(p.from_ms) + "), got " + format_number(p.until_ms));
  }
  const Json* list = s.find("zones");
  if (list == nullptr) fail(s.path_of("zones"), "is required");
  if (!list->is_array()) fail(s.path_of("zones"), std::string("expected an array, got ") + list->type_name());
  if (list->empty()) fail(s.path_of("zones"), "must not be empty");
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string path = s.path_of("zones") + "[" + std::to_string(i) + "]";
    const ZoneId z = zone_at((*list)[i], path, zones);
    if (std::find(p.zones.begin(), p.zones.end(), z) != p.zones.end())
      fail(path, "zone " + std::to_string(z) + " listed twice");
    p.zones.push_back(z);
  }
  if (p.zones.size() >= zones.count) {
    fail(s.path_of("zones"),
         "must leave at least one of zones.count (" + std::to_string(zones.count) + ") zones outside");
  }
  return p;
}

}  // namespace

void check_churn_volume(const Scenario& s, std::uint32_t peers) {
  const ChurnSpec& c = s.faults.churn;
  if (c.model == ChurnModel::none) return;
  const WorkloadSpec& w = s.workload;
  const double phase_s = (w.script.empty() ? w.start_ms / 1000.0 + w.queries / w.rate_per_s
                                           : w.script.back().at_ms / 1000.0) +
                         s.search.timeout_ms / 1000.0;
  const double events = c.model == ChurnModel::sessions
                            ? 2.0 * peers * phase_s / (c.session_mean_s + c.offline_mean_s) + peers
                            : 2.0 * c.rate_per_s * phase_s;
  if (events > churn_events_max) {
    fail("faults.churn", "about " + format_number(std::round(events)) + " churn events expected over the " +
                             format_number(std::round(phase_s)) + " s query phase, at most " +
                             format_number(churn_events_max));
  }
}

FaultSpec parse_faults(const Section& s, const ZonesSpec& zones) {
  s.reject_unknown(section_keys("faults"));
  FaultSpec f;
  f.loss = s.get_number("loss", f.loss, Bound{0}, Bound{1, false});
  f.churn = parse_churn(s.sub("churn"));
  f.heartbeat_ms =
      at_most(s.get_number("heartbeat_ms", f.heartbeat_ms, Bound{1}), at_ms_max, s.path_of("heartbeat_ms"));
  f.expiry_ms = at_most(s.get_number("expiry_ms", f.expiry_ms, Bound{0}), at_ms_max, s.path_of("expiry_ms"));
  if (f.expiry_ms < f.heartbeat_ms) {
    fail(s.path_of("expiry_ms"),
         "must be >= faults.heartbeat_ms (" + format_number(f.heartbeat_ms) + "), got " + format_number(f.expiry_ms));
  }
  if (const Json* list = array_of(s, "failures")) {
    for (std::size_t i = 0; i < list->size(); ++i) {
      const std::string path = s.path_of("failures") + "[" + std::to_string(i) + "]";
      f.failures.push_back(parse_failure(Section(&(*list)[i], path), zones));
    }
  }
  if (const Json* list = array_of(s, "partitions")) {
    for (std::size_t i = 0; i < list->size(); ++i) {
      const std::string path = s.path_of("partitions") + "[" + std::to_string(i) + "]";
      f.partitions.push_back(parse_partition(Section(&(*list)[i], path), zones));
    }
  }
  return f;
}

}  // namespace zonal::sim::detail
