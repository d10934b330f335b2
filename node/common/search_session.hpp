#pragma once
/// One running search as seen by its callers (REST, SSE, the Client gRPC service, `get`): the
/// runtime's io thread adds hits as they arrive and finishes it when the query's window closes;
/// callers wait for the first hit, for the end, or for a deadline, and read the hits so far.
/// Thread-safe; shared (std::shared_ptr) between the runtime's callbacks and the callers.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace zonal::node {

/// One hit as callers see it.
struct FoundHit {
  std::uint32_t holder = 0;
  std::uint32_t responder = 0;
  std::uint32_t hops = 0;
  double elapsed_ms = 0;  ///< since the search started, measured by the origin's runtime
  std::string address;    ///< the holder's gRPC address from the address book ("" if unknown)
};

/// A Chord search's lookup as callers see it (REST `lookup`).
struct LookupSummary {
  std::uint32_t successor = 0;  ///< peer id of the node that indexes the name
  std::uint32_t hops = 0;
  std::uint32_t messages = 0;
};

class SearchSession {
 public:
  using Clock = std::chrono::steady_clock;

  /// A search for `name`; it ends at the latest at `deadline` (callers stop waiting then even
  /// if the runtime never finished it).
  SearchSession(std::string name, std::string strategy, Clock::time_point deadline)
      : m_name(std::move(name)), m_strategy(std::move(strategy)), m_deadline(deadline) {}

  /// Set the query id once the runtime assigned it (right after starting the search).
  void set_query_id(std::uint64_t id) noexcept { m_query_id.store(id); }

  /// Record one hit; call from the runtime as hits arrive (ignored after finish()). Returns the
  /// number of hits known now (1: this was the first).
  std::size_t add_hit(FoundHit hit) { return add_hits({std::move(hit)}); }
  /// Record several hits at once (waiters see all of them together); returns the number of
  /// hits known now.
  std::size_t add_hits(std::vector<FoundHit> hits);
  /// Mark the search over (`error` empty: the window closed normally), with its Chord lookup's
  /// facts when it had one; call once.
  void finish(std::string error = {}, std::optional<LookupSummary> lookup = {});
  /// The Chord lookup's facts (set by finish()); empty for other strategies and failed lookups.
  std::optional<LookupSummary> lookup() const;
  /// Block until more than `have` hits are known, the search is over, or `deadline`; returns
  /// the number of hits known then.
  std::size_t wait_beyond(std::size_t have, Clock::time_point deadline) const;
  /// Block until the search is over or `deadline`; true when over.
  bool wait_done(Clock::time_point deadline) const;
  /// Hits [from, end) in arrival order.
  std::vector<FoundHit> hits(std::size_t from = 0) const;
  bool done() const;
  /// Why the search failed ("" while running or after a normal end).
  std::string error() const;
  const std::string& name() const noexcept { return m_name; }
  const std::string& strategy() const noexcept { return m_strategy; }
  std::uint64_t query_id() const noexcept { return m_query_id.load(); }
  Clock::time_point deadline() const noexcept { return m_deadline; }

 private:
  const std::string m_name;
  const std::string m_strategy;
  std::atomic<std::uint64_t> m_query_id{0};
  const Clock::time_point m_deadline;
  mutable std::mutex m_mutex;
  mutable std::condition_variable m_changed;
  std::vector<FoundHit> m_hits;
  bool m_done = false;
  std::string m_error;
  std::optional<LookupSummary> m_lookup;
};

}  // namespace zonal::node
