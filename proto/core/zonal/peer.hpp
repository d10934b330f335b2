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

class alignas(32) Peer {
 public:
  /// Create a peer; `rng_seed` should be derived from the run seed and the peer id.
  Peer(PeerId id, const PeerConfig& config, std::uint64_t rng_seed);
  /// Same, sharing one configuration among many peers.
  Peer(PeerId id, std::shared_ptr<const PeerConfig> config, std::uint64_t rng_seed);
  /// Same, borrowing `config`, which must outlive the peer.
  Peer(PeerId id, const PeerConfig* config, std::uint64_t rng_seed);
  /// Same, seeding the random stream with mix64(config->rng_seed_base ^ id): the simulator's
  /// million peers point at one configuration it owns and keep no seed, at no cost per peer.
  Peer(PeerId id, const PeerConfig* config);
  Peer(Peer&& other) noexcept;
  Peer& operator=(Peer&& other) noexcept;
  Peer(const Peer&) = delete;
  Peer& operator=(const Peer&) = delete;
  ~Peer();

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
  std::size_t expire_records(TimeUs now);

  // ---- commands ---------------------------------------------------------------------
  /// Share a file: index it locally and publish its record to its home zone when zones are known.
  void share(TimeUs now, FileKey key);
  /// Leave the network gracefully: queue a Leave to `tracker` (the one given to
  /// connect_tracker(); no_peer: nothing). Call when the peer departs on purpose.
  void leave(TimeUs now, PeerId tracker);
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
    if (relay_only()) return std::nullopt;  // no timers
    return next_timeout();
  }
  /// True when poll_event() and poll_timeout() have nothing to return (the peer only relays: no
  /// search, event or parked walker); drivers may skip both then. Inline: checked per delivery.
  bool relay_only() const noexcept {
    const Cold* c = cold_state();
    return c == nullptr || !c->origin;
  }
  /// Next event for the application or driver, or nullopt.
  std::optional<PeerEvent> poll_event() {
    if (relay_only()) return std::nullopt;  // only searching peers produce events
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
  const FileIndex& index() const noexcept {
    const Cold* c = cold_state();
    return c != nullptr ? c->index : no_files();
  }
  const ZoneDirectory* directory() const noexcept {
    const Cold* c = cold_state();
    return c != nullptr ? c->directory.get() : nullptr;
  }
  const PeerConfig& config() const noexcept {
    const std::uintptr_t home = m_sends.word();
    if ((home & cold_bit) != 0) return *reinterpret_cast<const Cold*>(home & ~cold_bit)->config_borrowed;
    return *reinterpret_cast<const PeerConfig*>(home);
  }

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
  /// What few peers need: allocated on first use (an owned configuration, a seed given by the
  /// driver, owned links, files or index records, a zone directory, a search) and freed when
  /// nothing in it is in use, so relay-only peers hold none.
  struct Cold {
    const PeerConfig* config_borrowed = nullptr;     // the configuration in use (borrowed or `config`)
    std::shared_ptr<const PeerConfig> config;        // owned or shared
    std::shared_ptr<const ZoneDirectory> directory;  // the tracker's last one
    std::vector<PeerId> links;                       // owned neighbours: overlay, then zone
    std::uint32_t overlay_count = 0;                 // link counts beyond 16 bits (see m_overlay_count)
    std::uint32_t zone_count = 0;
    std::uint32_t query_counter = 0;
    std::uint32_t rng_draws_high = 0;                // draws of the random stream beyond 2^32 - 1
    std::optional<std::uint64_t> rng_seed;           // given by the driver (else derived from the id)
    FileIndex index;
    std::unique_ptr<OriginState> origin;
  };
  static constexpr std::uint16_t count_in_cold = 0xFFFF;
  /// The home word (kept by m_sends): a borrowed `const PeerConfig*`, or a `Cold*` | cold_bit.
  static constexpr std::uintptr_t cold_bit = 2;

  Cold* cold_state() const noexcept {
    const std::uintptr_t home = m_sends.word();
    return (home & cold_bit) != 0 ? reinterpret_cast<Cold*>(home & ~cold_bit) : nullptr;
  }
  static const FileIndex& no_files() noexcept;

  std::uint32_t overlay_count() const noexcept {
    return m_overlay_count != count_in_cold ? m_overlay_count : cold_state()->overlay_count;
  }
  std::uint32_t zone_count() const noexcept {
    return m_zone_count != count_in_cold ? m_zone_count : cold_state()->zone_count;
  }
  Cold& cold();
  void free_cold_if_idle() noexcept;
  void own_links(std::vector<PeerId> links, std::size_t overlay_count);
  void set_link_counts(std::size_t overlay_count, std::size_t zone_count);
  std::uint32_t random_below(std::uint32_t bound);

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

  // 96 bytes, aligned to 32, so every peer lies in two cache lines: every delivered query reads
  // the seen table (64 bytes, its ids inline); fresh ones also the rest: the links' address and
  // counts, the send queue (whose one word is also the configuration's or the cold state's
  // address), id, zone and the random stream's draw count. What few peers need is cold.
  SeenTable m_seen;
  const PeerId* m_links = nullptr;    // overlay neighbours, then zone neighbours (owned in cold state or borrowed)
  SendQueue m_sends;                  // its word: the home word (cold_bit)
  PeerId m_id;
  std::uint16_t m_overlay_count = 0;  // count_in_cold: the count is in the cold state
  std::uint16_t m_zone_count = 0;     // likewise
  ZoneId m_zone = no_zone;
  std::uint32_t m_rng_draws = 0;      // draws of the random stream so far (low 32 bits)
};

}  // namespace zonal
