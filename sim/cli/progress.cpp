#include "progress.hpp"

#include <cstdio>
#include <iostream>

namespace zonal::sim::cli {

std::string format_duration(double seconds) {
  const long s = seconds < 0 ? 0 : static_cast<long>(seconds + 0.5);
  char buf[48];
  if (s >= 3600) std::snprintf(buf, sizeof buf, "%ldh%02ldm%02lds", s / 3600, (s / 60) % 60, s % 60);
  else if (s >= 60) std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
  else std::snprintf(buf, sizeof buf, "%lds", s);
  return buf;
}

namespace {

/// "0.42 s" below a minute (phase timings are what benchmarks quote), else "4m05s".
std::string phase_duration(double seconds) {
  if (seconds >= 60) return format_duration(seconds);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f s", seconds < 0 ? 0.0 : seconds);
  return buf;
}

}  // namespace

SweepProgress::SweepProgress(bool enabled, std::size_t todo) : m_enabled(enabled), m_todo(todo) {}

std::string SweepProgress::elapsed() const {
  return format_duration(std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count());
}

double SweepProgress::fraction_locked() const {
  double done = static_cast<double>(m_done);
  for (const auto& [index, share] : m_running) done += share;
  return m_todo == 0 ? 1.0 : done / static_cast<double>(m_todo);
}

void SweepProgress::started(std::size_t index, const std::string& label, std::uint32_t replication) {
  const std::lock_guard guard(m_lock);
  m_running[index] = 0.0;
  m_run_start[index] = std::chrono::steady_clock::now();
  if (m_enabled) {
    std::cerr << "[run " << index << "] start: " << label << " replication " << replication << " (" << m_done << "/"
              << m_todo << " done, " << elapsed() << " elapsed)\n";
  }
}

void SweepProgress::update(std::size_t index, const Progress& p) {
  const std::lock_guard guard(m_lock);
  const double share = p.queries_total == 0 ? 0.0 : static_cast<double>(p.queries_started) / p.queries_total;
  m_running[index] = p.phase == "queries" ? 0.9 * share + 0.1 : 0.1 * (p.phase == "topology" ? 0.0 : 0.5);
  if (!m_enabled) return;
  const auto now = std::chrono::steady_clock::now();
  Phase& phase = m_phases[index];
  if (phase.name != p.phase) {  // every phase change is shown at once, with the previous phase's duration
    if (!phase.name.empty()) {
      const double took_s = std::chrono::duration<double>(now - phase.since).count();
      std::fprintf(stderr, "  [run %zu] %s took %s; now %s\n", index, phase.name.c_str(),
                   phase_duration(took_s).c_str(),
                   std::string(p.phase).c_str());
    } else if (p.phase == "topology") {
      std::fprintf(stderr, "  [run %zu] building the topology\n", index);
    }
    phase = Phase{std::string(p.phase), now};
  }
  if (now - m_last < std::chrono::seconds(2)) return;
  m_last = now;
  if (p.phase == "topology") {
    std::fprintf(stderr, "  [run %zu] topology: %.1f M of about %.1f M links\n", index, static_cast<double>(p.links) / 1e6,
                 static_cast<double>(p.links_expected) / 1e6);
    return;
  }
  const double elapsed_s = std::chrono::duration<double>(now - m_start).count();
  const double f = fraction_locked();
  const std::string eta = f > 0.01 ? format_duration(elapsed_s * (1.0 - f) / f) : std::string("?");
  std::fprintf(stderr, "  [run %zu] %-8s events %llu  queries %u/%u  sim time %.1f s | %zu/%zu done, elapsed %s, ETA %s\n",
               index, std::string(p.phase).c_str(), static_cast<unsigned long long>(p.events), p.queries_started,
               p.queries_total, static_cast<double>(p.now_us) / 1e6, m_done, m_todo, format_duration(elapsed_s).c_str(),
               eta.c_str());
}

void SweepProgress::finished(std::size_t index, double wall_s, double query_messages) {
  const std::lock_guard guard(m_lock);
  const auto phase = m_phases.find(index);
  if (m_enabled && phase != m_phases.end() && phase->second.name == "queries") {
    const auto end = m_run_start[index] + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                              std::chrono::duration<double>(wall_s));
    const double query_s = std::chrono::duration<double>(end - phase->second.since).count();
    std::fprintf(stderr, "  [run %zu] queries took %.2f s: %.0f messages delivered, %.2f M/s\n", index, query_s,
                 query_messages, query_s > 0 ? query_messages / query_s / 1e6 : 0.0);
  }
  m_running.erase(index);
  m_run_start.erase(index);
  m_phases.erase(index);
  ++m_done;
  if (m_enabled) {
    const double elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
    const double f = fraction_locked();
    std::cerr << "[run " << index << "] done in " << format_duration(wall_s) << " (" << m_done << "/" << m_todo
              << " done, elapsed " << format_duration(elapsed_s)
              << (m_done < m_todo && f > 0 ? ", ETA " + format_duration(elapsed_s * (1.0 - f) / f) : std::string())
              << ")\n";
  }
}

}  // namespace zonal::sim::cli
