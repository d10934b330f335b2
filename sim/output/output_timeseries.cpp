#include "output/output_timeseries.hpp"

#include "output/csv_text.hpp"

#include <fstream>
#include <iomanip>
#include <sstream>
#include <stdexcept>

namespace zonal::sim {
namespace {

template <typename Writer>
void write_to(const std::filesystem::path& path, Writer writer) {
  std::ofstream out(path, std::ios::binary);
  write_timeseries_header(out);
  writer(out);
  out.close();
  if (!out) throw std::runtime_error(path.string() + ": cannot write");
}

}  // namespace

void write_timeseries_header(std::ostream& out) {
  out << "run,replication,window,start_ms,end_ms,peers_online,queries_started,queries_answered,queries_failed,"
         "queries_skipped,success_rate,hops_mean";
  for (std::size_t c = 0; c < message_class_count; ++c) out << ",messages_" << message_class_name(static_cast<MessageClass>(c));
  out << '\n';
}

void write_timeseries_rows(std::ostream& out, const RunResult& run) {
  const std::string label = csv_field(run.label);
  const double width_ms = static_cast<double>(run.timeseries.window_us) / 1000.0;
  for (std::size_t i = 0; i < run.timeseries.windows.size(); ++i) {
    const TimeseriesWindow& w = run.timeseries.windows[i];
    out << label << ',' << run.replication << ',' << i << ',' << fixed(width_ms * static_cast<double>(i), 3) << ','
        << fixed(width_ms * static_cast<double>(i + 1), 3) << ',' << w.peers_online << ',' << w.queries_started << ','
        << w.queries_answered << ',' << w.queries_failed << ',' << w.queries_skipped << ',';
    if (w.queries_started > 0) out << fixed(static_cast<double>(w.queries_answered) / w.queries_started, 6);
    out << ',';
    if (w.queries_answered > 0) out << fixed(static_cast<double>(w.hops_sum) / w.queries_answered, 4);
    for (const std::uint64_t m : w.messages) out << ',' << m;
    out << '\n';
  }
}

bool has_timeseries(const std::vector<std::vector<RunResult>>& runs) {
  for (const auto& reps : runs) {
    for (const RunResult& r : reps) {
      if (!r.timeseries.windows.empty()) return true;
    }
  }
  return false;
}

void write_timeseries_csv(const std::filesystem::path& path, const std::vector<std::vector<RunResult>>& runs) {
  write_to(path, [&](std::ostream& out) {
    for (const auto& reps : runs) {
      for (const RunResult& r : reps) write_timeseries_rows(out, r);
    }
  });
}

void write_timeseries_csv(const std::filesystem::path& path, const RunResult& run) {
  write_to(path, [&](std::ostream& out) { write_timeseries_rows(out, run); });
}

}  // namespace zonal::sim
