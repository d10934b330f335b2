#pragma once
/// Observers (output.timeseries_ms): what a run did per window of simulated time during its
/// query phase -- peers online, queries started / answered / failed / skipped, messages by kind,
/// success rate and mean hops. Both engines feed one TimeseriesRecorder; runs without
/// output.timeseries_ms never build one (a null pointer: one predictable branch per hook).
#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "zonal/types.hpp"

namespace zonal::sim {

struct QueryRecord;
struct RunResult;

/// The kinds of messages a window counts (columns messages_<name> of timeseries.csv).
enum class MessageClass : std::uint8_t {
  search,        ///< query transmissions (Query, walker steps and checks; Chord lookup messages of queries)
  hit,           ///< QueryHit transmissions along reverse paths (flood family)
  publish,       ///< index publication (Publish; Chord stores)
  registration,  ///< Register, ZoneAssignment, Leave
  maintenance,   ///< Chord stabilisation, finger and predecessor checks, joins
  lost,          ///< copies the network lost
};
inline constexpr std::size_t message_class_count = 6;

/// Column-name suffix of `c` ("search", "hit", ...).
const char* message_class_name(MessageClass c) noexcept;

/// One window [start, start + width) of the query phase (times since the query phase started).
struct TimeseriesWindow {
  std::uint32_t peers_online = 0;       ///< peers online at the window's end
  std::uint32_t queries_started = 0;    ///< queries whose search started in the window
  std::uint32_t queries_answered = 0;   ///< of those, the ones that got a hit (they may get it later)
  std::uint32_t queries_failed = 0;     ///< of those, the ones that never did
  std::uint32_t queries_skipped = 0;    ///< queries due in the window whose origin was offline
  std::uint64_t hops_sum = 0;           ///< first-hit hops summed over the answered ones
  std::array<std::uint64_t, message_class_count> messages{};  ///< transmissions by MessageClass
};

/// The time series of one run; empty `windows` when output.timeseries_ms is off.
struct Timeseries {
  TimeUs window_us = 0;
  std::vector<TimeseriesWindow> windows;
};

class TimeseriesRecorder {
 public:
  /// At most this many windows are kept; later activity counts in the last one (the scenario
  /// loader refuses windows this fine over the expected query phase, so this is a safety net).
  static constexpr std::size_t windows_max = 400'000;

  /// Start recording at `phase_start_us` (the query phase starts) with `peers_online` online.
  TimeseriesRecorder(TimeUs window_us, TimeUs phase_start_us, std::uint32_t peers_online);

  /// Count `copies` transmissions of class `c` sent at `now_us`.
  void count(TimeUs now_us, MessageClass c, std::uint64_t copies) { window_at(now_us).messages[static_cast<std::size_t>(c)] += copies; }
  /// A query was due at `now_us` but its origin was offline.
  void skipped(TimeUs now_us) { ++window_at(now_us).queries_skipped; }
  /// The number of online peers changed at `now_us` (call after every crash, leave and rejoin).
  void online_changed(TimeUs now_us, std::uint32_t peers_online);
  /// Close the series at `end_us` (the run's end) and add the query outcomes by start window;
  /// call once, after the last event.
  Timeseries finish(TimeUs end_us, const RunResult& run);

 private:
  /// The window holding `now_us`; windows before it are closed with the current online count.
  TimeseriesWindow& window_at(TimeUs now_us);
  std::size_t index_of(TimeUs now_us) const noexcept;

  TimeUs m_window_us;
  TimeUs m_start_us;
  std::uint32_t m_online;
  std::vector<TimeseriesWindow> m_windows;
};

}  // namespace zonal::sim
