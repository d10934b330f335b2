#pragma once
/// The measurement layer shared by both node kinds: per-peer load counters of the query phase,
/// the time series (output.timeseries_ms), progress snapshots, peer labels and the rows of
/// peers.csv. The node kind tells what only it knows (degrees, files, index records).
#include <cstdint>
#include <memory>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/core/query_log.hpp"
#include "engine/core/run_result.hpp"
#include "engine/core/timeseries.hpp"
#include "engine/core/zeroed_array.hpp"
#include "engine/engine.hpp"

namespace zonal::sim {

class Measurement {
 public:
  /// `peers` peers named by `labels` (edge-list node ids; empty = dense ids); progress snapshots
  /// go to `progress` (may be empty) and count against `queries_total`. Query rows are kept as
  /// `options` say; a spooled row leaves memory once its query started `search_timeout_us`
  /// (times 4, plus 10 s) ago.
  Measurement(std::uint32_t peers, std::vector<std::uint64_t> labels, const ProgressFn& progress,
              std::uint32_t queries_total, const RunOptions& options = {}, TimeUs search_timeout_us = 0);

  /// The query rows of the run (open one per started query, update it through find()).
  QueryLog& queries() noexcept { return m_queries; }
  const QueryLog& queries() const noexcept { return m_queries; }

  /// The query phase starts at `now_us` with `online` peers: loads and the time series count
  /// from now on. Call once.
  void start_query_phase(TimeUs now_us, double timeseries_ms, std::uint32_t online);
  /// True once the query phase has started.
  bool measuring() const noexcept { return m_measuring; }

  /// Peer `p` (edge-list node id or dense id), as written to queries.csv and peers.csv.
  std::uint64_t label(PeerId p) const noexcept { return m_labels.empty() ? p : m_labels[p]; }

  /// A message copy was delivered to `p`; call only while measuring() (the hot path checks once).
  void received(PeerId p) {
    if (received_low(p)) [[unlikely]] carry_received(p);
  }
  /// received() split for --threads, whose partitions count their own peers at once: the low
  /// bits only (`p`'s counters are written by one thread); true when they wrapped, and then
  /// carry_received(p) is due, on one thread at a time.
  bool received_low(PeerId p) noexcept { return ++m_loads[p].received == 0; }
  /// The carry of a received_low() that wrapped.
  void carry_received(PeerId p) { ++m_received_carry[p]; }
  /// Performance hint: `p` receives a copy a few deliveries from now, and may forward it
  /// (valid ids only): loads both of its counters, which share a cache line.
  void prefetch_counters([[maybe_unused]] PeerId p) const noexcept {
#if defined(__GNUC__)
    __builtin_prefetch(m_loads.data() + p, 1);
#endif
  }
  /// `p` transmitted `copies` copies; call only while measuring().
  void sent(PeerId p, std::uint32_t copies) {
    if (const std::uint32_t carry = sent_low(p, copies)) [[unlikely]] carry_sent(p, carry);
  }
  /// sent() split like received_low(): the low bits only; returns the carry to hand to
  /// carry_sent() (0: none).
  std::uint32_t sent_low(PeerId p, std::uint32_t copies) noexcept {
    const std::uint64_t total = std::uint64_t{m_loads[p].sent} + copies;
    m_loads[p].sent = static_cast<std::uint16_t>(total);
    return static_cast<std::uint32_t>(total >> 16);
  }
  /// The carry sent_low() returned.
  void carry_sent(PeerId p, std::uint32_t carry) { m_sent_carry[p] += carry; }

  /// `copies` transmissions of class `c` at `now_us` (time series only).
  void observe(TimeUs now_us, MessageClass c, std::uint64_t copies) {
    if (m_series) m_series->count(now_us, c, copies);
  }
  /// The number of online peers changed to `online` at `now_us` (time series only).
  void online_changed(TimeUs now_us, std::uint32_t online) {
    if (m_series) m_series->online_changed(now_us, online);
  }
  /// A query due at `now_us` was skipped (offline origin).
  void skipped(TimeUs now_us) {
    if (m_series) m_series->skipped(now_us);
  }

  /// A progress snapshot of phase `phase`, if anyone listens.
  void report(std::string_view phase, std::uint64_t events, std::uint32_t queries_started, TimeUs now_us) const {
    if (m_progress) m_progress(Progress{phase, events, queries_started, m_queries_total, now_us});
  }

  /// Fill `result.peers_load` (label, received, sent, zone from `zone_of`) and let
  /// `describe(p, load)` add the node kind's fields; call once, after the last event.
  template <class ZoneOf, class Describe>
  void collect_peer_loads(RunResult& result, ZoneOf zone_of, Describe describe) const {
    result.peers_load.resize(m_loads.size());
    for (PeerId p = 0; p < m_loads.size(); ++p) {
      PeerLoad& load = result.peers_load[p];
      load.label = label(p);
      load.received = count(m_loads[p].received, m_received_carry, p);
      load.sent = count(m_loads[p].sent, m_sent_carry, p);
      load.zone = zone_of(p);
      describe(p, load);
    }
  }
  /// Hand the query rows to `result` and close the time series at `end_us` into it; call once,
  /// after the last event.
  void finish(RunResult& result, TimeUs end_us);

 private:
  using Carries = std::unordered_map<PeerId, std::uint32_t>;
  /// Peer `p`'s counter of low bits `low` and carries `carries` (modulo 2^32, as a 32-bit
  /// counter would have wrapped).
  static std::uint32_t count(std::uint16_t low, const Carries& carries, PeerId p) {
    std::uint32_t c = low;
    if (!carries.empty()) {
      if (const auto it = carries.find(p); it != carries.end()) c += it->second << 16;
    }
    return c;
  }

  std::vector<std::uint64_t> m_labels;
  const ProgressFn& m_progress;
  std::uint32_t m_queries_total;
  bool m_measuring = false;
  // Compact per-peer counters, hot on every delivery (PeerLoad rows are built once the run is
  // over): a peer's two side by side, so a forwarding peer's `sent` is in the line its
  // `received` brought; random access: huge pages. The low 16 bits of each are here (in lazily
  // zeroed memory, so a Chord run, which counts elsewhere, touches none), each 65,536 beyond
  // them in the peer's carry (busy peers only).
  struct Counters {
    std::uint16_t received;
    std::uint16_t sent;
  };
  ZeroedArray<Counters> m_loads;
  Carries m_received_carry;
  Carries m_sent_carry;
  std::unique_ptr<TimeseriesRecorder> m_series;  // output.timeseries_ms only
  QueryLog m_queries;
};

}  // namespace zonal::sim
