#include "download_board.hpp"

#include <algorithm>
#include <chrono>

namespace zonal::node {
namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

DownloadBoard::Entry* DownloadBoard::find(const std::string& name) {
  const auto it = std::find_if(m_entries.begin(), m_entries.end(), [&](const Entry& e) { return e.name == name; });
  return it == m_entries.end() ? nullptr : &*it;
}

void DownloadBoard::begin(const std::string& name) {
  std::lock_guard lock(m_mutex);
  m_entries.remove_if([&](const Entry& e) { return e.name == name && e.state != "running"; });
  Entry e;
  e.name = name;
  e.started_ms = now_ms();
  m_entries.push_front(std::move(e));
  while (m_entries.size() > m_max) {  // forget the oldest finished entry
    const auto it = std::find_if(m_entries.rbegin(), m_entries.rend(), [](const Entry& e) { return e.state != "running"; });
    if (it == m_entries.rend()) break;
    m_entries.erase(std::next(it).base());
  }
}

void DownloadBoard::progress(const std::string& name, std::uint64_t bytes, std::uint64_t size) {
  std::lock_guard lock(m_mutex);
  if (Entry* e = find(name)) {
    e->bytes = bytes;
    e->size = size;
  }
}

void DownloadBoard::finish(const std::string& name, const std::string& error) {
  std::lock_guard lock(m_mutex);
  Entry* e = find(name);
  if (e == nullptr) return;
  e->state = error.empty() ? "done" : "failed";
  e->error = error;
  e->ended_ms = now_ms();
  if (error.empty()) e->bytes = e->size;
}

nlohmann::json DownloadBoard::list() const {
  std::lock_guard lock(m_mutex);
  nlohmann::json out = nlohmann::json::array();
  for (const Entry& e : m_entries)
    out.push_back({{"name", e.name}, {"size", e.size}, {"bytes", e.bytes}, {"state", e.state}, {"error", e.error},
                   {"started_ms", e.started_ms}, {"ended_ms", e.ended_ms}});
  return {{"downloads", out}};
}

}  // namespace zonal::node
