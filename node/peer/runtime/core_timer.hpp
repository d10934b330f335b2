#pragma once
/// The one timer helper of the runtimes: keeps a steady_timer armed at a sans-IO core's
/// poll_timeout() and calls its handle_timeout() when that time is reached. Internal to the
/// runtimes' .cpp files (Asio stays out of their headers).
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <chrono>
#include <optional>

#include "clock.hpp"
#include "zonal/types.hpp"

namespace zonal::node {

class CoreTimer {
 public:
  explicit CoreTimer(boost::asio::io_context& io) : m_timer(io) {}

  /// Arm for `core`'s poll_timeout() unless an earlier wake is already armed; call after every
  /// drain of the core. When it fires (on the io thread) the due timers run and `drain` is called.
  /// `core` and `clock` must outlive the timer.
  template <class Core, class Drain>
  void arm(Core& core, const MonotonicClock& clock, Drain drain) {
    const auto due = core.poll_timeout();
    if (!due || (m_armed_us && *m_armed_us <= *due)) return;
    m_armed_us = due;
    m_timer.expires_after(std::chrono::microseconds(std::max<TimeUs>(0, *due - clock.now_us())));
    m_timer.async_wait([this, &core, &clock, drain](const boost::system::error_code& ec) {
      if (ec) return;  // re-armed earlier or stopped
      m_armed_us.reset();
      const TimeUs now = clock.now_us();
      if (auto d = core.poll_timeout(); d && *d <= now) core.handle_timeout(now);
      drain();
    });
  }

  /// Cancel the pending wake; call when the runtime stops.
  void cancel() { m_timer.cancel(); }

 private:
  boost::asio::steady_timer m_timer;
  std::optional<TimeUs> m_armed_us;
};

}  // namespace zonal::node
