#include "query_stats.hpp"

namespace zonal::node {

QueryCounters& QueryStats::at(QueryId id, FileKey key) {
  auto [it, inserted] = m_by_id.try_emplace(id);
  if (inserted) {
    it->second.query_id = id;
    it->second.key = key;
    m_order.push_back(id);
    if (m_order.size() > m_capacity) {
      m_by_id.erase(m_order.front());
      m_order.pop_front();
    }
  }
  return m_by_id.at(id);
}

QueryCounters* QueryStats::find(QueryId id) {
  auto it = m_by_id.find(id);
  return it == m_by_id.end() ? nullptr : &it->second;
}

std::vector<QueryCounters> QueryStats::snapshot() const {
  std::vector<QueryCounters> out;
  out.reserve(m_order.size());
  for (QueryId id : m_order) out.push_back(m_by_id.at(id));
  return out;
}

}  // namespace zonal::node
