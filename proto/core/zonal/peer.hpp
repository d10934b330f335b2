#pragma once
/// The sans-IO peer: feed it inputs with handle_*() and commands, then drain poll_*().
/// No clock, no sockets, no global state: the simulator and real nodes drive the same class.
/// Drivers see only inputs, commands, outputs and state; search strategies reach the peer's
/// plumbing through a StrategyContext (strategy_context.hpp).
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "zonal/file_index.hpp"
#include "zonal/message.hpp"
#include "zonal/open_search.hpp"
#include "zonal/peer_config.hpp"
#include "zonal/peer_event.hpp"
#include "zonal/rng.hpp"
#include "zonal/seen_table.hpp"
#include "zonal/send_queue.hpp"
#include "zonal/zone_directory.hpp"

namespace zonal {

class alignas(64) Peer {
 public:
  /// Create a peer; `rng_seed` should be derived from the run seed and the peer id.
  Peer(PeerId id, const PeerConfig& config, std::uint64_t rng_seed);
  /// Same, sharing one configuration among many peers.
  Peer(PeerId id, std::shared_ptr<const PeerConfig> config, std::uint64_t rng_seed);
  /// Same, borrowing `config`, which must outlive the peer (the simulator's million peers
  /// point at one configuration it owns, at no cost per peer).
  Peer(PeerId id, const PeerConfig* config, std::uint64_t rng_seed);

  // ---- setup and inputs -------------------------------------------------------------
  /// Replace the whole-network overlay neighbours; call at setup or when links change.
  void set_overlay_neighbours(std::vector<PeerId> neighbours);
  /// Replace the intra-zone neighbours used by zone floods.
  void set_zone_neighbours(std::vector<PeerId> neighbours);
  /// Use `links` as the neighbours without copying them: the first `overlay_count` are the
  /// overlay neighbours, the rest the zone neighbours. The array must stay alive and unchanged
  /// while the peer uses it (until the next set_*/borrow_links call or the peer's end): the
  /// simulator's peers point into one adjacency array it owns.
  void borrow_links(std::span<const PeerId> links, std::size_t overlay_count);
  /// Queue a Register to `tracker`; call once when the peer starts. Liveness (heartbeats,
  /// expiry, re-registration) is the driver's: a node's TrackerSession, the simulator's rounds.
  void connect_tracker(TimeUs now, PeerId tracker);
  /// Install the tracker's zone directory; republishes shared files when zones changed.
  void handle_zone_directory(TimeUs now, std::shared_ptr<const ZoneDirectory> directory);
  /// Process one message from `from`; call for every delivered message. The duplicate
  /// check of query copies (most deliveries of a flood) is inline.
  Arrival handle_message(TimeUs now, PeerId from, const Message& msg) {
    if (const auto* q = std::get_if<Query>(&msg)) {
      if (m_seen.find(q->query_id) != nullptr) return Arrival::duplicate;
      return handle_fresh_query(now, from, *q);
    }
    return handle_other(now, from, msg);
  }
  /// Install the zone the tracker assigned this peer (a ZoneAssignment that reached the driver
  /// outside the protocol's messages, e.g. in a real node's gRPC registration reply).
  void handle_zone_assignment(TimeUs now, const ZoneAssignment& assignment);
  /// Fire due timers; call when the time from poll_timeout() is reached.
  void handle_timeout(TimeUs now);
  /// Forget query ids and parked walkers older than the query timeout even when no new
  /// queries arrive; real nodes call it periodically (e.g. every second). Queues nothing.
  void forget_expired(TimeUs now);
  /// Drop index records whose lifetime (record_ttl_us) lapsed by `now`; returns how many. Real
  /// nodes call it periodically (e.g. every second). Queues nothing.
  std::size_t expire_records(TimeUs now) { return m_index.expire_records(now); }

  // ---- commands ---------------------------------------------------------------------
  /// Share a file: index it locally and publish its record to its home zone when zones are known.
  void share(TimeUs now, FileKey key);
  /// Leave the network gracefully: queue a Leave to the tracker given to connect_tracker()
  /// (nothing when no tracker is known). Call when the peer departs on purpose.
  void leave(TimeUs now);
  /// Publish the records of every shared file again (renewing them before record_ttl_us lapses);
  /// real nodes call it well within that lifetime, e.g. every third of it. Queues Publishes.
  void republish(TimeUs now);
  /// Start a search for `key` with `strategy`; returns the new query's id.
  QueryId search(TimeUs now, FileKey key, Strategy strategy, SearchParams params);
  /// Like search(), with ids chosen by the caller (a real node's one allocator for every
  /// strategy): the search owns [first_id, first_id + search_id_count()). `first_id` must carry
  /// this peer's id in its high 32 bits and a non-zero counter; otherwise the peer's own counter
  /// is used. Returns the id the search runs under.
  QueryId search_with_ids(TimeUs now, FileKey key, Strategy strategy, SearchParams params, QueryId first_id);

  // ---- outputs ------------------------------------------------------------------------
  /// Next message to send, or nullopt; drain after every handle_*() or command.
  std::optional<Transmit> poll_transmit() { return m_sends.pop(); }
  /// Like poll_transmit(), but the rest of a whole broadcast (or one unicast) at once, in the
  /// same order; the batch is valid until the next call into this peer. Drivers use either.
  std::optional<TransmitBatch> poll_transmit_batch() { return m_sends.pop_batch(); }
  /// Earliest time handle_timeout() must be called, if any timer is armed.
  std::optional<TimeUs> poll_timeout() const noexcept {
    if (!m_cold || !m_cold->origin) return std::nullopt;  // relay-only peer: no timers
    return next_timeout();
  }
  /// Next event for the application or driver, or nullopt.
  std::optional<PeerEvent> poll_event() {
    if (!m_cold || !m_cold->origin) return std::nullopt;  // only searching peers produce events
    return next_event();
  }

  /// Performance hint, a few messages ahead: start loading this peer's hot fields.
  void prefetch_state() const noexcept {
#if defined(__GNUC__)
    const char* self = reinterpret_cast<const char*>(this);
    __builtin_prefetch(self);
    __builtin_prefetch(self + 64);
#endif
  }
  /// Performance hint for the next message (after prefetch_state): load what handling it reads.
  void prefetch(const Message& next) const noexcept {
    if (const auto* q = std::get_if<Query>(&next)) m_seen.prefetch(q->query_id);
#if defined(__GNUC__)
    __builtin_prefetch(m_links);  // read when the copy is fresh and gets forwarded
#endif
  }

  // ---- state ------------------------------------------------------------------------
  PeerId id() const noexcept { return m_id; }
  ZoneId zone() const noexcept { return m_zone; }
  std::span<const PeerId> overlay_neighbours() const noexcept { return {m_links, overlay_count()}; }
  std::span<const PeerId> zone_neighbours() const noexcept { return {m_links + overlay_count(), zone_count()}; }
  const FileIndex& index() const noexcept { return m_index; }
  const ZoneDirectory* directory() const noexcept { return m_cold ? m_cold->directory.get() : nullptr; }
  const PeerConfig& config() const noexcept { return *m_config; }

 private:
  friend class StrategyContext;  // the strategies' narrow access to the plumbing below

  static constexpr TimeUs never_us = OpenSearch::never_us;
  /// State only searching peers (and peers a walker waits at) need; allocated on first
  /// search, event or parked walker, so the many peers that only relay stay small.
  struct OriginState {
    std::vector<OpenSearch> open_searches;
    std::vector<PeerEvent> events;
    std::size_t events_head = 0;
    std::vector<ParkedWalk> parked;  // walkers waiting here for their origin's answer
  };
  /// What few peers need: allocated on first use (an owned configuration, owned links, a zone
  /// directory, a search) and freed when nothing in it is in use, so relay-only peers hold none.
  struct Cold {
    std::shared_ptr<const PeerConfig> config;        // owned or shared; m_config points at it
    std::shared_ptr<const ZoneDirectory> directory;  // the tracker's last one
    std::vector<PeerId> links;                       // owned neighbours: overlay, then zone
    std::uint32_t overlay_count = 0;                 // link counts beyond 16 bits (see m_overlay_count)
    std::uint32_t zone_count = 0;
    std::uint32_t query_counter = 0;
    std::unique_ptr<OriginState> origin;
  };
  static constexpr std::uint16_t count_in_cold = 0xFFFF;

  std::uint32_t overlay_count() const noexcept {
    return m_overlay_count != count_in_cold ? m_overlay_count : m_cold->overlay_count;
  }
  std::uint32_t zone_count() const noexcept { return m_zone_count != count_in_cold ? m_zone_count : m_cold->zone_count; }
  Cold& cold();
  void free_cold_if_idle() noexcept;
  void own_links(std::vector<PeerId> links, std::size_t overlay_count);
  void set_link_counts(std::size_t overlay_count, std::size_t zone_count);

  std::optional<TimeUs> next_timeout() const noexcept;
  std::optional<PeerEvent> next_event();
  Arrival handle_fresh_query(TimeUs now, PeerId from, const Query& q);
  Arrival handle_other(TimeUs now, PeerId from, const Message& msg);
  Arrival handle_hit(TimeUs now, const QueryHit& hit);
  Arrival handle_walk(TimeUs now, PeerId from, const Walk& walk);
  void publish(FileKey key);
  OpenSearch* find_search(QueryId id) noexcept;
  OriginState& origin_state();

  // ---- plumbing for the strategies (reached through StrategyContext) -------------------
  bool answer(PeerId from, const Query& q);
  bool answer_key(PeerId from, QueryId query_id, FileKey key, std::uint8_t hops, std::uint16_t relays);
  void forward(PeerId from, const Query& q);
  void local_hit(TimeUs now, QueryId id, FileKey key, PeerId holder);
  void send(PeerId to, const Message& msg) { m_sends.push_unicast(to, msg); }
  void fail_search(QueryId id, const char* reason);
  PeerId pick_zone_member(ZoneId zone, FileKey key);
  void mark_seen(TimeUs now, QueryId id, PeerId from);
  void park_walk(TimeUs now, PeerId from, const Walk& walk);
  std::optional<ParkedWalk> unpark_walk(QueryId query_id);

  // Two cache lines (the object is aligned to one): every delivered query reads the seen table
  // (line 0, its ids inline); fresh ones also line 1: the links' address and counts, id,
  // config, file index and send queue. What few peers need is behind m_cold.
  SeenTable m_seen;
  const PeerId* m_links = nullptr;           // overlay neighbours, then zone neighbours (owned in m_cold or borrowed)
  std::uint16_t m_overlay_count = 0;         // count_in_cold: the count is m_cold->overlay_count
  std::uint16_t m_zone_count = 0;            // likewise
  PeerId m_id;
  const PeerConfig* m_config = nullptr;      // borrowed, or owned by m_cold
  FileIndex m_index;
  SendQueue m_sends;
  std::unique_ptr<Cold> m_cold;
  Rng m_rng;
  ZoneId m_zone = no_zone;
  PeerId m_tracker = no_peer;
};

}  // namespace zonal
