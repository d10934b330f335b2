#pragma once
/// The one source of query ids of a node, shared by every search strategy (the core Peer's
/// floods, walks and rings, and the Chord runtime's lookups), so that ids -- and the
/// `search.completed` events and /api/queries rows that carry them -- never collide.
/// Ids are (peer id << 32) | counter; the counter never takes the value 0 (reserved) and a block
/// never wraps past 2^32 - 1. Thread-safe.
#include <atomic>
#include <cstdint>
#include <functional>

#include "zonal/message.hpp"

namespace zonal::node {

class QueryIdAllocator {
 public:
  /// Ids of peer `self`, the counter starting after `last_counter` (a node restarting with the
  /// same id passes a value it never used before: the persisted QueryCounterStore::start()).
  /// `after_take` (optional) gets the last counter handed out after every take(), on the taking
  /// thread (the node persists it: query_counter.hpp).
  explicit QueryIdAllocator(PeerId self, std::uint32_t last_counter = 0,
                            std::function<void(std::uint32_t)> after_take = {})
      : m_self(self), m_counter(last_counter), m_after_take(std::move(after_take)) {}

  /// Reserve `count` (>= 1) consecutive ids and return the first; call once per search.
  QueryId take(std::uint32_t count = 1) {
    if (count == 0) count = 1;
    std::uint32_t first = 0;
    std::uint32_t seen = m_counter.load(std::memory_order_relaxed);
    std::uint32_t next = 0;
    do {
      first = seen + 1;
      if (first == 0 || first > 0xFFFFFFFFu - count) first = 1;  // wrap: start over, skipping 0
      next = first + count - 1;
    } while (!m_counter.compare_exchange_weak(seen, next, std::memory_order_relaxed));
    if (m_after_take) m_after_take(next);
    return (static_cast<QueryId>(m_self) << 32) | first;
  }
  /// The last counter value handed out (to persist across restarts).
  std::uint32_t last_counter() const noexcept { return m_counter.load(std::memory_order_relaxed); }
  PeerId self() const noexcept { return m_self; }

 private:
  PeerId m_self;
  std::atomic<std::uint32_t> m_counter;
  std::function<void(std::uint32_t)> m_after_take;
};

}  // namespace zonal::node
