#pragma once
/// One Boost.Asio io_context thread owns the core zonal::Peer: every input (delivered message,
/// timer, command) is posted to it, handled, and the core's outputs are drained at once
/// (poll_transmit -> Transport, poll_event -> searches and events, poll_timeout -> steady_timer).
/// Other threads call the public functions; Asio stays behind the pimpl.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "clock.hpp"
#include "event_sink.hpp"
#include "query_ids.hpp"
#include "query_stats.hpp"
#include "transport.hpp"
#include "zonal/peer_config.hpp"
#include "zonal/zone_directory.hpp"

namespace zonal::node {

struct SearchHit {
  PeerId holder = no_peer;
  PeerId responder = no_peer;
  std::uint32_t hops = 0;
  double elapsed_ms = 0;
};

/// How a Chord search's lookup went (its node, path length and message count).
struct ChordLookupFacts {
  PeerId successor = no_peer;  ///< the key's successor: the node that indexes the name
  std::uint32_t hops = 0;      ///< nodes asked up to the one that named the successor
  std::uint32_t messages = 0;  ///< every message of the lookup and its fetch
};

/// What a search found once its collection window closed (or why it failed).
struct SearchOutcome {
  QueryId query_id = 0;
  std::vector<SearchHit> hits;
  std::string error;  ///< non-empty when the search could not run
  std::optional<ChordLookupFacts> lookup;  ///< Chord searches whose lookup found the successor
};

/// The runtime's view of its own state (for status pages).
struct RuntimeState {
  PeerId id = no_peer;
  ZoneId zone = no_zone;
  std::uint32_t zone_count = 0;
  std::uint64_t epoch = 0;
  std::vector<PeerId> overlay;
  std::vector<PeerId> zone_links;
  std::size_t records = 0;
  std::uint64_t records_expired = 0;  ///< index records dropped because their holder did not renew them in time
  std::size_t local_files = 0;
};

class PeerRuntime {
 public:
  /// Create the core peer `id`; starts the io thread. `transport`, `events` and `ids` (the
  /// node's one query id source) must outlive it.
  PeerRuntime(PeerId id, const PeerConfig& config, std::uint64_t rng_seed, Transport& transport, EventSink& events,
              QueryIdAllocator& ids);
  ~PeerRuntime();
  /// Emulated link latency (net.latency_ms): hold every outgoing protocol message for `delay`
  /// before handing it to the transport; call before the first message (tests, experiments).
  void set_send_delay(std::chrono::milliseconds delay);
  PeerRuntime(const PeerRuntime&) = delete;
  PeerRuntime& operator=(const PeerRuntime&) = delete;

  /// Hand a validated message from `from` to the core; returns its Arrival, or nullopt when the
  /// runtime did not answer within `wait` (stopping or overloaded). Call from gRPC threads.
  std::optional<Arrival> deliver(PeerId from, const Message& msg, std::chrono::milliseconds wait);
  /// Messages waiting for the io thread right now; call to refuse more when it is far behind.
  std::size_t backlog() const noexcept;
  /// Deliveries skipped because their caller had stopped waiting (timed out).
  std::uint64_t abandoned() const noexcept;
  /// Share `key` (index it and publish its record); call after the file is in the shared dir.
  void share(FileKey key);
  /// Start a search with `params` (TTL; walk and ring settings) and return its query id (taken
  /// from the node's allocator at once). `on_hit` (optional) runs on the io thread for every hit
  /// as it arrives; `done` runs there when the query's window closes, with every hit.
  QueryId search(FileKey key, Strategy strategy, SearchParams params, std::function<void(SearchOutcome)> done,
                 std::function<void(const SearchHit&)> on_hit = {});
  /// Install a new directory with the neighbour tables computed from it; call on every epoch change.
  void install_directory(std::shared_ptr<const ZoneDirectory> directory, std::vector<PeerId> overlay,
                         std::vector<PeerId> zone_links);
  /// Tell the core its zone (from RegisterReply / HeartbeatReply).
  void assign_zone(ZoneAssignment assignment);
  /// Copy of the per-query counters (blocks briefly for the io thread).
  std::vector<QueryCounters> counters();
  /// Copy of the runtime's state (blocks briefly for the io thread).
  RuntimeState state();
  /// Stop the io thread; pending searches complete with an error. Idempotent.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace zonal::node
