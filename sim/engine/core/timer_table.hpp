#pragma once
/// Per-peer timers of both node kinds: a node says when it next wants handle_timeout()
/// (poll_timeout()); the engine queues a timer event only when that deadline moves earlier than
/// the one already queued, and forgets the queued one when it fires. Only peers that arm a timer
/// (query origins) touch their slot: the table of ten million relay peers costs nothing resident.
#include <cstdint>
#include <limits>
#include <optional>

#include "engine/core/zeroed_array.hpp"
#include "zonal/assert.hpp"
#include "zonal/types.hpp"

namespace zonal::sim {

class TimerTable {
 public:
  /// No timer queued.
  static constexpr TimeUs none = std::numeric_limits<TimeUs>::max();

  /// `peers` peers, none with a timer queued.
  explicit TimerTable(std::size_t peers) : m_at(peers) {}

  /// When to queue a timer event for `p` whose node now asks for `deadline` (never before
  /// `now_us`), or nullopt when no new event is needed; call after every drain of a node.
  std::optional<TimeUs> arm(PeerId p, std::optional<TimeUs> deadline, TimeUs now_us) {
    if (!deadline || *deadline >= queued_at(p)) return std::nullopt;
    m_at[p] = *deadline ^ none;
    return *deadline > now_us ? *deadline : now_us;
  }
  /// A timer event of `p` fires at `now_us`: the earliest queued one is gone if it was due.
  void fired(PeerId p, TimeUs now_us) noexcept {
    if (queued_at(p) <= now_us) m_at[p] = 0;
  }
  /// The earliest timer queued for `p` (none if none); invariant checks use it.
  TimeUs queued_at(PeerId p) const noexcept { return m_at[p] ^ none; }

 private:
  ZeroedArray<TimeUs> m_at;  // each time XOR none: zero bytes (an untouched page) mean none
};

}  // namespace zonal::sim
