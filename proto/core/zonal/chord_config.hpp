#pragma once
/// Tunables of a Chord node; one instance is shared by every node of a ring.
#include <cstdint>

#include "zonal/types.hpp"

namespace zonal {

/// How a lookup travels.
enum class ChordLookupMode : std::uint8_t {
  iterative = 0,  ///< the origin asks each node in turn (as in the paper's simulations)
  recursive = 1,  ///< each node forwards to the next (acknowledged hop by hop); the last answers the origin
};

/// Successor lists are at most this long (a bitmask of 32 bits tracks a list transfer).
inline constexpr std::uint8_t chord_successors_limit = 32;

struct ChordConfig {
  std::uint8_t id_bits = 64;      ///< m: identifiers are m-bit (1 to 64)
  std::uint8_t successors = 8;    ///< r: successor-list length (1 to chord_successors_limit)
  TimeUs stabilize_interval_us = 30'000'000;          ///< mean period of stabilize; 0 = never
  TimeUs fix_fingers_interval_us = 30'000'000;        ///< mean period of fix_fingers; 0 = never
  TimeUs check_predecessor_interval_us = 30'000'000;  ///< mean period of check_predecessor; 0 = never
  double timer_jitter = 0.5;  ///< periods are drawn uniformly from interval * [1 - j, 1 + j] (j in [0, 1])
  TimeUs rpc_timeout_us = 500'000;  ///< a request unanswered this long is resent or its target deemed dead
  std::uint8_t rpc_retries = 1;     ///< resends of a timed-out request before its target is deemed dead
  std::uint8_t detours_max = 16;    ///< dead or useless nodes a lookup routes around before it fails
                                    ///< (and, separately, excluded ones named again that it skips)
  std::uint8_t hops_max = 64;       ///< nodes a lookup may visit before it fails (loops in a broken ring)
  TimeUs lookup_timeout_us = 10'000'000;  ///< a recursive attempt without result this long is restarted
  std::uint8_t lookup_attempts = 2;       ///< recursive attempts before the lookup fails
  bool replication = false;  ///< index records at the key's successor and its r successors
  ChordLookupMode default_mode = ChordLookupMode::iterative;  ///< for find(), store() and fix_fingers
  /// Lifetime of a stored index record, renewed by every store of the same record; 0: records
  /// never lapse (the simulator's model). Real nodes set it from chord.record_ttl_ms.
  TimeUs record_ttl_us = 0;
  bool operator==(const ChordConfig&) const = default;
};

/// `config` with out-of-range values replaced by the nearest valid ones; call before using a
/// configuration from outside (ChordNode does).
ChordConfig chord_config_normalised(ChordConfig config) noexcept;

}  // namespace zonal
