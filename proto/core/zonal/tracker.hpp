#pragma once
/// The registry's state machine: registers peers, expires silent ones, assigns zones.
/// It never indexes or searches files. Sans-IO like Peer: handle_*() in, poll_*() out.
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <unordered_map>
#include <vector>

#include "zonal/message.hpp"
#include "zonal/zone_directory.hpp"

namespace zonal {

struct TrackerConfig {
  std::uint32_t zone_count_target = 1;                  ///< zones wanted once there are enough peers
  std::uint32_t zone_size_min = zone_size_min_default;  ///< every zone keeps at least this many members
  TimeUs expiry_us = 0;                                 ///< drop peers silent this long; 0 = never
  std::uint64_t links_seed = 0;                         ///< travels with the directory: seeds computed links
};

class Tracker {
 public:
  /// Create the registry; `self` is its own address in the driver's id space.
  Tracker(PeerId self, const TrackerConfig& config);

  /// Process Register / Heartbeat / Leave from `from`; call for every delivered message.
  Arrival handle_message(TimeUs now, PeerId from, const Message& msg);
  /// Expire peers whose heartbeat is overdue; call when poll_timeout() is reached.
  void handle_timeout(TimeUs now);

  /// Register `peer` (idempotent: a known peer is refreshed); returns its zone. Used by handle_message and gRPC.
  ZoneId register_peer(TimeUs now, PeerId peer);
  /// Refresh `peer`'s liveness; false when the peer is unknown (it must register again).
  bool heartbeat(TimeUs now, PeerId peer);
  /// Remove `peer` (graceful leave or expiry); false when unknown.
  bool leave(PeerId peer);

  /// Next ZoneAssignment to deliver (one per moved or registered peer, with its current zone), or nullopt.
  /// Drain after every handle_*() call.
  std::optional<Transmit> poll_transmit();
  /// Earliest expiry deadline, if expiry is enabled and peers are registered.
  std::optional<TimeUs> poll_timeout() const;

  /// Make room for peers 0..peers-1 at once (the simulator registers all of them): saves the
  /// array's regrowth. Optional.
  void reserve(std::size_t peers) { m_peers.reserve(peers); }
  std::size_t peer_count() const noexcept { return m_peers.size(); }
  std::uint32_t zone_count() const noexcept { return static_cast<std::uint32_t>(m_zones.size()); }
  /// Zone of `peer`, or no_zone when unknown.
  ZoneId zone_of(PeerId peer) const noexcept;
  /// Current members of `zone` (unordered).
  std::span<const PeerId> members(ZoneId zone) const noexcept;
  /// Bumped whenever any peer's zone or the zone count changes.
  std::uint64_t epoch() const noexcept { return m_epoch; }
  /// Immutable snapshot of the current membership; call to hand peers a directory.
  std::shared_ptr<const ZoneDirectory> directory() const;

 private:
  /// A registered peer: 8 bytes (ten million of them in the simulator).
  struct Record {
    ZoneId zone = no_zone;
    std::uint32_t slot : 30 = 0;  // position in m_zones[zone]
    std::uint32_t notify_pending : 1 = 0;
    std::uint32_t present : 1 = 0;  // a registered peer (dense slots of others are empty)
  };
  static constexpr std::size_t slot_max = (std::size_t{1} << 30) - 1;
  /// The registered peers' records: ids below about twice the peer count are indexed directly
  /// in one array (8 bytes a peer; the simulator's ids are 0..n-1, ten million of them), the
  /// others (a real tracker's requested ids) in a hash map, so a hostile id costs one entry.
  /// Last-heartbeat times are kept beside them only when peers expire (8 bytes more).
  class Records {
   public:
    explicit Records(bool keep_last_seen) noexcept : m_keep_last_seen(keep_last_seen) {}
    Record* find(PeerId peer) noexcept;
    const Record* find(PeerId peer) const noexcept;
    Record& at(PeerId peer);
    /// Adds `peer` (not registered yet), last seen at `now`.
    void insert(PeerId peer, TimeUs now);
    void erase(PeerId peer) noexcept;
    /// When `peer` (registered) was last seen; 0 unless last-seen times are kept.
    TimeUs last_seen(PeerId peer) const noexcept;
    /// `peer` (registered) was seen at `now`.
    void seen(PeerId peer, TimeUs now) noexcept;
    void reserve(std::size_t peers) {
      m_dense.reserve(peers);
      if (m_keep_last_seen) m_dense_seen.reserve(peers);
    }
    std::size_t size() const noexcept { return m_count; }
    bool empty() const noexcept { return m_count == 0; }

   private:
    struct Sparse {
      Record record;
      TimeUs last_seen_us;
    };
    bool m_keep_last_seen;
    std::vector<Record> m_dense;        // index = peer id
    std::vector<TimeUs> m_dense_seen;   // beside m_dense when last-seen times are kept
    std::unordered_map<PeerId, Sparse> m_sparse;
    std::size_t m_count = 0;
  };

  std::uint32_t zone_count_wanted(std::size_t peers) const noexcept;
  void place(PeerId peer, ZoneId zone);
  void unplace(PeerId peer);
  void move(PeerId peer, ZoneId zone);
  void rebalance();
  ZoneId smallest_zone() const;
  ZoneId largest_zone() const;
  void notify(PeerId peer);

  PeerId m_self;
  TrackerConfig m_config;
  std::uint64_t m_epoch = 0;
  Records m_peers;
  std::vector<std::vector<PeerId>> m_zones;
  std::set<std::pair<std::size_t, ZoneId>> m_by_size;  // (members, zone)
  std::deque<std::pair<TimeUs, PeerId>> m_expiry;      // (deadline, peer); stale entries skipped lazily
  std::vector<PeerId> m_notify;  // peers owed a ZoneAssignment; built with the zone current at poll time
  std::size_t m_notify_head = 0;
};

}  // namespace zonal
