#pragma once
/// The real tracker's state: the core zonal::Tracker (zones, expiry) plus id allocation and the
/// address book (id -> host:port). Thread-safe: gRPC handler threads call it concurrently.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>

#include "event_sink.hpp"
#include "tracker_config.hpp"
#include "zonal/tracker.hpp"

namespace zonal::node {

/// Largest peer id the tracker hands out or honours (the next is its own, tracker_peer_id).
inline constexpr PeerId peer_id_max = tracker_peer_id - 1;

/// A peer's place after registration or heartbeat.
struct Admission {
  PeerId id = no_peer;
  ZoneId zone = no_zone;
  std::uint32_t zone_count = 0;
  std::uint64_t epoch = 0;
};

/// Why a Register was refused (limits.* of the tracker; both answered RESOURCE_EXHAUSTED).
struct RegistryRefusal {
  std::string text;
};

/// Refusals counted since start (for logs and tests).
struct RegistryCounters {
  std::uint64_t refused_full = 0;  ///< limits.peers_max reached
  std::uint64_t refused_host = 0;  ///< limits.peers_per_host_max reached for the caller's address
};

/// Directory snapshot with addresses.
struct RegistrySnapshot {
  std::shared_ptr<const ZoneDirectory> directory;
  std::map<PeerId, std::string> addresses;
  std::uint64_t epoch = 0;  ///< the directory's epoch plus address changes (what peers are told)
};

class Registry {
 public:
  /// `events` (may be null) receives peer.registered, peer.expired and zones.rebalanced.
  explicit Registry(const TrackerOptions& options, EventSink* events = nullptr);

  /// Admit a peer serving at `address`, calling from network host `host`. `requested` is
  /// honoured when free, already held by the same address (re-registration, e.g. after a tracker
  /// restart) or `proven` (the caller's certificate names that id: it takes its place back from
  /// an older registration); otherwise a fresh id is given. Refused (nothing changed) when the
  /// directory holds limits.peers_max peers or `host` limits.peers_per_host_max of them.
  std::variant<Admission, RegistryRefusal> register_peer(TimeUs now, const std::string& address, const std::string& host,
                                                         std::optional<PeerId> requested, bool proven);
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
  /// Refusals so far.
  RegistryCounters counters() const;

 private:
  Admission admission_of(PeerId peer) const;
  PeerId allocate(const std::string& address, std::optional<PeerId> requested, bool proven);
  std::optional<RegistryRefusal> check_limits(const std::string& host, std::optional<PeerId> replacing);
  void forget(PeerId peer);
  /// Drain the core's transmits; publish zones.rebalanced when peers other than `joining` moved
  /// or the zone count changed.
  void drain(PeerId joining = no_peer);

  std::uint32_t m_peers_max;
  std::uint32_t m_peers_per_host_max;
  std::map<PeerId, std::string> m_hosts;          ///< caller host each peer registered from
  std::map<std::string, std::uint32_t> m_per_host;  ///< registrations per caller host
  RegistryCounters m_counters;
  std::uint64_t m_address_changes = 0;  ///< a known peer moved: peers must refetch the directory

  mutable std::mutex m_mutex;
  Tracker m_core;
  std::map<PeerId, std::string> m_addresses;
  PeerId m_next_id = 0;
  EventSink* m_events;
  std::uint32_t m_zone_count_published = 0;
};

}  // namespace zonal::node
