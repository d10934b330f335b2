#pragma once
/// The time the protocol core is given: steady-clock microseconds since the clock was created.
#include <chrono>

#include "zonal/types.hpp"

namespace zonal::node {

class MonotonicClock {
 public:
  /// Microseconds since construction; call to get `now` for any core call.
  TimeUs now_us() const {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - m_start).count();
  }

 private:
  std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
};

}  // namespace zonal::node
