#include "engine/core/measurement.hpp"

#include <utility>

#include "zonal/time.hpp"

namespace zonal::sim {

Measurement::Measurement(std::uint32_t peers, std::vector<std::uint64_t> labels, const ProgressFn& progress,
                         std::uint32_t queries_total, const RunOptions& options, TimeUs search_timeout_us)
    : m_labels(std::move(labels)),
      m_progress(progress),
      m_queries_total(queries_total),
      m_loads(peers, /*huge_pages=*/true),
      m_queries(options, queries_total, query_rows_horizon_us(search_timeout_us)) {}

void Measurement::start_query_phase(TimeUs now_us, double timeseries_ms, std::uint32_t online) {
  m_measuring = true;
  if (timeseries_ms > 0) {
    m_series = std::make_unique<TimeseriesRecorder>(us_from_ms(timeseries_ms), now_us, online);
  }
}

void Measurement::finish(RunResult& result, TimeUs end_us) {
  m_queries.finish(result);
  if (m_series) result.timeseries = m_series->finish(end_us, result);
}

}  // namespace zonal::sim
