#include "engine/core/query_log.hpp"

namespace zonal::sim {
namespace {

constexpr std::size_t late_max = 4096;  // late rows patched back at once

}  // namespace

QueryLog::QueryLog(const RunOptions& options, std::uint32_t queries_total, TimeUs horizon_us)
    : m_horizon_us(options.spool_horizon_us >= 0 ? options.spool_horizon_us : horizon_us) {
  if (!options.spool_dir.empty()) m_spool = std::make_unique<QuerySpool>(options.spool_dir);
  else m_memory.reserve(queries_total);
}

QueryRecord& QueryLog::open(const QueryRecord& rec, TimeUs now_us) {
  ++m_opened;
  if (!m_spool) {
    m_memory.push_back(rec);
    return m_memory.back();
  }
  while (!m_window.empty() && m_window.front().started_us + m_horizon_us < now_us) {
    m_spool->append(m_window.front());
    m_window.pop_front();
    ++m_base;
  }
  if (m_late.size() >= late_max) write_back_late();
  m_window.push_back(rec);
  return m_window.back();
}

QueryRecord* QueryLog::find(std::uint32_t ordinal) {
  if (ordinal == 0 || ordinal > m_opened) return nullptr;
  if (!m_spool) return &m_memory[ordinal - 1];
  if (ordinal >= m_base) return &m_window[ordinal - m_base];
  const auto it = m_late.find(ordinal);
  if (it != m_late.end()) return &it->second;
  return &m_late.emplace(ordinal, m_spool->read(ordinal)).first->second;
}

void QueryLog::write_back_late() {
  for (const auto& [ordinal, rec] : m_late) m_spool->write(ordinal, rec);
  m_late.clear();
}

void QueryLog::finish(RunResult& result) {
  if (!m_spool) {
    result.queries = std::move(m_memory);
    return;
  }
  for (const QueryRecord& rec : m_window) m_spool->append(rec);
  m_window.clear();
  m_base = m_opened + 1;
  write_back_late();
  m_spool->flush();
  result.query_spool = std::move(m_spool);
}

}  // namespace zonal::sim
