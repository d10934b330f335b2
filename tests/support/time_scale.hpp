#pragma once
/// Deadlines for tests that wait on real processes, sockets or timers. A deadline is an upper
/// bound on waiting for an observable condition, never a sleep: scaling it up costs nothing when
/// things go well and keeps a loaded machine from failing a correct run.
///
/// Factor: ZONAL_TEST_TIME_SCALE when set (a number >= 1), otherwise the 1-minute load average
/// per online core (at least 1, at most 8). Header-only so that every test can use it.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <thread>

namespace zonal::test {

/// Factor by which deadlines are stretched now; call when computing a deadline.
inline double time_scale() {
  if (const char* env = std::getenv("ZONAL_TEST_TIME_SCALE")) {
    char* end = nullptr;
    const double v = std::strtod(env, &end);
    if (end != env && v >= 1.0) return v;
  }
  double load[1] = {0.0};
  if (::getloadavg(load, 1) != 1) return 1.0;
  const long cores = std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN));
  return std::clamp(load[0] / static_cast<double>(cores), 1.0, 8.0);
}

/// `base` stretched by time_scale(); use for every deadline of a wait on a real process.
inline std::chrono::milliseconds scaled(std::chrono::milliseconds base) {
  return std::chrono::milliseconds(static_cast<std::int64_t>(static_cast<double>(base.count()) * time_scale()));
}

/// Poll `done` every `every` until it returns true or `timeout` (scaled) passes; returns its last
/// value. Use instead of a fixed sleep before an exact assertion.
template <class Done>
bool wait_until(Done done, std::chrono::milliseconds timeout,
                std::chrono::milliseconds every = std::chrono::milliseconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + scaled(timeout);
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(every);
  }
  return done();
}

}  // namespace zonal::test
