#pragma once
/// The real tracker's state: the core zonal::Tracker (zones, expiry) plus id allocation and the
/// address book (id -> host:port). Thread-safe: gRPC handler threads call it concurrently.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "event_sink.hpp"
#include "tracker_config.hpp"
#include "zonal/tracker.hpp"

namespace zonal::node {

/// Largest peer id the tracker hands out or honours (0xFFFFFFFE is the tracker's own id).
inline constexpr PeerId peer_id_max = 0xFFFFFFFDu;

/// A peer's place after registration or heartbeat.
struct Admission {
  PeerId id = no_peer;
  ZoneId zone = no_zone;
  std::uint32_t zone_count = 0;
  std::uint64_t epoch = 0;
};

/// Directory snapshot with addresses.
struct RegistrySnapshot {
  std::shared_ptr<const ZoneDirectory> directory;
  std::map<PeerId, std::string> addresses;
};

class Registry {
 public:
  /// `events` (may be null) receives peer.registered, peer.expired and zones.rebalanced.
  explicit Registry(const TrackerOptions& options, EventSink* events = nullptr);

  /// Admit a peer serving at `address`. `requested` is honoured when free or already held by
  /// the same address (re-registration, e.g. after a tracker restart); otherwise a fresh id is given.
  Admission register_peer(TimeUs now, const std::string& address, std::optional<PeerId> requested);
  /// Refresh `peer`; nullopt when unknown (the peer must register again).
  std::optional<Admission> heartbeat(TimeUs now, PeerId peer);
  /// Remove `peer`; false when unknown.
  bool leave(PeerId peer);
  /// Drop peers whose heartbeat is overdue; call periodically.
  void expire(TimeUs now);
  /// Current directory and addresses; call to answer ListZones / ZoneMembers.
  RegistrySnapshot snapshot() const;
  /// Number of registered peers.
  std::size_t peer_count() const;

 private:
  Admission admission_of(PeerId peer) const;
  PeerId allocate(const std::string& address, std::optional<PeerId> requested);
  /// Drain the core's transmits; publish zones.rebalanced when peers other than `joining` moved
  /// or the zone count changed.
  void drain(PeerId joining = no_peer);

  mutable std::mutex m_mutex;
  Tracker m_core;
  std::map<PeerId, std::string> m_addresses;
  PeerId m_next_id = 0;
  EventSink* m_events;
  std::uint32_t m_zone_count_published = 0;
};

}  // namespace zonal::node
