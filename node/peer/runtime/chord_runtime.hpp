#pragma once
/// The core zonal::ChordNode of a real node, on its own Boost.Asio io thread (like PeerRuntime):
/// every input (delivered Chord message, timer, command) is posted to it, handled, and the
/// node's outputs are drained at once (poll_transmit -> ChordTransport, poll_event -> joins and
/// finds, poll_timeout -> steady_timer). It creates the ring when the tracker's directory holds
/// no other member, else joins through one (retrying through the next on failure), stores the
/// node's files on the ring once joined and again every republish interval, and leaves
/// gracefully on shutdown. Asio stays behind the pimpl.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "event_sink.hpp"
#include "peer_runtime.hpp"
#include "query_ids.hpp"
#include "transport.hpp"
#include "zonal/chord_config.hpp"
#include "zonal/chord_message.hpp"

namespace zonal::node {

/// The Chord runtime's view of its own state (for status pages).
struct ChordRuntimeState {
  std::string state;  ///< idle, joining, member or left
  ChordRef self;
  ChordRef successor;    ///< invalid when none
  ChordRef predecessor;  ///< invalid when none
  std::vector<ChordRef> successors;
  std::size_t records = 0;    ///< index records this node keeps for the ring
  std::uint64_t records_expired = 0;  ///< records dropped because their holder did not renew them in time
  std::size_t fingers = 0;    ///< distinct nodes in the routing table
  std::vector<ChordRef> finger_refs;  ///< those fingers, nearest first
  std::uint32_t joins = 0;    ///< join attempts made
  std::uint32_t id_draw = 0;  ///< which chord_id_draw() of the address `self` is (0: the address hash)
  bool gave_up = false;       ///< every id draw was taken (chord_id_draws_max): the node stays off the ring
};

class ChordRuntime {
 public:
  /// Other ring members the node may join through (from the tracker's directory, this node excluded).
  using Candidates = std::function<std::vector<ChordRef>()>;

  /// Create the Chord node of peer `peer` at `address` (its id: chord_id_draw(address, m, 0),
  /// drawn again when a join finds it taken); starts the io thread. `transport`, `events` and `ids` (the
  /// node's one query id source: lookups take their ids from it, so Chord searches never reuse
  /// another strategy's query id) must outlive it. `republish_us` > 0 re-stores every shared
  /// file that often (records are soft state).
  ChordRuntime(const std::string& address, PeerId peer, const ChordConfig& config, std::uint64_t rng_seed, TimeUs republish_us,
               ChordTransport& transport, EventSink& events, QueryIdAllocator& ids);
  ~ChordRuntime();
  ChordRuntime(const ChordRuntime&) = delete;
  ChordRuntime& operator=(const ChordRuntime&) = delete;

  /// Create or join the ring using `candidates`; call once, after the first directory is installed.
  void start(Candidates candidates);
  /// Hand a validated Chord message from `from` to the node; nullopt when the runtime did not
  /// answer within `wait`. Call from gRPC threads.
  std::optional<Arrival> deliver(PeerId from, const ChordMessage& msg, std::chrono::milliseconds wait);
  /// Index "this node holds `key`" on the ring (now if a member, else once joined, and again
  /// every republish interval); call for every shared file.
  void store(FileKey key);
  /// Find the holders of `key` and return the search's query id; `done` runs on the io thread
  /// with the holders (or an error).
  QueryId find(FileKey key, std::function<void(SearchOutcome)> done);
  /// Leave the ring gracefully (records to the successor, notices to both neighbours), waiting
  /// at most `wait`; call before stop() on a clean shutdown.
  void leave(std::chrono::milliseconds wait);
  /// Copy of the runtime's state (blocks briefly for the io thread).
  ChordRuntimeState state();
  /// Stop the io thread; pending finds complete with an error. Idempotent.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace zonal::node
