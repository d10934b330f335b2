#pragma once
/// The core's one time type and its one conversion from milliseconds.
///
/// Time is `TimeUs` (types.hpp): signed microseconds supplied by the driver. Durations arrive in
/// milliseconds (scenario files, node configuration, APIs) and are converted exactly once, by
/// us_from_ms(), which rounds to the nearest microsecond (halves away from zero). Whole
/// milliseconds convert exactly; the simulator's sampled link delays are rounded the same way.
/// The only other conversion left is the simulator's event-queue bucket width
/// (Network::typical_delay_us), a performance hint that floors and no simulated time depends on.
#include <cmath>

#include "zonal/types.hpp"

namespace zonal {

/// Microseconds of a duration given in milliseconds; call wherever a setting in ms enters the core.
inline TimeUs us_from_ms(double ms) noexcept { return static_cast<TimeUs>(std::llround(ms * 1000.0)); }

/// Milliseconds of `us` (for reports and APIs that speak milliseconds).
constexpr double ms_from_us(TimeUs us) noexcept { return static_cast<double>(us) / 1000.0; }

}  // namespace zonal
