#include "hash_pipeline.hpp"

namespace zonal::node {

HashPipeline::HashPipeline(Sha256& hash, std::size_t depth_max)
    : m_hash(hash), m_depth_max(depth_max), m_thread([this] { run(); }) {}

HashPipeline::~HashPipeline() { stop(); }

void HashPipeline::push(std::string bytes) {
  std::unique_lock lock(m_mutex);
  m_changed.wait(lock, [this] { return m_queue.size() < m_depth_max; });
  m_queue.push_back(std::move(bytes));
  m_changed.notify_all();
}

void HashPipeline::run() {
  for (;;) {
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [this] { return m_closed || !m_queue.empty(); });
    if (m_queue.empty()) return;  // closed and drained
    std::string bytes = std::move(m_queue.front());
    m_queue.pop_front();
    m_changed.notify_all();
    lock.unlock();
    m_hash.update(std::string_view(bytes));
  }
}

void HashPipeline::stop() {
  {
    std::lock_guard lock(m_mutex);
    m_closed = true;
  }
  m_changed.notify_all();
  if (m_thread.joinable()) m_thread.join();
}

Digest HashPipeline::finish() {
  stop();
  return m_hash.finish();
}

}  // namespace zonal::node
