#include <algorithm>

#include "zonal/chord_config.hpp"

namespace zonal {

ChordConfig chord_config_normalised(ChordConfig c) noexcept {
  c.id_bits = std::clamp<std::uint8_t>(c.id_bits, 1, 64);
  c.successors = std::clamp<std::uint8_t>(c.successors, 1, chord_successors_limit);
  c.stabilize_interval_us = std::max<TimeUs>(c.stabilize_interval_us, 0);
  c.fix_fingers_interval_us = std::max<TimeUs>(c.fix_fingers_interval_us, 0);
  c.check_predecessor_interval_us = std::max<TimeUs>(c.check_predecessor_interval_us, 0);
  c.timer_jitter = c.timer_jitter >= 0.0 ? std::min(c.timer_jitter, 1.0) : 0.0;  // NaN -> 0
  c.rpc_timeout_us = std::max<TimeUs>(c.rpc_timeout_us, 1);
  c.hops_max = std::max<std::uint8_t>(c.hops_max, 1);
  c.lookup_timeout_us = std::max<TimeUs>(c.lookup_timeout_us, 1);
  c.lookup_attempts = std::max<std::uint8_t>(c.lookup_attempts, 1);
  return c;
}

}  // namespace zonal
