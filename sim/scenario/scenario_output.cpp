/// The `output` section (optional extra result files): output.timeseries_ms.
#include <cmath>

#include "scenario/scenario_detail.hpp"

namespace zonal::sim::detail {
namespace {

constexpr double window_ms_max = 86'400'000;  ///< 1 day
/// Windows a time series may have over the expected query phase (each is one CSV row per run).
constexpr double windows_max = 100'000;

/// Expected length of the query phase in ms: its last arrival (script, or start plus queries at
/// the Poisson rate) plus the query timeout.
double expected_phase_ms(const Scenario& s) {
  const WorkloadSpec& w = s.workload;
  const double arrivals_ms = w.script.empty() ? w.start_ms + 1000.0 * w.queries / w.rate_per_s : w.script.back().at_ms;
  return arrivals_ms + s.search.timeout_ms;
}

}  // namespace

OutputSpec parse_output(const Section& s, const Scenario& scenario) {
  s.reject_unknown(section_keys("output"));
  OutputSpec o;
  if (!s.has("timeseries_ms")) return o;
  const std::string path = s.path_of("timeseries_ms");
  o.timeseries_ms = at_most(s.get_number("timeseries_ms", o.timeseries_ms, Bound{0}), window_ms_max, path);
  if (o.timeseries_ms == 0) return o;  // explicitly off
  const double phase_ms = expected_phase_ms(scenario);
  const double windows = std::ceil(phase_ms / o.timeseries_ms);
  if (windows > windows_max) {
    fail(path, "about " + format_number(windows) + " windows over the expected " + format_number(std::round(phase_ms)) +
                   " ms query phase, at most " + format_number(windows_max) + ": use windows of at least " +
                   format_number(std::ceil(phase_ms / windows_max)) + " ms");
  }
  return o;
}

}  // namespace zonal::sim::detail
