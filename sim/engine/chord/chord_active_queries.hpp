#pragma once
/// The Chord engine's searches in flight, by query ordinal (the lookup id every message of the
/// search carries): a slot array indexed by the ordinal's low bits, so that attributing a message
/// to its search is one access to a small, hot array instead of a hash lookup. Slots hold the
/// origin, the messages so far and the nodes contacted (inline up to `inline_contacts`). A slot still taken by
/// an older search when a newer one needs it makes the array grow, up to `slots_max`; beyond that
/// the older search moves to a spill map (searches that run far longer than the others).
#include <array>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "zonal/types.hpp"

namespace zonal::sim {

class ChordActiveQueries {
 public:
  /// One search in flight.
  class Query {
   public:
    PeerId origin() const noexcept { return m_origin; }
    /// A message of the search went to `to`; call for every search message.
    void sent(PeerId to) {
      ++m_messages;
      if (to == m_origin) return;
      if (m_count < m_inline.size()) {
        m_inline[m_count] = to;
      } else {
        m_more.push_back(to);
      }
      ++m_count;
    }
    /// Messages of the search so far.
    std::uint32_t messages() const noexcept { return m_messages; }
    /// Distinct nodes contacted so far (sorts this query's list in place).
    std::uint32_t distinct_contacted();

   private:
    friend class ChordActiveQueries;
    static constexpr std::size_t inline_contacts = 22;  // a slot fills two cache lines
    std::uint32_t m_ordinal = 0;  // 0: free slot
    PeerId m_origin = no_peer;
    std::uint32_t m_count = 0;     // contacts (with repeats)
    std::uint32_t m_messages = 0;
    std::array<PeerId, inline_contacts> m_inline{};
    std::vector<PeerId> m_more;  // contacts beyond the inline ones
  };

  /// Room for `slots` searches at first (rounded up to a power of two).
  explicit ChordActiveQueries(std::size_t slots = 1024);

  /// Start tracking search `ordinal` (> 0, not tracked yet) of `origin`; returns it.
  Query& open(std::uint32_t ordinal, PeerId origin);
  /// Search `ordinal`, or nullptr once it finished (or never started).
  Query* find(std::uint32_t ordinal) noexcept {
    Query& q = m_slots[ordinal & m_mask];
    if (q.m_ordinal == ordinal && ordinal != 0) return &q;
    return m_spill.empty() ? nullptr : find_spilled(ordinal);
  }
  /// Stop tracking search `ordinal` (found by find()).
  void close(Query& q);
  /// Searches in flight.
  std::size_t size() const noexcept { return m_size; }
  /// Ordinals of the searches in flight whose origin is `origin` (no_peer: all), in ordinal order.
  std::vector<std::uint32_t> ordinals_of(PeerId origin) const;

  /// Slots the array grows to at most before spilling.
  static constexpr std::size_t slots_max = std::size_t{1} << 16;

 private:
  Query* find_spilled(std::uint32_t ordinal) noexcept;
  void grow();

  std::vector<Query> m_slots;
  std::size_t m_mask = 0;
  std::size_t m_size = 0;
  std::unordered_map<std::uint32_t, Query> m_spill;  // by ordinal
};

}  // namespace zonal::sim
