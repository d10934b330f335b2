#pragma once
/// A plain (time, insertion sequence) priority queue of any payload: the event queue of the
/// Chord engine, whose traffic is point-to-point and far smaller than a flood's, so it needs
/// none of EventQueue's batching and calendar buckets (which stay specialised for zonal::Message).
#include <algorithm>
#include <cstdint>
#include <vector>

#include "zonal/types.hpp"

namespace zonal::sim {

template <class T>
class TimedQueue {
 public:
  struct Entry {
    TimeUs time_us;
    std::uint64_t seq;
    T item;
  };

  /// Schedule `item` at `time_us`; equal times pop in push order.
  void push(TimeUs time_us, const T& item) {
    m_heap.push_back(Entry{time_us, m_seq++, item});
    std::push_heap(m_heap.begin(), m_heap.end(), later);
  }
  /// Remove and return the earliest entry; call only when !empty().
  Entry pop() {
    std::pop_heap(m_heap.begin(), m_heap.end(), later);
    Entry e = m_heap.back();
    m_heap.pop_back();
    return e;
  }
  /// Time of the earliest entry; call only when !empty().
  TimeUs next_time_us() const noexcept { return m_heap.front().time_us; }
  bool empty() const noexcept { return m_heap.empty(); }
  std::size_t size() const noexcept { return m_heap.size(); }
  /// Entries pushed so far.
  std::uint64_t pushed() const noexcept { return m_seq; }

 private:
  static bool later(const Entry& a, const Entry& b) noexcept {
    return a.time_us != b.time_us ? a.time_us > b.time_us : a.seq > b.seq;
  }

  std::vector<Entry> m_heap;
  std::uint64_t m_seq = 0;
};

}  // namespace zonal::sim
